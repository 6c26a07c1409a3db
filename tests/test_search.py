"""What the search finds, generated from the test site's records and registry: records by province and
year, publishers, committee names old and new, the 2025 merger, English terms on /en/; and the search
page as a grouped index that works without JavaScript (its behaviour in a browser: tests/browser)."""
from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.content_pages import for_language
from generator.load.site import load_site
from generator.model.derive import derive_all
from generator.model.problems import Problems
from generator.output.search_index import expand, search_index
from generator.plan.index import SiteIndex, build_index
from generator.plan.search import Entry, entries, groups, matches, search_fold
from generator.render.labels import LANGUAGES, Language, load_labels
from tests.goldens import SITE


@cache
def _index() -> SiteIndex:
    loaded = load_site(SITE, Problems())
    assert loaded is not None
    return build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)


@cache
def _entries(lang: Language) -> tuple[Entry, ...]:
    loaded = load_site(SITE, Problems())
    assert loaded is not None
    return tuple(entries(_index(), load_labels(lang), for_language(loaded.content_pages, lang)))


def found(query: str, lang: Language = "vi") -> list[Entry]:
    return [e for e in _entries(lang) if matches(e.folded, query)]


def urls(query: str, lang: Language = "vi") -> set[str]:
    return {e.url for e in found(query, lang)}


def record_url(d) -> str:  # type: ignore[no-untyped-def]
    r = d.record
    return f"provinces/{r.province}/#r-{r.committee}-{r.stem}"


RECORDS = _index().records
LANGS: tuple[Language, ...] = tuple(LANGUAGES)


def _case_and_marks(text: str, upper: list[bool], keep_marks: bool) -> str:
    """A query as a reader might type it: with or without diacritics, in any case."""
    typed = text if keep_marks else search_fold(text)
    return "".join(c.upper() if up else c for c, up in zip(typed, upper * len(typed), strict=False))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(RECORDS), st.sampled_from(LANGS), st.lists(st.booleans(), min_size=1, max_size=5),
       st.booleans(), st.booleans())
def test_province_and_year_find_every_record_however_typed(d, lang, upper, keep_marks, year_first) -> None:  # type: ignore[no-untyped-def]
    name = _index().names[d.record.province]
    words = [_case_and_marks(name, upper, keep_marks), str(d.record.year)]
    query = " ".join(reversed(words) if year_first else words)
    assert record_url(d) in urls(query, lang), query


@pytest.mark.parametrize("d", RECORDS, ids=lambda d: d.record.ref)
def test_every_record_found_by_its_province_without_diacritics_and_its_year(d) -> None:  # type: ignore[no-untyped-def]
    query = f"{search_fold(_index().names[d.record.province])} {d.record.year}"
    hits = found(query)
    assert record_url(d) in {e.url for e in hits}, query
    assert all(e.kind == "record" or str(d.record.year) in e.folded for e in hits)


def test_tra_vinh_2022_finds_tra_vinhs_2022_record_only() -> None:
    hits = found("tra vinh 2022")
    assert {e.url for e in hits} == {record_url(d) for d in RECORDS
                                     if d.record.province == "tra-vinh" and d.record.year == 2022}


@pytest.mark.parametrize("lang", LANGS)
def test_every_publisher_finds_every_record_it_published(lang: Language) -> None:
    publishers = {s.publisher for d in RECORDS for s in d.record.sources}
    assert publishers
    for publisher in publishers:
        expected = {record_url(d) for d in RECORDS if any(s.publisher == publisher for s in d.record.sources)}
        got = {e.url for e in found(search_fold(publisher), lang) if e.kind == "record"}
        assert expected <= got, publisher
    assert "bao tra vinh" in {search_fold(p) for p in publishers}  # the issue's own example is in the site
    assert urls("bao tra vinh") & {record_url(d) for d in RECORDS if d.record.province == "tra-vinh"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_committee_name_old_and_new_finds_its_committee(lang: Language) -> None:
    index = _index()
    committees = [c for cs in index.committees.values() for c in cs]
    assert any(len({n.name for n in c.names}) > 1 for c in committees), "the test site has a renamed committee"
    for c in committees:
        for n in c.names:
            assert f"provinces/{c.province}/{c.id}/" in urls(n.name, lang), n.name


@pytest.mark.parametrize("lang", LANGS)
def test_a_merged_units_records_are_found_by_the_name_of_the_unit_it_joined(lang: Language) -> None:
    index = _index()
    checked = 0
    for view in index.provinces:
        parent = index.parent(view)
        if parent is None or parent.slug == view.slug:
            continue
        for d in index.records_of(view.slug):
            assert record_url(d) in urls(search_fold(parent.name), lang), (view.slug, parent.name)
            checked += 1
    assert checked, "the test site has records of a unit that merged into another"
    assert {record_url(d) for d in RECORDS if d.record.province == "tra-vinh"} <= urls("vinh long", lang)


@pytest.mark.parametrize(("lang", "query"), [("vi", "sap nhap"), ("vi", "sáp nhập"), ("en", "merger"),
                                             ("en", "sap nhap")])
def test_the_merger_words_find_every_unit_the_merger_changed(lang: Language, query: str) -> None:
    index = _index()
    changed = set()
    for view in index.provinces:
        parent = index.parent(view)
        children = [c for c in index.children(view) if c is not None]
        if (parent is not None and (parent.slug != view.slug or len(parent.merged_from) > 1)) or len(children) > 1:
            changed.add(f"provinces/{view.slug}/")
    assert changed
    got = {e.url for e in found(query, lang) if e.kind == "province"}
    assert got == changed


def test_admissions_on_en_finds_the_admissions_indicators_and_every_record_with_admissions() -> None:
    hits = found("admissions", "en")
    assert {e.url for e in hits if e.kind == "indicator"} == {"indicators/admissions/",
                                                              "indicators/admissions-percent-of-target/"}
    with_admissions = {record_url(d) for d in RECORDS if d.record.admissions is not None}
    assert with_admissions
    assert {e.url for e in hits if e.kind == "record"} == with_admissions


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(RECORDS), st.sampled_from(LANGS), st.text(alphabet="abcdeghiklmnopqrstuvxy", min_size=1,
                                                                 max_size=6))
def test_every_word_must_match(d, lang, extra) -> None:  # type: ignore[no-untyped-def]
    """A query of several words matches an entry exactly when each word alone does."""
    entry = next(e for e in _entries(lang) if e.url == record_url(d))
    words = [str(d.record.year), extra]
    assert matches(entry.folded, " ".join(words)) == all(matches(entry.folded, w) for w in words)
    assert not matches(entry.folded, f"{d.record.year} qqqzzz")


def test_folding_ignores_case_and_every_vietnamese_mark() -> None:
    letters = "aăâeêioôơuưy"
    for base in letters + letters.upper():
        for mark in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"):
            composed = unicodedata.normalize("NFC", base + mark)
            assert search_fold(composed) in "aeiouy", composed
    assert search_fold("Đắk Nông ĐÀ") == "dak nong da"


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_index_holds_the_entries_with_their_searched_text(lang: Language) -> None:
    prefix = LANGUAGES[lang][0]
    items = expand(search_index(list(_entries(lang)), load_labels(lang), lambda u: "/" + prefix + u))
    assert [i["u"] for i in items] == ["/" + prefix + e.url for e in _entries(lang)]
    assert [i["f"] for i in items] == [e.folded for e in _entries(lang)]
    kinds = {i["k"] for i in items}
    assert load_labels(lang)["site"]["kind_record"] in kinds
    for d in RECORDS:
        assert "/" + prefix + record_url(d) in {i["u"] for i in items}


@pytest.mark.parametrize("lang", LANGS)
def test_groups_hold_every_entry_once_provinces_by_name_then_the_rest(lang: Language) -> None:
    listed = groups(list(_entries(lang)), load_labels(lang))
    flat = [e for g in listed for e in g.entries]
    assert sorted(flat, key=lambda e: e.url) == sorted(_entries(lang), key=lambda e: e.url)
    provinces = [g for g in listed if not g.id.startswith(("g-years", "g-indicators", "g-pages"))]
    assert [search_fold(g.title) for g in provinces] == sorted(search_fold(g.title) for g in provinces)
    for g in provinces:
        assert g.entries[0].kind == "province" and g.entries[0].title == g.title
        years = [int(re.search(r"#r-.*-(\d{4})", e.url).group(1)) for e in g.entries if e.kind == "record"]  # type: ignore[union-attr]
        assert years == sorted(years, reverse=True)
    assert [g.id for g in listed[len(provinces):]] == ["g-years", "g-indicators", "g-pages"]
    assert len({g.id for g in listed}) == len(listed)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_built_search_page_is_a_grouped_index_with_a_jump_list(test_site_output: Path, prefix: str) -> None:
    html = (test_site_output / prefix / "search/index.html").read_text(encoding="utf-8")
    jump = re.search(r'<nav class="search-jump".*?</nav>', html, re.S)
    assert jump is not None
    targets = re.findall(r'href="#([^"]+)"', jump.group(0))
    sections = re.findall(r'<section class="search-group" id="([^"]+)"', html)
    assert targets == sections and len(sections) > 3
    for d in RECORDS:  # every record is listed, linked to its place on its province page
        link = f'href="/portal/{prefix}{record_url(d)}"'
        assert link in html, link
        page = (test_site_output / prefix / f"provinces/{d.record.province}/index.html").read_text(encoding="utf-8")
        assert f'id="r-{d.record.committee}-{d.record.stem}"' in page
    for block in re.findall(r'<section class="search-group".*?</section>', html, re.S):
        assert re.search(r"<h2 [^>]*>[^<]+</h2>", block) and "<a href=" in block


@settings(max_examples=400)
@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_folding_never_looks_across_a_space(parts: list[str]) -> None:
    """search-index.json writes each part of an entry's text folded on its own (to share it between
    entries): joined, they must be exactly the text folded whole, whatever the parts hold."""
    assert " ".join(search_fold(p) for p in parts) == search_fold(" ".join(parts))


@pytest.mark.parametrize("lang", LANGS)
def test_the_search_index_writes_each_shared_text_once(lang: Language) -> None:
    found = list(_entries(lang))
    data = search_index(found, load_labels(lang), lambda u: "/" + u)
    strings = json.loads(data)["s"]
    assert len(strings) == len(set(strings))
    assert all(e.folded == search_fold(" ".join(e.parts)) for e in found)  # as folded whole
    assert expand(data) == [{"t": e.title, "u": "/" + e.url, "k": load_labels(lang)["site"][f"kind_{e.kind}"],
                             "d": e.detail, "r": e.rank, "f": e.folded} for e in found]
    # The records of one committee name the texts they share (its name, the words for what a record
    # counts, the province's names), each written once.
    written = json.loads(data)["e"]
    by_committee: dict[str, list[set[int]]] = {}
    for e, item in zip(found, written, strict=True):
        if e.kind == "record":
            by_committee.setdefault(e.detail, []).append(set(item[5]))
    shared = [set.intersection(*refs) for refs in by_committee.values() if len(refs) > 1]
    assert shared and all(len(common) >= 3 for common in shared)
