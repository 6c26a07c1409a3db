"""A record's own problems kept from the last check are the problems checking it again finds.

Random sequences of edits (a record's figure made to disagree with its percent, or put right; a record
moved to a year the registry does not allow; a province taken out of the registry or put back; another
year; another language) are applied to the test site's records; after each, checking with what the
steps before kept must find exactly what checking afresh finds, in the same order.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.i18n import messages
from generator.load import validate
from generator.load.site import Site, load_site
from generator.model.problems import Problems
from generator.model.types import Record, Registry
from tests.goldens import SITE


@pytest.fixture(scope="module")
def loaded() -> Site:
    site = load_site(SITE, Problems())
    assert site is not None
    return site


def _wrong_percent(r: Record, n: int) -> Record:
    block = r.members
    if block is None or block.good is None:
        return r
    good = dataclasses.replace(block.good, percent=Decimal(n % 100) + Decimal("0.5"))
    return dataclasses.replace(r, members=dataclasses.replace(block, good=good))


def _far_year(r: Record, n: int) -> Record:
    return dataclasses.replace(r, year=2030 + n % 5)


def _without(registry: Registry, slug: str) -> Registry:
    return dataclasses.replace(registry, provinces={k: v for k, v in registry.provinces.items()
                                                    if v.slug != slug})


Step = tuple[str, int, int]
steps = st.lists(st.tuples(st.sampled_from(["percent", "year", "right", "registry", "this_year", "language"]),
                           st.integers(0, 60), st.integers(0, 10**4)), min_size=1, max_size=5)


def _found(records: list[Record], registry: Registry, year: int, lang: Literal["vi", "en"],
           kept: validate.Checked | None) -> list[str]:
    problems = Problems(say=messages(lang))
    validate.check(records, registry, problems, year, kept)
    return [str(p) for p in problems.items]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=4))
def test_problems_kept_equal_problems_found_afresh(loaded: Site, checks: list[list[Step]]) -> None:
    records, registry, year = list(loaded.records), loaded.registry, 2026
    lang: Literal["vi", "en"] = "en"
    kept = validate.Checked()
    for check in [[], *checks]:
        for what, which, n in check:
            i = which % len(records)
            if what == "percent":
                records[i] = _wrong_percent(records[i], n)
            elif what == "year":
                records[i] = _far_year(records[i], n)
            elif what == "right":
                records[i] = loaded.records[i]
            elif what == "registry":
                slug = loaded.records[i].province
                registry = loaded.registry if registry is not loaded.registry else _without(registry, slug)
            elif what == "this_year":
                year = 2020 + n % 10
            else:
                lang = "vi" if lang == "en" else "en"
        assert _found(records, registry, year, lang, kept) == _found(records, registry, year, lang, None)


def test_an_unchanged_record_is_not_checked_again(loaded: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    records = list(loaded.records)
    kept = validate.Checked()
    _found(records, loaded.registry, 2026, "en", kept)
    checked: list[Record] = []
    real = validate._check_record

    def spy(rec: Record, *args: object) -> None:
        checked.append(rec)
        real(rec, *args)  # type: ignore[arg-type]
    monkeypatch.setattr(validate, "_check_record", spy)
    records[0] = _wrong_percent(records[0], 3)
    assert any("percent" in p for p in _found(records, loaded.registry, 2026, "en", kept))
    assert checked == [records[0]]
