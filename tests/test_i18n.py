"""Translation catalogues: the same keys in every language, and each edition in its own formats."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.render.labels import LANGUAGES, THEME


def keys(node: dict, prefix: str = "") -> set[str]:
    out: set[str] = set()
    for k, v in node.items():
        out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
    return out


def catalogue(lang: str) -> dict:
    return yaml.safe_load((THEME / f"labels.{lang}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "vi"])
def test_catalogues_have_the_same_strings(lang: str) -> None:
    vi, other = keys(catalogue("vi")), keys(catalogue(lang))
    assert sorted(vi - other) == [], f"missing from labels.{lang}.yaml"
    assert sorted(other - vi) == [], "missing from labels.vi.yaml"


def test_templates_use_only_known_labels() -> None:
    known = keys(catalogue("vi"))
    used = set()
    for template in (THEME / "templates").glob("*.html"):
        used |= set(re.findall(r"\bL\.([a-z_]+\.[a-z_]+)", template.read_text(encoding="utf-8")))
    assert sorted(used - known) == []


def test_each_edition_in_its_own_formats(site: Path) -> None:
    assert main(["build", "--site", str(site)]) == 0
    vi = (site / "output/provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    en = (site / "output/en/provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert "92,94%" in vi and "6.027" in vi and '<html lang="vi">' in vi
    assert "92.94%" in en and "6,027" in en and '<html lang="en">' in en
    assert "Completed tasks well or better" in en and "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh Trà Vinh" in en
    lam = (site / "output/en/provinces/lam-dong/index.html").read_text(encoding="utf-8")
    assert "Jan 17, 2020" in lam  # dates in the English format; 17/01/2020 in Vietnamese
    assert '<link rel="alternate" hreflang="vi" href="/provinces/tra-vinh/">' in en
    assert '<link rel="alternate" hreflang="en" href="/en/provinces/tra-vinh/">' in vi
