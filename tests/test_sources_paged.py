"""A long "sources reviewed" list is paged by province: sources/ lists the provinces, sources/<slug>/ each
province's articles (an article of several provinces on each of theirs), sources/_other/ those naming
none; every row keeps an id made from its article, so adding an article moves no other row's id."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.hashing import fingerprint
from generator.load.site import load_site
from generator.model.derive import derive_all
from generator.model.problems import Problems
from generator.model.types import Period, ReviewedArticle
from generator.pipeline import build
from generator.plan import planner, sources
from generator.plan.index import build_index
from generator.plan.page import SourcesContext
from generator.render.labels import load_labels
from tests.conftest import ROOT, copy_portal

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = pytest.mark.xdist_group("test_sources_paged")

PAGE_SIZE = 5  # the portal lists 25 articles: paged at this size
TWO = ("06_bac-lieu_2023", ("bac-lieu", "hai-phong"))  # the article made to give records in two provinces
FRONT = "00_added_first"  # an article added in front of the list


def _two_provinces(site: Path) -> None:
    """06_bac-lieu_2023 also gives Hải Phòng's record; 07_hai-phong_2023, which gave it, now gives none
    and names no province. The copy is published under a full address, so it has a sitemap."""
    path = site / "content/sources.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("    records: [bac-lieu/khoi-cac-co-quan/2023]\n",
                      "    records: [bac-lieu/khoi-cac-co-quan/2023, hai-phong/khoi-doanh-nghiep/2023]\n"),
                     ("    records: [hai-phong/khoi-doanh-nghiep/2023]\n",
                      "    not_used: no_bloc_figures\n    title: T\n    note: N\n")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /\n", "base_url: https://example.org/p/\n"),
                      encoding="utf-8")


def _add_in_front(site: Path) -> None:
    path = site / "content/sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("articles:\n", f"articles:\n  - id: {FRONT}\n    not_used: province_wide\n"
                                 "    province: son-la\n    title: T\n    note: N\n", 1), encoding="utf-8")


def _build(site: Path, page_size: int | None) -> Path:
    """Build `site` with its sources list paged from `page_size` articles (None: the generator's threshold)."""
    with pytest.MonkeyPatch.context() as patch:
        if page_size is not None:
            patch.setattr(planner, "SOURCES_PAGE_SIZE", page_size)
        problems = Problems()
        result = build(site, problems, output=site / "output")
    # The link check is an error in the portal's site.yaml: every link and #anchor written resolves.
    assert result is not None and not problems.errors, [str(p) for p in problems.sorted()]
    return site / "output"


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_portal(tmp_path_factory.mktemp("sources-paged") / "site")
    _two_provinces(site)
    return _build(site, PAGE_SIZE)


@pytest.fixture(scope="module")
def expected(paged: Path) -> dict[str, list[str]]:
    """What each page should list, from content/sources.yaml itself: each province's articles (by id) in
    the list's order, the province of a record being the first part of its name; "_other": those naming
    none. Provinces in the registry's order, "_other" last."""
    loaded = load_site(paged.parent, Problems())
    assert loaded is not None
    found: dict[str, list[str]] = {}
    for a in loaded.reviewed:
        for slug in dict.fromkeys([ref.split("/")[0] for ref in a.records] or [a.province or "_other"]):
            found.setdefault(slug, []).append(a.id)
    order = [*loaded.registry.slugs(), "_other"]
    return {slug: found[slug] for slug in order if slug in found}


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="article-([^"]+)">', html)


def _index(html: str) -> list[tuple[str, str, int, int]]:
    """The index's lines: (address, name, articles, articles that gave records)."""
    return [(href, name, int(n), int(used)) for href, name, n, used in re.findall(
        r'<tr><th scope="row"><a href="([^"]+)">([^<]+)</a></th><td>(\d+)</td><td>(\d+)</td></tr>', html)]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_index_lists_each_province_with_its_counts_and_page(paged: Path, expected: dict[str, list[str]],
                                                                  prefix: str) -> None:
    html = (paged / prefix / "sources/index.html").read_text(encoding="utf-8")
    assert _rows(html) == []  # no article's row on the index
    loaded = load_site(paged.parent, Problems())
    assert loaded is not None
    gave = {a.id for a in loaded.reviewed if a.records}
    assert (len(loaded.reviewed), len(gave)) == (25, 21)
    assert re.search(r"<p>25 (bài báo|articles): 21 ", html)  # the whole list's summary, as on one page
    lines = _index(html)
    assert [href for href, *_ in lines] == [f"/p/{prefix}sources/{slug}/" for slug in expected]
    assert lines[-1][0].endswith("/sources/_other/")  # the articles naming no province come last
    assert lines[-1][1] == ("Bài báo không nêu tên tỉnh" if not prefix else "Articles naming no province")
    names = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed).names
    for (_, name, n, used), (slug, ids) in zip(lines, expected.items(), strict=True):
        assert (n, used) == (len(ids), len(gave & set(ids))), slug
        assert slug == "_other" or name == names[slug]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_each_province_page_lists_exactly_its_articles(paged: Path, expected: dict[str, list[str]],
                                                       prefix: str) -> None:
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (paged / prefix / "sources").glob("*/index.html")}
    assert set(pages) == set(expected)
    for slug, ids in expected.items():
        assert _rows(pages[slug]) == ids, slug
        assert f'href="/p/{prefix}sources/"' in pages[slug]  # back to the index
    two, provinces = TWO
    assert {slug for slug, html in pages.items() if two in _rows(html)} == set(provinces)
    for slug in provinces:  # on each page the row is whole: both records, both linked
        row = pages[slug].split(f'<tr id="article-{two}">')[1].split("</tr>")[0]
        assert f'/p/{prefix}provinces/bac-lieu/#r-' in row and f'/p/{prefix}provinces/hai-phong/#r-' in row
    other = pages["_other"]
    assert "seed_unnamed-province_mid-term" in _rows(other) and "07_hai-phong_2023" in _rows(other)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_new_page_is_in_the_sitemap_in_the_index_order(paged: Path, expected: dict[str, list[str]],
                                                             prefix: str) -> None:
    sitemap = (paged / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(rf"<loc>https://example.org/p/{prefix}sources/([^<]*)</loc>", sitemap)
    assert listed == ["", *(f"{slug}/" for slug in expected)]


def _pages(output: Path) -> dict[str, list[str]]:
    """Every sources page's rows, by address under sources/."""
    return {p.parent.relative_to(output).as_posix(): _rows(p.read_text(encoding="utf-8"))
            for p in sorted(output.glob("sources/**/index.html"))}


@pytest.mark.parametrize("page_size", [None, PAGE_SIZE], ids=["one page", "paged"])
def test_row_ids_do_not_move_when_an_article_is_added_in_front(tmp_path: Path, page_size: int | None) -> None:
    site = copy_portal(tmp_path / "site")
    before = _pages(_build(site, page_size))
    assert (len(before) > 1) == (page_size == PAGE_SIZE)
    assert "seed_phu-tho_2020" in [i for ids in before.values() for i in ids]
    _add_in_front(site)
    after = _pages(_build(site, page_size))
    on = "sources/son-la" if page_size == PAGE_SIZE else "sources"  # where the added article is listed
    assert after[on] == [FRONT, *before[on]]
    assert {k: v for k, v in after.items() if k != on} == {k: v for k, v in before.items() if k != on}


def test_a_list_up_to_the_threshold_stays_one_page() -> None:
    """The portal lists 25 articles: one page up to a threshold of 25 (the default is far above), paged
    from one below it (the index, 17 provinces and the page of those naming none); the planner takes the threshold as it takes the province pages' size."""
    loaded = load_site(ROOT, Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    for lang in ("vi", "en"):
        for size, urls in ((None, 1), (25, 1), (24, 19)):  # 19: the index, 17 provinces, _other
            found = [p for p in planner.plan(index, load_labels(lang), [], sources_page_size=size).pages
                     if isinstance(p.context, SourcesContext)]
            assert len(found) == urls and found[0].url == "sources/"
            whole = found[0].context
            assert isinstance(whole, SourcesContext) and len(whole.articles) == (25 if urls == 1 else 0)



def _sources_keys(root: Path) -> dict[str, str]:
    """Each page's fingerprint (what its cache key is made from), the portal's sources list paged."""
    loaded = load_site(root, Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    return {p.url: fingerprint(p.context)
            for p in planner.plan(index, load_labels("vi"), [], sources_page_size=PAGE_SIZE).pages}


def test_a_figure_edit_changes_no_sources_page_of_a_paged_list(tmp_path: Path) -> None:
    """The pages name each record by its place and period, never its figures (as the one page does)."""
    site = copy_portal(tmp_path / "site")
    before = _sources_keys(site)
    record = site / "content/records/lam-dong/khoi-cac-co-quan/2019.yaml"
    text = record.read_text(encoding="utf-8")
    assert "admitted: {count: 145," in text
    record.write_text(text.replace("admitted: {count: 145,", "admitted: {count: 146,"), encoding="utf-8")
    after = _sources_keys(site)
    assert after["provinces/lam-dong/"] != before["provinces/lam-dong/"]
    shown = [url for url in before if url.startswith("sources/")]
    assert "sources/lam-dong/" in shown and len(shown) == 19
    assert {url: after[url] for url in shown} == {url: before[url] for url in shown}


PROVINCES = ["an-giang", "bac-lieu", "ca-mau", "hai-phong"]


def _row(i: int, places: list[str], named: str | None) -> sources.ArticleRow:
    article = ReviewedArticle(id=f"a{i}", province=named)
    records = tuple(sources.Named(p, "k", str(2020 + j), 2020 + j, Period()) for j, p in enumerate(places))
    return sources.ArticleRow(article, "t", None, None, None, False, records, sources.anchor(article, True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(PROVINCES), max_size=3),
                          st.one_of(st.none(), st.sampled_from(PROVINCES))), max_size=30))
def test_each_row_is_on_the_page_of_each_of_its_provinces(spec: list[tuple[list[str], str | None]]) -> None:
    found = [_row(i, places, named) for i, (places, named) in enumerate(spec)]
    order = list(reversed(PROVINCES))
    groups = sources.by_place(found, order)
    slugs = [slug for slug, _ in groups]
    assert slugs == [s for s in [*order, None] if s in slugs]  # the registry's order, the rest last
    for slug, rows in groups:
        assert rows and rows == [r for r in found if slug in r.provinces]  # the list's order kept
    for (places, named), row in zip(spec, found, strict=True):
        wanted = set(places) or {named}
        assert {slug for slug, rows in groups if row in rows} == wanted


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=12, unique=True), st.text(min_size=1))
def test_an_article_added_in_front_moves_no_row_id(ids: list[str], added: str) -> None:
    if added in ids:
        return
    listed = tuple(ReviewedArticle(id=i, not_used="province_wide", title="t") for i in ids)
    before = [r.anchor for r in sources.rows(listed, ())]
    after = [r.anchor for r in sources.rows((ReviewedArticle(id=added, not_used="province_wide"), *listed), ())]
    assert after[1:] == before
    assert len(set(after)) == len(after)  # each id once on the page
    assert all(re.fullmatch(r"article-[A-Za-z0-9_-]+", a) for a in after)  # an id a link can name as written
