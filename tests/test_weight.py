"""Lighter output: long province pages are paged by year at national scale, a long year lists its
records by province instead of tabling them, and a long trend is charted province by province; every
record still at a stable address with its anchor, its sources and the link check passing."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.load.site import load_site
from generator.model.derive import Value, derive_all
from generator.model.indicators import INDICATORS
from generator.model.problems import Problems
from generator.output.search_index import expand
from generator.pipeline import build
from generator.plan import planner
from generator.plan.charts import EmbedRef
from generator.plan.index import build_index
from generator.plan.page import IndicatorContext, ProvinceContext, YearContext
from generator.plan.sources import Named
from generator.render.labels import load_labels
from generator.render.views import MISSING
from tests.conftest import ROOT

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = pytest.mark.xdist_group("test_weight")


def _built(folder: Path, threshold: str | None) -> Path:
    """The test site built into `folder` with the planner's `threshold` set to one (none: as the generator
    builds it; its link check set to error); its output."""
    site = Path(shutil.copytree(ROOT / "tests/site", folder / "site", ignore=shutil.ignore_patterns("output")))
    with pytest.MonkeyPatch.context() as patch:
        if threshold is not None:
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


@pytest.fixture(scope="module")
def indicators_paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site with each indicator's trend charted province by province (from two figures)."""
    return _built(tmp_path_factory.mktemp("indicators"), "INDICATOR_PAGE_FIGURES")


@pytest.fixture(scope="module")
def indicators_whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site built as the generator builds it: each trend on its indicator's page."""
    return _built(tmp_path_factory.mktemp("whole"), None)


def _trend_rows(html: str) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    """The rows of the trend's table (the chart whose table is by series), each as its markup up to its
    cells, each year's cell (those with a figure: a province's page has only its own years' columns), and
    its sources' cell."""
    table = re.search(r'<table id="table-indicator-[a-z-]+" class="data" data-orientation="series">.*?</table>',
                      html, re.S)
    if not table:
        return []
    years = re.findall(r'<th scope="col">(\d{4})</th>', table.group(0))
    rows = []
    for row in re.findall(r"<tr data-key=.*?</tr>", table.group(0), re.S):
        head, rest = row.split("</th>", 1)
        cells = re.findall(r"<td>(.*?)</td>", rest)
        assert len(cells) == len(years)
        rows.append((head, tuple((y, c) for y, c in zip(years, cells, strict=True) if c != MISSING),
                     rest.rsplit('<td class="source">', 1)[-1]))
    return rows


def test_the_planner_charts_an_indicator_by_province_only_beyond_the_threshold() -> None:
    """Up to the threshold (the figures the trend charts), one page as before; beyond it, the first page
    keeps the latest ranking and lists the provinces (in the registry's order, each with its lines), and
    each province's page charts its own committees: together, every line of the whole trend, with the same
    values, labels and articles."""
    loaded = load_site(ROOT / "tests/site", Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    labels = load_labels("vi")
    order = [v.slug for v in index.provinces]
    paged_some = False
    for ind in INDICATORS:
        whole, = planner._indicator_pages(index, ind, labels, None, 10**6)
        assert isinstance(whole.context, IndicatorContext) and not whole.context.places
        trend = [c for c in whole.context.charts if c.by_series and c.kind == "line"]
        lines = trend[0].series if trend else []
        figures = sum(1 for s in lines for v in s.values if v is not None)
        for size in range(figures + 1):
            first, *provinces = planner._indicator_pages(index, ind, labels, None, size)
            ctx = first.context
            assert isinstance(ctx, IndicatorContext)
            if size >= figures:
                assert not provinces and first == whole
                continue
            paged_some = True
            assert ctx.charts == [c for c in whole.context.charts if c not in trend]  # the latest ranking
            assert [slug for slug, _ in ctx.places] == sorted({s.key.split(".")[0] for s in lines}, key=order.index)
            assert [p.url for p in provinces] == [f"indicators/{ind.id}/{slug}/" for slug, _ in ctx.places]
            found = []
            for (slug, count), page in zip(ctx.places, provinces, strict=True):
                assert isinstance(page.context, IndicatorContext) and page.context.place == slug
                assert page.share == first.share and first.share is not None
                chart, = page.context.charts
                assert len(chart.series) == count and chart.embed == EmbedRef(ind.id, "in", slug)
                found += [(s.label, s.key, s.sources, _by_year(chart.labels, s.values)) for s in chart.series]
            assert found == [(s.label, s.key, s.sources, _by_year(trend[0].labels, s.values)) for s in lines]
    assert paged_some


def _by_year(years: list[str], values: list[Value | None]) -> dict[str, Value]:
    return {y: v for y, v in zip(years, values, strict=True) if v is not None}


def test_an_indicator_charted_by_province_shows_every_row_of_its_trend(indicators_paged: Path,
                                                                      indicators_whole: Path) -> None:
    """Built with a threshold of one figure, each province's page of a paged indicator holds its rows of the
    whole trend's table (each year's cell, the label and the sources, byte for byte); the first page links
    to each, and the trend's embed page finds each chart where its address says (the build's link check,
    an error here, resolves every link and #anchor written)."""
    for lang in ("", "en/"):
        for page in sorted((indicators_whole / lang / "indicators").glob("*/index.html")):
            ind = page.parent.name
            rows = _trend_rows(page.read_text(encoding="utf-8"))
            folder = indicators_paged / lang / "indicators" / ind
            first = (folder / "index.html").read_text(encoding="utf-8")
            if sum(len(cells) for _, cells, _ in rows) <= 1:
                assert rows == _trend_rows(first)
                continue
            assert _trend_rows(first) == [] and 'id="by-province"' in first
            slugs = re.findall(rf'<th scope="row"><a href="/portal/{lang}indicators/{ind}/([a-z-]+)/">', first)
            assert slugs and [p.parent.name for p in sorted(folder.glob("*/index.html"))] == sorted(slugs)
            found = []
            for slug in slugs:
                html = (folder / slug / "index.html").read_text(encoding="utf-8")
                assert f'id="fig-indicator-{ind}-{slug}"' in html
                found += _trend_rows(html)
            assert sorted(found) == sorted(rows)
            embed = (indicators_paged / lang / "embed" / ind / "index.html").read_text(encoding="utf-8")
            assert (f'data-source="/portal/{lang}indicators/{ind}/{{x}}/" data-figure="fig-indicator-{ind}-{{x}}" '
                    'data-param="in"') in embed


@pytest.fixture(scope="module")
def search_paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site with a search page of at most one record listed."""
    return _built(tmp_path_factory.mktemp("search"), "SEARCH_PAGE_RECORDS")


@pytest.mark.parametrize("lang", ["", "en/"])
def test_a_long_search_page_leaves_the_records_to_the_search_box(search_paged: Path, indicators_whole: Path,
                                                                 lang: str) -> None:
    """Beyond the threshold the page lists everything but the records, and says how many it leaves out;
    search-index.json still holds every entry. What site.js relies on to add them back: each entry missing
    from the page is a record whose address names its province (provinces/<slug>/#…), and that
    province's group is on the page, with the same entries before it as on a page that lists them all."""
    page = (search_paged / lang / "search/index.html").read_text(encoding="utf-8")
    whole = (indicators_whole / lang / "search/index.html").read_text(encoding="utf-8")
    entries = expand((search_paged / lang / "search-index.json").read_bytes())
    assert entries == expand((indicators_whole / lang / "search-index.json").read_bytes())

    def listed(html: str) -> dict[str, list[str]]:
        groups = re.findall(r'<section class="search-group" id="(g-[a-z0-9-]+)".*?</section>', html, re.S)
        bodies = re.findall(r'<section class="search-group" id="g-[a-z0-9-]+".*?</section>', html, re.S)
        return {g: re.findall(r'<li><a href="([^"]+)"', body) for g, body in zip(groups, bodies, strict=True)}

    shown, every = listed(page), listed(whole)
    missing = [e for e in entries if e["u"] not in {u for urls in shown.values() for u in urls}]
    assert missing and all(e["k"] in ("Bản ghi số liệu", "Record") for e in missing)
    assert f"{len(missing)} " in page.split('<div class="search-all"')[0]
    added = {g: list(urls) for g, urls in shown.items()}
    for e in missing:  # as site.js adds them
        slug = re.search(r"/provinces/([a-z0-9-]+)/#[^/]*$", e["u"])  # the rule site.js applies
        assert slug is not None and f"g-{slug.group(1)}" in shown, e["u"]
        added[f"g-{slug.group(1)}"].append(e["u"])
    assert added == every


def test_a_province_formed_in_2025_shows_a_long_merged_units_newest_year() -> None:
    """Vĩnh Long took in Trà Vinh (four records, 2021–2025). Up to a page's size its page tables all of
    them; beyond, the newest year's, and how many are left on Trà Vinh's own pages."""
    loaded = load_site(ROOT / "tests/site", Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    view = next(v for v in index.provinces if v.slug == "vinh-long")
    (slug, records), = index.merged(view)
    assert slug == "tra-vinh" and len(records) == 4
    for size in range(6):
        ctx = planner.plan_province(index, view, load_labels("vi"), page_size=size)[0].context
        assert isinstance(ctx, ProvinceContext)
        if size >= len(records):
            assert ctx.merged == [(slug, records)] and ctx.merged_left == {}
        else:
            assert ctx.merged == [(slug, tuple(d for d in records if d.record.year == 2025))]
            assert ctx.merged_left == {slug: 3}


@pytest.mark.parametrize(("lang", "words"), [("", "3 bản ghi của các năm trước"), ("en/", "3 records of earlier years")])
def test_the_merged_units_other_records_are_a_link_away(paged: Path, lang: str, words: str) -> None:
    html = (paged / lang / "provinces/vinh-long/index.html").read_text(encoding="utf-8")
    merged = html.split('<section class="merged"')[1].split("</section>")[0]
    assert f'<p><a href="/portal/{lang}provinces/tra-vinh/">{words}: ' in merged
    assert merged.count('<tr id="row-tra-vinh-') == 1  # its newest year's one record, 2025's first half
