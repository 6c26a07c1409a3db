"""Translation catalogues: the same keys in every language, and each edition in its own formats."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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


def test_each_edition_in_its_own_formats(test_site_output: Path) -> None:
    vi = (test_site_output / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    en = (test_site_output / "en/provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert "92,94%" in vi and "6.027" in vi and '<html lang="vi">' in vi
    assert "92.94%" in en and "6,027" in en and '<html lang="en">' in en
    assert "Completed tasks well or better" in en and "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh Trà Vinh" in en
    lam = (test_site_output / "en/provinces/lam-dong/index.html").read_text(encoding="utf-8")
    assert "Jan 17, 2020" in lam  # dates in the English format; 17/01/2020 in Vietnamese
    base = "https://example.org/portal/"
    assert f'<link rel="alternate" hreflang="vi" href="{base}provinces/tra-vinh/">' in en
    assert f'<link rel="alternate" hreflang="en" href="{base}en/provinces/tra-vinh/">' in vi


def test_a_page_without_a_translation_is_shown_as_written(test_site_output: Path) -> None:
    """methodology.md has no English version: the English edition shows the Vietnamese text."""
    en = (test_site_output / "en/methodology/index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in en and "Cách đọc" in en
    about = (test_site_output / "en/about/index.html").read_text(encoding="utf-8")
    assert "test data" in about and "Trang này dựng từ" not in about
