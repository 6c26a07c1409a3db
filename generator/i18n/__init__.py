"""Messages in the maintainers' language.

Messages are written in the code as English msgids with named placeholders, `say("Built {pages}
pages", pages=n)`, where `say` is always the name of the run's `Messages`. Where the language is not
known yet (a problem found while reading a file, an exception raised deep down, a fragment such as
"a number"), `later("...", key=value)` keeps the msgid and its values as a `Text` for `say` to
translate when it is shown; a `Text` value inside another is translated with it. Those two names are
the extraction keywords (`KEYWORDS`): tests/test_messages.py extracts every msgid with Babel and fails
on one without a translation. Each language other than English has a gettext catalogue here
(`vi.po`), compiled with Babel when it is first used, so the package carries only the text catalogue
and needs no build step.
"""
from __future__ import annotations

import gettext
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
CATALOGUES = Path(__file__).resolve().parent
ENVIRONMENT = "PORTAL_LANG"  # set to en (or vi) to choose the language of messages
KEYWORDS = {"say": None, "later": None}  # the calls whose first argument is a msgid (for pybabel extract -k)


@dataclass(frozen=True)
class Text:
    """A message to be translated when it is shown: its English msgid and named values."""

    msgid: str
    values: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:  # English, e.g. in an exception's str()
        return self.msgid.format(**{k: str(v) for k, v in self.values.items()})


def later(msgid: str, **values: object) -> Text:
    """`msgid` with its values, translated by the `Messages` that shows it."""
    return Text(msgid, values)


@dataclass(frozen=True)
class Messages:
    """Translates an English msgid (or a `Text`) and fills in its named placeholders."""

    lang: Lang
    translations: gettext.NullTranslations

    def __call__(self, msgid: str | Text, **values: object) -> str:
        if isinstance(msgid, Text):
            return self(msgid.msgid, **{**msgid.values, **values})
        shown = {k: self(v) if isinstance(v, Text) else v for k, v in values.items()}
        return self.translations.gettext(msgid).format(**shown)


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
