"""The editions and their translations: every word a reader sees comes from the theme's
labels.<language>.yaml (display names of blocks, levels, periods, committee kinds, ...)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

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
