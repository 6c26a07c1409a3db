"""The tidy table: one row per figure of a record, stated or derived, with its quote and markers.

Stated figures keep what the article wrote together (79/85, 92.94%: count, base and percent in one
row); each derived value has a row of its own, marked, with its arithmetic. A stated "good" is named
by what it means on the pages: good_or_above when the article says it includes excellent, good_only
when it says it does not, and plain "good" when it does not say.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from generator.model.derive import ROWS, Derived, DerivedBlock, Value
from generator.model.types import BLOCK_FIGURES, BLOCKS, Admissions, Figure, Period, RatingBlock, Record

Bound = Literal["min", "max"]


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One figure: what the article states or what the portal derived, never both."""

    block: str  # a rating block, admissions, mass_organizations, targets or awards
    level: str  # the level or the kind of figure (admitted, target, trade_unions, ...)
    count: int | Decimal | None = None
    base: int | None = None  # the denominator the article wrote (79 in 16/79)
    percent: Decimal | None = None
    qualifier: str | None = None  # the article's approximation word; khoảng for sums of rounded percents
    derived: bool = False
    how: str | None = None  # the arithmetic of a derived value
    base_unstated: bool | None = None  # a percent whose base the article does not state
    label: str | None = None  # a subset's, target's or award's own words
    bound: Bound | None = None  # a target's lower or upper bound
    target_period: str | None = None
    award_year: int | None = None
    quote: str | None = None


def period_dates(period: Period, year: int) -> tuple[dt.date, dt.date | None]:
    """First and last day a period covers: the stated last day when there is one; none for an
    open "so far" period without it."""
    start_month, end_month = {
        "full_year": (1, 12), "nine_months": (1, 9), "to_date": (1, 0),
        "quarter": (3 * (period.number or 1) - 2, 3 * (period.number or 1)),
        "half_year": (6 * (period.number or 1) - 5, 6 * (period.number or 1)),
    }[period.kind]
    if period.until is not None:
        return dt.date(year, start_month, 1), period.until
    if not end_month:
        return dt.date(year, start_month, 1), None
    return dt.date(year, start_month, 1), dt.date(year, end_month, calendar.monthrange(year, end_month)[1])


def _stated(block: str, level: str, fig: Figure, fallback_quote: str | None = None,
            label: str | None = None) -> FigureRow:
    return FigureRow(block, level, fig.count, fig.of, fig.percent, fig.qualifier,
                     base_unstated=fig.base_unstated if fig.percent is not None else None,
                     label=label, quote=fig.quote or fallback_quote)


def _derived(block: str, level: str, value: Value | None) -> list[FigureRow]:
    if value is None or not value.derived:
        return []
    count, percent = (value.number, None) if value.unit == "count" else (None, value.number)
    return [FigureRow(block, level, count, value.of, percent, value.qualifier, derived=True, how=value.how,
                      base_unstated=value.base_unstated if value.unit == "percent" else None)]


def _good_level(includes: bool | None) -> str:
    if includes is None:
        return "good"  # the article does not say whether its "good" includes excellent
    return "good_or_above" if includes else "good_only"


def _block_rows(name: str, block: RatingBlock, derived: DerivedBlock) -> list[FigureRow]:
    rows = []
    for part in BLOCK_FIGURES:
        fig = block.level(part)
        if fig is not None:
            level = _good_level(block.good_includes_excellent) if part == "good" else part
            rows.append(_stated(name, level, fig, block.quote))
    rows += _derived(name, "rated", derived.rated)
    for level in ROWS:
        values = derived.levels[level]
        rows += _derived(name, level, values.count) + _derived(name, level, values.share)
    return rows


def _admission_rows(adm: Admissions, percent_of_target: Value | None) -> list[FigureRow]:
    block = "admissions"
    rows = [_stated(block, level, fig, adm.quote) for level, fig in
            (("admitted", adm.admitted), ("target", adm.target), ("exceeded_by", adm.exceeded_by)) if fig]
    if adm.percent_of_target is not None:
        rows.append(FigureRow(block, "percent_of_target", percent=adm.percent_of_target,
                              qualifier=adm.percent_of_target_qualifier, quote=adm.quote))
    rows += _derived(block, "percent_of_target", percent_of_target)
    for subset in adm.subsets:
        rows += [_stated(block, f"subset_{level}", fig, subset.quote, subset.label) for level, fig in
                 (("admitted", subset.admitted), ("exceeded_by", subset.exceeded_by)) if fig]
    return rows


def _target_rows(record: Record) -> list[FigureRow]:
    rows = []
    for t in record.targets:
        bounds: tuple[tuple[Bound | None, Decimal | None], ...] = ((None, t.value), ("min", t.min), ("max", t.max))
        for bound, number in bounds:
            if number is None:
                continue
            count, percent = (number, None) if t.unit == "count" else (None, number)
            rows.append(FigureRow("targets", t.metric, count, percent=percent, label=t.label,
                                  bound=bound, target_period=t.period, quote=t.quote))
    return rows


def figure_rows(d: Derived) -> list[FigureRow]:
    """Every figure of a record, in the order the record page shows them."""
    r = d.record
    rows: list[FigureRow] = []
    for name in BLOCKS:
        block, derived = r.block(name), d.block(name)
        if block is not None and derived is not None:
            rows += _block_rows(name, block, derived)
    if r.admissions is not None:
        rows += _admission_rows(r.admissions, d.admissions_percent_of_target)
    rows += [_stated("mass_organizations", key, fig) for key, fig in r.mass_organizations.items()]
    rows += _target_rows(r)
    rows += [FigureRow("awards", "award", a.count, label=a.description, award_year=a.year, quote=a.quote)
             for a in r.awards]
    return rows

