"""Lighter output: long province pages are paged by year at national scale, and a long year lists its
records by province instead of tabling them; every record still at a stable address with its anchor,
its sources and the link check passing."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.load.site import load_site
from generator.model.derive import derive_all
from generator.model.problems import Problems
from generator.pipeline import build
from generator.plan import planner
from generator.plan.index import build_index
from generator.plan.page import YearContext
from generator.plan.sources import Named
from generator.render.labels import load_labels
from tests.conftest import ROOT

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = pytest.mark.xdist_group("test_weight")


def _built(folder: Path, threshold: str) -> Path:
    """The test site built into `folder` with the planner's `threshold` set to one record (its link
    check set to error); its output."""
    site = Path(shutil.copytree(ROOT / "tests/site", folder / "site", ignore=shutil.ignore_patterns("output")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner, threshold, 1)
        problems = Problems()
        result = build(site, problems, output=site / "output")
    assert result is not None and not problems.errors, [str(p) for p in problems.sorted()]
    return site / "output"


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site with province pages of at most one record."""
    return _built(tmp_path_factory.mktemp("paged"), "PROVINCE_PAGE_SIZE")


@pytest.fixture(scope="module")
def years_listed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site with year pages of at most one record in a table."""
    return _built(tmp_path_factory.mktemp("years"), "YEAR_PAGE_SIZE")


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="(r-[^"]+)"', html)


def _records(output: Path, province: str) -> dict[str, list[str]]:
    """Each page of a province's spans of years: the anchors of the record sections it shows."""
    pages = {}
    for page in sorted((output / "provinces" / province).glob("[0-9]*/index.html")):
        html = page.read_text(encoding="utf-8")
        pages[page.parent.name] = re.findall(r'<section class="record" id="(r-[^"]+)"', html)
    return pages


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_long_province_page_is_paged_by_year_and_every_record_keeps_its_address(paged: Path,
                                                                                prefix: str) -> None:
    out = paged / prefix
    province = "tra-vinh"
    first = (out / f"provinces/{province}/index.html").read_text(encoding="utf-8")
    spans = _records(out, province)
    assert len(spans) > 1 and all(spans.values())  # one page per five years, each with its records in full
    shown = re.findall(r'<section class="record" id="(r-[^"]+)"', first)
    newest = max(int(re.search(r"(\d{4})", a).group(1)) for a in shown)  # type: ignore[union-attr]
    assert shown and all(str(newest) in a for a in shown)  # the first page shows the newest year in full
    for span, anchors in spans.items():
        start, end = (int(y) for y in span.split("-"))
        assert start % 5 == 0 and end == start + 4  # fixed spans: a record's address never moves
        for anchor in anchors:
            assert any(str(y) in anchor for y in range(start, end + 1)), anchor
            # Links written before paging (provinces/x/#anchor) still land on the record's line or section.
            assert _ids(first).count(anchor) == 1, anchor
            if anchor not in shown:
                assert f'href="/portal/{prefix}provinces/{province}/{span}/#{anchor}"' in first
        page = (out / f"provinces/{province}/{span}/index.html").read_text(encoding="utf-8")
        assert 'class="pager"' in page and f'<strong aria-current="page">{start}–{end}</strong>' in page
        assert 'rel="noopener noreferrer"' in page  # each record keeps its source link
        # A span's page shares the province's card rather than drawing one of its own.
        card = f"portal/{prefix}provinces/{province}/share.png"
        assert card in first and card in page and (out / f"provinces/{province}/share.png").is_file()
        assert not (out / f"provinces/{province}/{span}/share.png").exists()


def test_the_test_site_is_not_paged(test_site_output: Path) -> None:
    assert not list((test_site_output / "provinces").glob("*/[0-9]*/index.html"))
    assert 'class="pager"' not in (test_site_output / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")


def _figures(html: str) -> list[str]:
    return re.findall(r'<figure class="chart.*?</figure>', html, re.S)


def _rows(html: str) -> dict[str, str]:
    """A year page's records: each row's (or line's) anchor and where its period links."""
    rows = re.findall(r'<(?:tr|li) id="(row-[^"]+)">(?:<th[^>]*>)?(?:<strong>.*?</strong><br>)?<a href="([^"]+)"', html)
    return dict(rows)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_long_year_lists_its_records_by_province_and_keeps_every_row_anchor(
        years_listed: Path, test_site_output: Path, prefix: str) -> None:
    listed_any = False
    for page in sorted((test_site_output / prefix / "years").glob("*/index.html")):
        whole = page.read_text(encoding="utf-8")
        short = (years_listed / prefix / "years" / page.parent.name / "index.html").read_text(encoding="utf-8")
        rows = _rows(whole)
        assert rows and 'class="data records"' in whole
        if len(rows) == 1:  # at the threshold: still the table
            assert short == whole
            continue
        listed_any = True
        assert 'class="data records"' not in short and 'class="year-records"' in short
        # Every row's anchor is kept once, and leads where the row's period led: the record on its page.
        assert _rows(short) == rows
        assert all(short.count(f'id="{anchor}"') == 1 for anchor in rows)
        # The year's ranking, with its sources in each row, is the same chart.
        assert _figures(short) == _figures(whole) and 'id="sources"' in short
        for slug in {re.search(r"provinces/([^/]+)/", url).group(1) for url in rows.values()}:  # type: ignore[union-attr]
            assert f'<strong><a href="/portal/{prefix}provinces/{slug}/">' in short
    assert listed_any  # the test site has a year of several records


def test_the_planner_lists_a_year_by_province_only_beyond_the_threshold() -> None:
    """Flattened, the lists by province are the table's records in the table's order, from one record past
    the threshold; up to it, the table."""
    loaded = load_site(ROOT / "tests/site", Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    labels = load_labels("vi")
    for year in index.years:
        whole = planner.plan_year(index, year, labels).context
        assert isinstance(whole, YearContext) and not whole.by_province
        for size in range(len(whole.records) + 1):
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(planner, "YEAR_PAGE_SIZE", size)
                ctx = planner.plan_year(index, year, labels).context
            assert isinstance(ctx, YearContext) and ctx.charts == whole.charts
            if size >= len(whole.records):
                assert ctx == whole
                continue
            assert not ctx.records
            assert [n for _, found in ctx.by_province for n in found] == [Named.of(d) for d in whole.records]
            slugs = [slug for slug, _ in ctx.by_province]
            assert len(slugs) == len(set(slugs))
            assert all(n.province == slug for slug, found in ctx.by_province for n in found)
