"""Derive disjoint level counts and shares from whatever a record states.

Sources write "good" sometimes including "excellent" (trong đó …, trở lên) and sometimes as a
separate level. Readers need both views: good-only (a disjoint level, for stacked bars) and
good-or-above (the headline). Each value says whether it was stated or derived, and how; a value that
can't be derived from stated figures stays missing: nothing is filled in.

Counts come first: when the article gives both levels as exact counts, a share is only ever
count ÷ rated, never a difference of the article's rounded percents. Percents are added or
subtracted only for percent-only articles, and the result is marked approximate ("khoảng").
A percent the article gives without saying what it is a share of keeps that marker
(`base_unstated`) through every sum, so charts can leave it out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Literal, TypeVar, get_args

from generator.model.types import (
    BLOCKS,
    LEVELS,
    Admissions,
    Block,
    Figure,
    Level,
    PartialDate,
    Qualifier,
    RatingBlock,
    Record,
    Source,
    Unit,
)

# Disjoint levels, best first, as stacked in charts; good_or_above is the headline sum.
DisjointLevel = Literal["excellent", "good_only", "completed", "not_completed"]
DISJOINT: tuple[DisjointLevel, ...] = get_args(DisjointLevel)
# The levels a record's table shows, in order.
DerivedLevel = Literal["excellent", "good_only", "good_or_above", "completed", "not_completed"]
ROWS: tuple[DerivedLevel, ...] = get_args(DerivedLevel)
SHARE_PLACES = Decimal("0.01")
ROUNDED: Qualifier = "khoảng"  # the qualifier of a share computed from rounded percents


@dataclass(frozen=True, slots=True)
class Value:
    number: Decimal
    unit: Unit
    derived: bool = False
    qualifier: Qualifier | None = None  # the source gave an approximation
    how: str | None = None  # for derived values: the arithmetic, e.g. "79 − 16"
    of: int | None = None  # stated denominator, e.g. 79 in "16/79"
    base_unstated: bool = False  # a percent whose base the article does not state: never charted
    # Its repr shows every field, each a plain value: a page's key takes it as it is, without walking it
    # or remembering it (charts hold tens of thousands, many made afresh by each build).
    fingerprint_by_repr: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class LevelValues:
    """One level of a derived block: its count and its share of those rated."""

    count: Value | None
    share: Value | None  # percent of those rated
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows its values' (see `Value`)


@dataclass(frozen=True, slots=True)
class DerivedBlock:
    total: Value | None
    rated: Value | None
    levels: dict[DerivedLevel, LevelValues]
    good_includes_excellent: bool | None
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows its values' and its levels' in order

    def share(self, level: DerivedLevel) -> Value | None:
        row = self.levels.get(level)
        return row.share if row else None


@dataclass(frozen=True)
class Cited:
    """What a chart's table shows of an article: its address, newspaper and date. Not its title, so the
    pages of charts (whose keys are made from what they are handed) are not made again when a title changes."""

    url: str
    publisher: str
    published: dt.date | PartialDate | None
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each a plain value

    @classmethod
    def of(cls, source: Source) -> Cited:
        return cls(source.url, source.publisher, source.published)


@dataclass(frozen=True, slots=True)
class Derived:
    """A record with its derived blocks; `record` keeps everything as stated."""

    record: Record
    blocks: dict[Block, DerivedBlock]
    admissions_percent_of_target: Value | None
    # Its articles as charts cite them, each once: made with the record, so every chart of both
    # editions (a record is in a dozen) hands the pages' keys the same tuple, walked once.
    cited: tuple[Cited, ...]

    def block(self, name: Block) -> DerivedBlock | None:
        return self.blocks.get(name)

    def __reduce__(self) -> tuple[Callable[[Record], Derived], tuple[Record]]:
        """Pickled as its record, derived again when read back (the build cache on disk): deriving takes
        less time than writing and reading the hundred-odd values of each derived record."""
        return derive_record, (self.record,)


T = TypeVar("T")


class Shared:
    """Equal values made once for many records. Of a national site's million values, the stated counts
    and percents and the shares, sums and differences worked out from them are mostly the same few (the
    same 39, the same "39 / 212"): made once, they halve what the derived records hold (3,000 records:
    28.4 → 14.2 MB) in about the time of making each afresh. Each is keyed by what it is made from, as
    written (4.0 is not 4). Values are frozen, so sharing them changes nothing else."""

    def __init__(self) -> None:
        # (kind, what it is made from) -> the value. A level is keyed by its values' identities: the
        # table keeps them alive, so no other value takes one.
        self._made: dict[tuple[object, ...], Any] = {}

    def _once(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        found: T | None = self._made.get(key)
        if found is None:
            found = self._made[key] = make()
        return found

    def count(self, count: int, qualifier: Qualifier | None, of: int | None) -> Value:
        return self._once(("count", count, qualifier, of),
                          lambda: Value(Decimal(count), "count", qualifier=qualifier, of=of))

    def ratio(self, count: int, base: int) -> Value:
        """count ÷ base as a percent, marked derived."""
        return self._once(("ratio", count, base), lambda: Value(
            _share(Decimal(count) * 100 / Decimal(base)), "percent", derived=True, how=f"{count} / {base}"))

    def percent(self, percent: Decimal, qualifier: Qualifier | None, base_unstated: bool) -> Value:
        """A percent as the article states it (keyed as written: 4.0 is not 4)."""
        return self._once(("percent", str(percent), qualifier, base_unstated),
                          lambda: Value(percent, "percent", qualifier=qualifier, base_unstated=base_unstated))

    def derived(self, number: Decimal, unit: Unit, how: str) -> Value:
        """A sum or difference of exact values, marked derived with its arithmetic."""
        return self._once(("sum", str(number), unit, how), lambda: Value(number, unit, derived=True, how=how))

    def level(self, count: Value | None, share: Value | None) -> LevelValues:
        return self._once(("level", id(count), id(share)), lambda: LevelValues(count, share))


def _stated_count(fig: Figure | None, shared: Shared) -> Value | None:
    if fig is None or fig.count is None:
        return None
    return shared.count(fig.count, fig.qualifier, fig.of)


def _share(value: Decimal) -> Decimal:
    return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def _stated_share(fig: Figure | None, rated: int | None, shared: Shared) -> Value | None:
    """The figure's own percent, when it is a share of those rated."""
    if fig is None or fig.percent is None:
        return None
    if fig.of is not None and fig.of != rated:
        return None  # a share of something else, e.g. excellent as a share of good
    return shared.percent(fig.percent, fig.qualifier, fig.base_unstated)


def _level(count: Value | None, stated: Value | None, rated: int | None, shared: Shared) -> LevelValues:
    share = stated
    if share is None and count is not None and count.qualifier is None and rated:
        share = shared.ratio(int(count.number), rated)
    return shared.level(count, share)


def _combine(a: Value | None, b: Value | None, sign: int, how_op: str, shared: Shared) -> Value | None:
    """a ± b for two exact values of the same unit, marked derived."""
    if a is None or b is None or a.qualifier or b.qualifier or a.unit != b.unit:
        return None
    number = a.number + sign * b.number
    if number < 0:
        return None
    return shared.derived(number, a.unit, f"{_plain(a.number)} {how_op} {_plain(b.number)}")


def _combine_shares(a: Value | None, b: Value | None, sign: int, how_op: str,
                    counts: tuple[Value | None, Value | None], shared: Shared) -> Value | None:
    """a ± b for two stated percents, only when the article gives no exact counts for both.

    Each percent was rounded by the article, so the result is approximate and says so."""
    if all(c is not None and c.qualifier is None for c in counts):
        return None  # counts exist: the share comes from count ÷ rated, or not at all
    value = _combine(a, b, sign, how_op, shared)
    if value is None or a is None or b is None:
        return None
    return replace(value, qualifier=ROUNDED, base_unstated=a.base_unstated or b.base_unstated)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


GoodViews = tuple[Value | None, Value | None, Value | None, Value | None]


def _good_views(counts: dict[Level, Value | None], shares: dict[Level, Value | None],
                includes: bool | None, shared: Shared) -> GoodViews:
    """(good-only count, good-only share, good-or-above count, good-or-above share)."""
    pair = (counts["good"], counts["excellent"])
    if includes:  # the stated "good" is good-or-above; good-only needs excellent taken out
        return (_combine(counts["good"], counts["excellent"], -1, "−", shared),
                _combine_shares(shares["good"], shares["excellent"], -1, "−", pair, shared), counts["good"],
                shares["good"])
    if includes is False:  # the stated "good" is good-only; good-or-above adds excellent
        return (counts["good"], shares["good"], _combine(counts["good"], counts["excellent"], +1, "+", shared),
                _combine_shares(shares["good"], shares["excellent"], +1, "+", pair, shared))
    return None, None, None, None  # unknown: neither view can be claimed


def _derived_rated(parts: list[Value | None], shared: Shared) -> Value | None:
    """Those rated, as the sum of all four disjoint levels, when each is an exact count."""
    exact = [p for p in parts if p is not None and not p.qualifier]
    if len(exact) < len(parts):
        return None
    return shared.derived(sum((p.number for p in exact), Decimal(0)), "count",
                          " + ".join(_plain(p.number) for p in exact))


def derive_block(block: RatingBlock, shared: Shared | None = None) -> DerivedBlock:
    shared = shared or Shared()
    includes = block.good_includes_excellent
    counts: dict[Level, Value | None] = {lv: _stated_count(block.level(lv), shared) for lv in LEVELS}
    only_count, _, _, _ = _good_views(counts, {lv: None for lv in counts}, includes, shared)
    rated = _stated_count(block.rated, shared) or _derived_rated(
        [counts["excellent"], only_count, counts["completed"], counts["not_completed"]], shared)
    rated_count = int(rated.number) if rated is not None and rated.qualifier is None else None
    shares: dict[Level, Value | None] = {lv: _stated_share(block.level(lv), rated_count, shared) for lv in counts}
    only_count, only_share, above_count, above_share = _good_views(counts, shares, includes, shared)
    levels: dict[DerivedLevel, LevelValues] = {
        "excellent": _level(counts["excellent"], shares["excellent"], rated_count, shared),
        "good_only": _level(only_count, only_share, rated_count, shared),
        "good_or_above": _level(above_count, above_share, rated_count, shared),
        "completed": _level(counts["completed"], shares["completed"], rated_count, shared),
        "not_completed": _level(counts["not_completed"], shares["not_completed"], rated_count, shared),
    }
    return DerivedBlock(_stated_count(block.total, shared), rated, levels, includes)


def _percent_of_target(adm: Admissions | None, shared: Shared) -> Value | None:
    """Stated, or admitted ÷ target, or 100 + "vượt X%"; nothing else."""
    if adm is None:
        return None
    if adm.percent_of_target is not None:
        return Value(adm.percent_of_target, "percent", qualifier=adm.percent_of_target_qualifier)
    admitted = adm.admitted.exact_count if adm.admitted else None
    target = adm.target.exact_count if adm.target else None
    if admitted is not None and target:
        return shared.ratio(admitted, target)
    over = adm.exceeded_by
    if over is not None and over.percent is not None and over.count is None and over.qualifier is None:
        return Value(Decimal(100) + over.percent, "percent", derived=True, how=f"100 + {_plain(over.percent)}")
    return None


def derive_record(record: Record, shared: Shared | None = None) -> Derived:
    """The record derived; `shared` holds values made for other records, to be taken where equal."""
    shared = shared or Shared()
    blocks: dict[Block, DerivedBlock] = {}
    for name in BLOCKS:
        block = record.block(name)
        if block is not None:
            blocks[name] = derive_block(block, shared)
    return Derived(record, blocks, _percent_of_target(record.admissions, shared),
                   tuple(dict.fromkeys(Cited.of(s) for s in record.sources)))


@dataclass
class DeriveCache:
    """Derived records kept between rebuilds, by the record file's content hash: the same objects from
    build to build, so what was worked out about them (their fingerprints) is found again."""

    derived: dict[str, Derived] = field(default_factory=dict)


def derive_all(records: list[Record], cache: DeriveCache | None = None) -> list[Derived]:
    """Each record derived, or taken from the cache when derived from an equal record; the cache then
    keeps only these records' (an edited or removed record's old values are dropped)."""
    shared = Shared()
    if cache is None:
        return [derive_record(r, shared) for r in records]
    out = []
    kept: dict[str, Derived] = {}
    for r in records:
        d = cache.derived.get(r.digest) if r.digest else None
        if d is None or (d.record is not r and d.record != r):
            d = derive_record(r, shared)
        if r.digest:
            kept[r.digest] = d
        out.append(d)
    cache.derived = kept
    return out
