"""Pages taken from the last build's plan (`serve`) are the pages planning afresh makes.

Random sequences of edits to the derived records (a figure changed, a title changed, a record taken out
or put back, a record derived again unchanged) and to the labels are applied to the test site and to the
portal (whose content/sources.yaml names the articles read); after each, both editions
planned with the memo kept from the steps before must equal both planned without one. The steps work on
derived records in memory, as `serve` hands them to the planner, so hundreds of them take seconds.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.content_pages import for_language
from generator.load.site import Site, load_site
from generator.model.derive import Derived, derive_record
from generator.model.problems import Problems
from generator.model.types import Record
from generator.plan.index import build_index
from generator.plan.memo import PlanMemo
from generator.plan.page import PlannedPage
from generator.plan.planner import plan
from generator.render.labels import LANGUAGES, Labels, load_labels
from tests.goldens import SITE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=[SITE, ROOT], ids=["test-site", "portal"])
def sites(request: pytest.FixtureRequest) -> Site:
    """The test site, and the portal itself, whose content/sources.yaml names the articles read."""
    site = load_site(request.param, Problems())
    assert site is not None
    return site


@pytest.fixture(scope="module")
def loaded() -> Site:
    site = load_site(SITE, Problems())
    assert site is not None
    return site


def _admitted(r: Record, n: int) -> Record:
    if r.admissions is None or r.admissions.admitted is None:
        return r
    figure = dataclasses.replace(r.admissions.admitted, count=100 + n, percent=None)
    return dataclasses.replace(r, admissions=dataclasses.replace(r.admissions, admitted=figure,
                                                                  percent_of_target=None))


def _titled(r: Record, n: int) -> Record:
    return dataclasses.replace(r, sources=tuple(dataclasses.replace(s, title=f"{s.title} ({n})") for s in r.sources))


def _year(r: Record, n: int) -> Record:
    """Moved to another year: it leaves its year's page and joins another's."""
    return dataclasses.replace(r, year=2010 + n % 15)


def _again(r: Record, n: int) -> Record:
    """Derived again, unchanged: an equal record, not the same object."""
    return r


EDITS: dict[str, Callable[[Record, int], Record]] = {"figure": _admitted, "title": _titled, "year": _year,
                                                      "again": _again}
Step = tuple[str, int, int]  # (what: an edit, "out", "back" or "label"; which record; a number)
steps = st.lists(st.tuples(st.sampled_from([*EDITS, "out", "back", "label"]), st.integers(0, 60),
                           st.integers(0, 10**4)), min_size=1, max_size=6)


@dataclasses.dataclass
class Edited:
    """The records as edited so far (None: taken out), and the labels' changed words."""

    original: list[Derived]
    derived: list[Derived | None] = dataclasses.field(default_factory=list)
    words: dict[str, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.derived = list(self.original)

    def apply(self, step: Step) -> None:
        what, which, n = step
        i = which % len(self.derived)
        held = self.derived[i]
        if what == "label":
            self.words["org_chart" if n % 2 else "admissions_chart"] = f"Biểu đồ {n}"
        elif what == "out":
            self.derived[i] = None
        elif held is None:  # put back (derived again: equal to before, not the same object)
            self.derived[i] = derive_record(self.original[i].record)
        elif what != "back":
            self.derived[i] = derive_record(EDITS[what](held.record, n))

    def labels(self, lang: Any) -> Labels:
        labels = load_labels(lang)
        labels["province"].update(self.words)
        return labels

    def records(self) -> list[Derived]:
        """In key order, as the loader hands them on (a record moved to another year moves in it)."""
        return sorted((d for d in self.derived if d is not None), key=lambda d: d.record.key)


def _planned(site: Site, edited: Edited, memos: dict[str, PlanMemo] | None,
             indicator_page_figures: int | None = None) -> Iterator[list[PlannedPage]]:
    records = edited.records()
    if len({d.record.key for d in records}) < len(records):  # two records of one period: the loader refuses
        return
    index = build_index(site.registry, records, site.reviewed)
    for lang in LANGUAGES:
        memo = memos.setdefault(lang, PlanMemo()) if memos is not None else None
        yield plan(index, edited.labels(lang), for_language(site.content_pages, lang), memo=memo,
                   indicator_page_figures=indicator_page_figures).pages


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=4), st.sampled_from([None, 0, 1]))
def test_pages_taken_from_the_memo_equal_pages_planned_afresh(sites: Site, builds: list[list[Step]],
                                                             indicator_page_figures: int | None) -> None:
    """Also with each indicator's trend charted province by province (a page size of 0 or 1 line)."""
    edited = Edited([derive_record(r) for r in sites.records])
    memos: dict[str, PlanMemo] = {}
    for build in [[], *builds]:  # the first build fills the memo
        for step in build:
            edited.apply(step)
        kept = list(_planned(sites, edited, memos, indicator_page_figures))
        assert kept == list(_planned(sites, edited, None, indicator_page_figures))


def test_a_page_is_taken_only_when_made_from_the_same_records(loaded: Site) -> None:
    """The memo's worth: after one record's figure changes, its province's pages are planned again and
    another province's pages are the very objects planned before, share cards and all."""
    edited = Edited([derive_record(r) for r in loaded.records])
    memos: dict[str, PlanMemo] = {}
    before = {p.url: p for p in next(_planned(loaded, edited, memos))}
    first = edited.original[0].record
    edited.apply(("figure", 0, 7))
    after = {p.url: p for p in next(_planned(loaded, edited, memos))}
    own = f"provinces/{first.province}/"
    other = next(url for url in before if url.startswith("provinces/") and url.count("/") == 2 and url != own)
    assert after[other] is before[other] and after[other].share is not None
    assert after[own].context is not before[own].context and after[own].context != before[own].context


def test_other_labels_plan_every_page_again(loaded: Site) -> None:
    edited = Edited([derive_record(r) for r in loaded.records])
    memos: dict[str, PlanMemo] = {}
    before = {p.url: p for p in next(_planned(loaded, edited, memos))}
    edited.apply(("label", 0, 1))
    after = {p.url: p for p in next(_planned(loaded, edited, memos))}
    assert all(after[url].context is not page.context for url, page in before.items()
               if url.startswith("provinces/") and url.count("/") == 2)


def test_serve_keeps_a_memo_and_build_does_not(tmp_path: Path) -> None:
    """The memo holds both editions' pages: worth it in `serve`, which plans again at every save; a
    one-off build, which plans once, keeps none (its peak memory would grow by a plan)."""
    from generator.cache import BuildCache, load
    from generator.livereload.server import DevSite

    assert DevSite(tmp_path, tmp_path / "www", "/").cache.plans == {}
    assert load(tmp_path).plans is None and BuildCache().plans is None


def test_the_keys_of_pages_taken_again_are_not_walked_again(test_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages taken from the memo keep their fingerprints too: a second build walks no province's context."""
    from generator import hashing, pipeline
    from generator.cache import BuildCache
    from generator.plan.page import ProvinceContext

    walked: list[type] = []
    real = hashing.Fingerprints._parts

    def parts(self: hashing.Fingerprints, value: object) -> str:
        walked.append(type(value))
        return real(self, value)
    monkeypatch.setattr(hashing.Fingerprints, "_parts", parts)
    kept = BuildCache.in_memory()
    assert pipeline.build(test_site, Problems(), output=test_site / "out", cache=kept)
    assert ProvinceContext in walked
    walked.clear()
    assert pipeline.build(test_site, Problems(), output=test_site / "out", cache=kept)
    assert walked and ProvinceContext not in walked


def test_both_editions_national_charts_share_their_rows(loaded: Site) -> None:
    """The charts over every record (home, indicators) and each year's ranking are made once per build:
    the other edition has the same rows in its own words."""
    index = build_index(loaded.registry, [derive_record(r) for r in loaded.records], loaded.reviewed)
    charts = [{c.id: c for p in plan(index, load_labels(lang), for_language(loaded.content_pages, lang)).pages
               if p.template in ("home", "indicator", "year") for c in getattr(p.context, "charts", [])}
              for lang in LANGUAGES]
    vi, en = charts
    assert sorted(vi) == sorted(en) and len(vi) > 10
    for cid, chart in vi.items():
        other = en[cid]
        assert chart.title != other.title
        assert chart.labels is other.labels and chart.row_sources is other.row_sources
        assert all(a.values is b.values for a, b in zip(chart.series, other.series, strict=True))


def test_what_was_made_from_records_gone_is_forgotten(loaded: Site) -> None:
    """The memo holds nothing made from a record no longer in the build (it could never be taken again,
    and would keep the old record alive), and keeps what was made from current records."""
    edited = Edited([derive_record(r) for r in loaded.records])
    memos: dict[str, PlanMemo] = {}
    list(_planned(loaded, edited, memos))
    province = edited.original[0].record.province
    gone = [i for i, d in enumerate(edited.original) if d.record.province == province]
    for i in gone:  # the province's every record: what only its records made is asked for no more
        edited.apply(("out", i, 0))
    list(_planned(loaded, edited, memos))
    removed = {id(edited.original[i]) for i in gone}
    for memo in memos.values():
        assert memo.values and all(id(d) not in removed for made_from, _, _ in memo.values.values() for d in made_from)
