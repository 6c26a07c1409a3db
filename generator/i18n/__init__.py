"""Messages in the maintainers' language.

Messages are written in the code as English msgids with named placeholders, `say("Built {pages}
pages", pages=n)`, where `say` is always the name of the run's `Messages` (tests/test_messages.py
extracts every `say(...)` msgid with Babel and fails on one without a translation). Each language
other than English has a gettext catalogue here (`vi.po`), compiled with Babel when it is first used,
so the package carries only the text catalogue and needs no build step.
"""
from __future__ import annotations

import gettext
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
CATALOGUES = Path(__file__).resolve().parent
ENVIRONMENT = "PORTAL_LANG"  # set to en (or vi) to choose the language of messages


@dataclass(frozen=True)
class Messages:
    """Translates an English msgid and fills in its named placeholders."""

    lang: Lang
    translations: gettext.NullTranslations

    def __call__(self, msgid: str, **values: object) -> str:
        return self.translations.gettext(msgid).format(**values)


def catalogue(lang: Lang) -> Path:
    return CATALOGUES / f"{lang}.po"


def messages(lang: Lang) -> Messages:
    """The messages of `lang`; English is the msgids themselves."""
    if lang == "en":
        return Messages(lang, gettext.NullTranslations())
    with catalogue(lang).open("rb") as po:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(po, locale=lang))
    compiled.seek(0)
    return Messages(lang, gettext.GNUTranslations(compiled))


def _site_language(site: Path) -> str | None:
    """The `language:` line of site.yaml, read leniently (the check reports what is wrong with the file)."""
    path = site / "site.yaml"
    try:
        if not path.is_file():  # a folder, a FIFO or a device in its place: the check reports it
            return None
        with path.open("rb") as fh:
            text = fh.read(65536).decode("utf-8-sig", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("language:"):
            return line.partition(":")[2].split("#")[0].strip().strip("'\"")
    return None


def choose(option: str | None, site: Path) -> Lang:
    """--lang, else PORTAL_LANG, else the site's own language (Vietnamese for a Vietnamese site)."""
    for wanted in (option, os.environ.get(ENVIRONMENT), _site_language(site)):
        if wanted:
            return "vi" if wanted.lower().startswith("vi") else "en"
    return "vi"
