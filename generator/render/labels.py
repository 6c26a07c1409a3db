"""The editions and their translations: every word a reader sees comes from the theme's
labels.<language>.yaml (display names of blocks, levels, periods, committee kinds, ...)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml

THEME = Path(__file__).parent / "theme"
Language = Literal["vi", "en"]
# language: (URL prefix, Babel locale). Vietnamese at the site's root, English under en/.
LANGUAGES: dict[Language, tuple[str, str]] = {"vi": ("", "vi_VN"), "en": ("en/", "en")}
Labels = dict[str, dict[str, str]]  # section -> key -> text, e.g. labels["blocks"]["members"]


def load_labels(lang: Language = "vi") -> Labels:
    with open(THEME / f"labels.{lang}.yaml", encoding="utf-8") as fh:
        # libyaml's parser where installed: the label files are read at every build and every start.
        labels: Labels = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return labels


class _Section(dict[str, Any]):
    """A section of labels whose keys are also its attributes. Jinja reads `L.site.source` by trying the
    attribute first and the key only after that fails: on a plain dict, two exceptions per label, and
    a national build reads labels millions of times."""

    def __init__(self, items: dict[str, Any]):
        super().__init__(items)
        self.__dict__ = self


def readable(labels: Labels) -> Labels:
    """The labels as the templates read them (`L.site.source`, `L.blocks[name]`): the same keys and
    texts, found as attributes at once."""
    return _Section({name: _Section(section) for name, section in labels.items()})
