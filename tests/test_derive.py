"""Derivation: disjoint levels and shares from whatever was stated; derived values are marked."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.load.site import load_site
from generator.model.derive import derive_record
from generator.model.problems import Problems

ROOT = Path(__file__).resolve().parent.parent


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


def test_percent_only_records_derive_by_subtraction(derived) -> None:
    hd = derived["hai-duong/2021"].block("members")
    only = hd.levels["good_only"]
    assert only.count.number == 4740 - 858 and only.count.derived
    # percents with no stated denominator are shares of those rated, so they subtract too
    assert only.share.number == Decimal("80.1") and only.share.derived and only.share.how == "98.1 − 18"


def test_exceeded_by_percent_gives_derived_percent_of_target(derived) -> None:
    pot = derived["hai-duong/2021"].admissions_percent_of_target
    assert pot.number == 118 and pot.derived
    assert not derived["lam-dong/2019"].admissions_percent_of_target.derived
