"""Derivation: disjoint levels and shares from whatever was stated; derived values are marked."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.load.site import load_site
from generator.model.derive import ROUNDED, Shared, derive_block, derive_record
from generator.model.indicators import indicator
from generator.model.problems import Problems
from generator.model.types import QUALIFIERS, Figure, RatingBlock
from generator.plan.charts import chartable, indicator_chart, level_chart
from generator.plan.planner import latest_with_results
from generator.render.labels import load_labels

ROOT = Path(__file__).resolve().parent.parent
LABELS = load_labels("vi")


@pytest.fixture(scope="module")
def derived() -> dict[str, object]:
    problems = Problems()
    site = load_site(ROOT, problems)
    assert site is not None and not problems.errors
    return {f"{r.province}/{r.stem}": derive_record(r) for r in site.records}


def test_tra_vinh_good_only_is_good_minus_excellent(derived) -> None:
    org = derived["tra-vinh/2022"].block("organizations")
    good_only = org.levels["good_only"].count
    assert good_only.number == 63 and good_only.derived and good_only.how == "79 − 16"
    above = org.levels["good_or_above"]
    assert above.count.number == 79 and not above.count.derived
    assert above.share.number == Decimal("92.94") and not above.share.derived


def test_lam_dong_collectives_good_excludes_excellent(derived) -> None:
    col = derived["lam-dong/2019"].block("collectives")
    assert col.good_includes_excellent is False
    assert col.levels["good_only"].count.number == 37 and not col.levels["good_only"].count.derived
    above = col.levels["good_or_above"].count
    assert above.number == 54 and above.derived and above.how == "37 + 17"
    assert col.rated.number == 58 and not col.rated.derived  # stated, and 37 + 4 + 17 = 58


def test_lam_dong_members_good_includes_excellent(derived) -> None:
    mem = derived["lam-dong/2019"].block("members")
    assert mem.levels["good_only"].count.number == 2607 - 386
    assert mem.levels["good_or_above"].count.number == 2607
    # 2.607 + 49 + 6 = 2.662 rated
    assert sum(mem.levels[k].count.number for k in ("good_or_above", "completed", "not_completed")) == 2662
    share = mem.levels["not_completed"].share
    assert share.derived and share.number == Decimal("0.23")


def test_missing_stays_missing(derived) -> None:
    qn = derived["quang-ngai/2021"].block("organizations")
    assert qn.rated is None  # not-completed is not stated, so the sum is not "rated"
    assert qn.levels["not_completed"].count is None
    assert all(qn.levels[k].share is None for k in qn.levels)
    pt = derived["phu-tho/2020"].block("members")
    assert pt.levels["good_or_above"].share is None and pt.levels["good_only"].share is None


def test_rated_derived_from_levels_and_stated_percent_kept(derived) -> None:
    mem = derived["tra-vinh/2022"].block("members")
    assert mem.rated.number == 6110 and mem.rated.derived
    assert mem.levels["good_or_above"].share.number == Decimal("98.64")
    assert not mem.levels["good_or_above"].share.derived


def test_counts_not_rounded_percents_give_good_only(derived) -> None:
    """Hải Dương 2021: 4.740 good (98,1%) including 858 excellent (18%), with no count rated.
    Good-only is 4.740 − 858 from the counts; 98,1 − 18 = 80,1 would contradict them (≈ 80,3)."""
    hd = derived["hai-duong/2021"].block("members")
    only = hd.levels["good_only"]
    assert only.count.number == 4740 - 858 and only.count.derived and only.count.how == "4740 − 858"
    assert only.share is None
    above = hd.levels["good_or_above"].share
    assert above.number == Decimal("98.1") and not above.derived and above.base_unstated


def test_percent_only_records_derive_approximately(derived) -> None:
    """Ninh Thuận 2021 gives percents only: good-only is their difference, marked approximate."""
    nt = derived["ninh-thuan/2021"].block("organizations")
    only = nt.levels["good_only"]
    assert only.count is None
    assert only.share.number == Decimal("70.5") and only.share.derived and only.share.how == "91.4 − 20.9"
    assert only.share.qualifier == ROUNDED and only.share.base_unstated


def test_inclusion_unknown_derives_nothing(derived) -> None:
    """Phú Thọ 2020: "100% ... hoàn thành tốt nhiệm vụ", no "trong đó"/"trở lên": neither view is claimed."""
    org = derived["phu-tho/2020"].block("organizations")
    assert org.good_includes_excellent is None
    assert org.levels["good_or_above"].share is None and org.levels["good_only"].share is None
    assert indicator("organizations-good-or-above").value(derived["phu-tho/2020"]) is None


def test_unstated_bases_stay_off_charts(derived) -> None:
    items = [derived["hai-duong/2021"], derived["ninh-thuan/2021"]]
    for block in ("organizations", "members"):
        assert level_chart("c", "t", "%", tuple(items), block, LABELS) is None
    for ind in ("organizations-good-or-above", "members-good-or-above", "members-excellent"):
        names = {"hai-duong": "HD", "ninh-thuan": "NT"}
        assert indicator_chart("c", "t", "%", indicator(ind), tuple(items), names, {}) is None
    assert chartable(derived["tra-vinh/2022"].block("members").share("good_or_above")) is not None


def test_a_record_with_only_awards_is_never_the_latest(derived) -> None:
    tq = [d for k, d in derived.items() if k.startswith("tuyen-quang/")]
    assert latest_with_results(tq).record.stem == "2021-q1"
    assert latest_with_results([derived["quang-nam/2024"]]) is None  # a target only


def test_a_stated_bound_on_percent_of_target_stays_a_bound(derived) -> None:
    pot = derived["binh-thuan/2019-to-date"].admissions_percent_of_target
    assert pot.number == 100 and pot.qualifier == "trên" and not pot.derived


# -- generated cases ------------------------------------------------------------------------------
counts = st.integers(min_value=0, max_value=20_000)
percents = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


@given(good=counts, excellent=counts, rated=st.one_of(st.none(), counts), good_pct=percents,
       excellent_pct=percents, unstated=st.booleans(), includes=st.sampled_from([True, False]))
def test_shares_never_come_from_rounded_percents_when_counts_exist(
        good: int, excellent: int, rated: int | None, good_pct: Decimal, excellent_pct: Decimal,
        unstated: bool, includes: bool) -> None:
    block = RatingBlock(
        rated=Figure(count=rated) if rated else None, good_includes_excellent=includes,
        good=Figure(count=good, percent=good_pct, base_unstated=unstated),
        excellent=Figure(count=excellent, percent=excellent_pct, base_unstated=unstated))
    derived_block = derive_block(block)
    view = "good_only" if includes else "good_or_above"
    share = derived_block.levels[view].share
    if share is not None:  # only ever count ÷ rated, exactly
        assert rated and share.how is not None and "/" in share.how and share.qualifier is None


@given(good_pct=percents, excellent_pct=percents, unstated=st.booleans(), includes=st.sampled_from([True, False]))
def test_percent_arithmetic_is_marked_approximate(good_pct: Decimal, excellent_pct: Decimal, unstated: bool,
                                                  includes: bool) -> None:
    block = RatingBlock(good_includes_excellent=includes, good=Figure(percent=good_pct, base_unstated=unstated),
                        excellent=Figure(percent=excellent_pct, base_unstated=unstated))
    derived_block = derive_block(block)
    for level in ("good_only", "good_or_above"):
        share = derived_block.levels[level].share
        if share is not None and share.derived:
            assert share.qualifier == ROUNDED and share.base_unstated == unstated
        if share is not None:
            assert (chartable(share) is None) == unstated


small = st.integers(min_value=0, max_value=6)  # few numbers, so that records share many values
figures = st.one_of(st.none(), st.builds(
    Figure, count=st.one_of(st.none(), small), of=st.one_of(st.none(), small),
    percent=st.one_of(st.none(), percents, st.sampled_from([Decimal("4"), Decimal("4.0"), Decimal("4.00")])),
    qualifier=st.one_of(st.none(), st.sampled_from(QUALIFIERS)), base_unstated=st.booleans()))
blocks = st.builds(RatingBlock, total=figures, rated=figures, excellent=figures, good=figures, completed=figures,
                   not_completed=figures, good_includes_excellent=st.sampled_from([None, True, False]))


@example([RatingBlock(rated=Figure(count=10), excellent=Figure(count=3)),  # 3 / 10, then 3 / 7
          RatingBlock(rated=Figure(count=7), excellent=Figure(count=3))])
@example([RatingBlock(good=Figure(count=5), excellent=Figure(count=2), good_includes_excellent=True),  # 5 − 2,
          RatingBlock(good=Figure(count=4), excellent=Figure(count=1), good_includes_excellent=True)])  # 4 − 1
@given(st.lists(blocks, min_size=2, max_size=10))
def test_values_shared_between_records_are_those_each_would_have_alone(found: list[RatingBlock]) -> None:
    """Derived with one `Shared`, each block is written exactly as when derived alone (4.00 is not 4),
    and an equal stated count is one object for all of them."""
    shared = Shared()
    together = [derive_block(b, shared) for b in found]
    assert [repr(d) for d in together] == [repr(derive_block(b)) for b in found]
    by_count: dict[tuple[object, ...], object] = {}
    for block, derived_block in zip(found, together, strict=True):
        for name in ("total", "rated"):
            figure, value = block.level(name), getattr(derived_block, name)
            if figure is not None and figure.count is not None and value is not None and not value.derived:
                assert by_count.setdefault((figure.count, figure.qualifier, figure.of), value) is value


def test_exceeded_by_percent_gives_derived_percent_of_target(derived) -> None:
    pot = derived["hai-duong/2021"].admissions_percent_of_target
    assert pot.number == 118 and pot.derived
    assert not derived["lam-dong/2019"].admissions_percent_of_target.derived
