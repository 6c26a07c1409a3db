"""Lighter output: long province pages are paged by year at national scale, every record still at a
stable address with its anchor, its sources and the link check passing."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.model.problems import Problems
from generator.pipeline import build
from generator.plan import planner
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site built with province pages of at most one record (its link check set to error)."""
    site = Path(shutil.copytree(ROOT / "tests/site", tmp_path_factory.mktemp("paged") / "site",
                                ignore=shutil.ignore_patterns("output")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner, "PROVINCE_PAGE_SIZE", 1)
        problems = Problems()
        result = build(site, problems, output=site / "output")
    assert result is not None and not problems.errors, [str(p) for p in problems.sorted()]
    return site / "output"


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="(r-[^"]+)"', html)


def _records(output: Path, province: str) -> dict[int, list[str]]:
    """Each year page of a province: the anchors of the record sections it shows."""
    pages = {}
    for page in sorted((output / "provinces" / province).glob("[0-9]*/index.html")):
        html = page.read_text(encoding="utf-8")
        pages[int(page.parent.name)] = re.findall(r'<section class="record" id="(r-[^"]+)"', html)
    return pages


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_long_province_page_is_paged_by_year_and_every_record_keeps_its_address(paged: Path,
                                                                                prefix: str) -> None:
    out = paged / prefix
    province = "tra-vinh"
    first = (out / f"provinces/{province}/index.html").read_text(encoding="utf-8")
    years = _records(out, province)
    assert len(years) > 1 and all(years.values())  # one page per year, each with its records in full
    newest = max(years)
    shown = re.findall(r'<section class="record" id="(r-[^"]+)"', first)
    assert shown == years[newest]  # the first page shows the newest year in full
    for year, anchors in years.items():
        for anchor in anchors:
            assert anchor.endswith(str(year)) or str(year) in anchor
            # Links written before paging (provinces/x/#anchor) still land on the record's line or section.
            assert _ids(first).count(anchor) == 1, anchor
            if year != newest:
                assert f'href="/portal/{prefix}provinces/{province}/{year}/#{anchor}"' in first
        page = (out / f"provinces/{province}/{year}/index.html").read_text(encoding="utf-8")
        assert 'class="pager"' in page and f'<strong aria-current="page">{year}</strong>' in page
        assert 'rel="noopener noreferrer"' in page  # each record keeps its source link


def test_the_test_site_is_not_paged(test_site_output: Path) -> None:
    assert not list((test_site_output / "provinces").glob("*/[0-9]*/index.html"))
    assert 'class="pager"' not in (test_site_output / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")
