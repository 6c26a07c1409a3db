"""The data the generator works on, as plain typed dataclasses (no behaviour beyond small helpers)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Literal, get_args

# -- domain values: each defined once here; the tuples list them in display order ----------------
Level = Literal["excellent", "good", "completed", "not_completed"]  # as sources state them
LEVELS: tuple[Level, ...] = get_args(Level)
BlockFigure = Literal[Literal["total", "rated"], Level]  # every figure a rating block may state
BLOCK_FIGURES: tuple[BlockFigure, ...] = get_args(BlockFigure)
Block = Literal["organizations", "collectives", "members"]  # the three rated blocks of a record
BLOCKS: tuple[Block, ...] = get_args(Block)
Era = Literal["old", "new"]  # provincial units until 30/06/2025, and from 01/07/2025
ERAS: tuple[Era, ...] = get_args(Era)
ProvinceType = Literal["province", "municipality"]
PROVINCE_TYPES: tuple[ProvinceType, ...] = get_args(ProvinceType)
CommitteeKind = Literal["khoi_cac_co_quan", "khoi_doanh_nghiep", "khoi_co_quan_va_doanh_nghiep",
                        "khoi_dan_chinh_dang", "co_quan_dang_2025", "ubnd_2025"]
COMMITTEE_KINDS: tuple[CommitteeKind, ...] = get_args(CommitteeKind)
PeriodKind = Literal["full_year", "quarter", "half_year", "nine_months", "to_date"]
PERIOD_KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)
# Words that make a stated figure approximate ("gần 7.000"): such a figure is never used as exact.
Qualifier = Literal["gần", "trên", "hơn", "khoảng", "trở lên", "dưới"]
QUALIFIERS: tuple[Qualifier, ...] = get_args(Qualifier)
Unit = Literal["count", "percent"]
UNITS: tuple[Unit, ...] = get_args(Unit)
MERGER_DATE = dt.date(2025, 7, 1)


@dataclass(frozen=True)
class PartialDate:
    """A publication date known only to the month or year, as some sources give it."""

    year: int
    month: int | None = None
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each a plain value

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"


def period_suffix(kind: PeriodKind, number: int | None) -> str:
    """A period's part of a record's file name: 2022.yaml for a full year, 2022-q1.yaml, 2022-h1.yaml, ...
    (A record's key, which sorts and groups records everywhere, asks for it: kept to a lookup.)"""
    fixed = _SUFFIXES.get(kind)
    return fixed if fixed is not None else f"{_NUMBERED[kind]}{number}"


_SUFFIXES: dict[str, str] = {"full_year": "", "nine_months": "9m", "to_date": "to-date"}
_NUMBERED: dict[str, str] = {"quarter": "q", "half_year": "h"}


# -- registries -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Province:
    slug: str
    name: str
    era: Era
    type: ProvinceType
    iso_3166_2: str | None = None
    gso_code: str | None = None
    region: str | None = None
    region_en: str | None = None
    merged_into: str | None = None  # old units: the new unit they became part of
    merged_from: tuple[str, ...] = ()  # new units: the old units they were formed from
    became: str | None = None  # a later type, e.g. Thừa Thiên Huế became a municipality ...
    became_on: dt.date | None = None  # ... on 1 January 2025

    def type_on(self, day: dt.date) -> str:
        """The unit's type on a given day (a province may become a centrally-governed city)."""
        if self.became and self.became_on and day >= self.became_on:
            return self.became
        return self.type


@dataclass(frozen=True, slots=True)
class CommitteeName:
    name: str
    from_year: int | None = None
    to_year: int | None = None


@dataclass(frozen=True, slots=True)
class Committee:
    province: str
    id: str
    kind: CommitteeKind
    names: tuple[CommitteeName, ...]
    abbreviation: str | None = None
    from_year: int | None = None
    to_year: int | None = None
    ended: dt.date | PartialDate | None = None  # as precise as known, e.g. 2025-02
    predecessors: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    note: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.province, self.id)

    @property
    def name(self) -> str:
        return self.names[-1].name

    def existed_in(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (
            self.to_year is None or year <= self.to_year)


@dataclass(frozen=True, slots=True)
class Registry:
    provinces: dict[str, Province]  # keyed by (era, slug) flattened as "old:slug" / "new:slug"
    committees: dict[tuple[str, str], Committee]

    def province(self, slug: str, era: Era | None = None) -> Province | None:
        if era:
            return self.provinces.get(f"{era}:{slug}")
        return self.provinces.get(f"old:{slug}") or self.provinces.get(f"new:{slug}")

    def slugs(self) -> list[str]:
        return sorted({p.slug for p in self.provinces.values()})

    def committees_of(self, slug: str) -> list[Committee]:
        return sorted((c for c in self.committees.values() if c.province == slug),
                      key=lambda c: (c.from_year or 0, c.id))


# -- records ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Figure:
    """One figure exactly as the source states it: a count, a percent, or both."""

    count: int | None = None
    percent: Decimal | None = None
    of: int | None = None  # the denominator the source wrote ("16/79" -> 79)
    qualifier: Qualifier | None = None  # the value is approximate
    quote: str | None = None
    line: int = 0
    column: int = 0
    base_unstated: bool = False  # the article gives the percent without saying what it is a share of
    # Its repr shows every field, each a plain value: a page's key takes it as it is, without remembering
    # it (twenty in each record: they were two fifths of what the fingerprints of the records kept).
    fingerprint_by_repr: ClassVar[bool] = True

    @property
    def exact_count(self) -> int | None:
        return self.count if self.qualifier is None else None


@dataclass(frozen=True, slots=True)
class RatingBlock:
    total: Figure | None = None
    rated: Figure | None = None
    excellent: Figure | None = None
    good: Figure | None = None
    completed: Figure | None = None
    not_completed: Figure | None = None
    good_includes_excellent: bool | None = None
    quote: str | None = None
    line: int = 0
    column: int = 0
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows its figures' and plain values

    def level(self, name: BlockFigure) -> Figure | None:
        figure: Figure | None = getattr(self, name)
        return figure


@dataclass(frozen=True, slots=True)
class Subset:
    label: str
    admitted: Figure | None
    exceeded_by: Figure | None
    quote: str | None
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each plain or itself so marked


@dataclass(frozen=True, slots=True)
class Admissions:
    admitted: Figure | None = None
    target: Figure | None = None
    percent_of_target: Decimal | None = None
    percent_of_target_qualifier: Qualifier | None = None  # "đạt trên 100%": a lower bound, not a value
    exceeded_by: Figure | None = None
    subsets: tuple[Subset, ...] = ()
    quote: str | None = None
    line: int = 0
    column: int = 0
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each plain or itself so marked


@dataclass(frozen=True, slots=True)
class Target:
    metric: str
    period: str
    unit: Unit
    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    label: str | None = None
    quote: str | None = None
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each plain or itself so marked


@dataclass(frozen=True, slots=True)
class Award:
    description: str
    count: int | None = None
    quote: str | None = None
    year: int | None = None  # the year the award was given for, when the article says it
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each plain or itself so marked


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    publisher: str
    published: dt.date | PartialDate | None  # None: the saved copy does not show when it was published
    title: str
    quote: str | None = None
    note: str | None = None
    title_reconstructed: bool = False  # the saved copy had no title; this one was written from the address
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each plain or itself so marked


@dataclass(frozen=True, slots=True)
class ReviewedArticle:
    """An article the portal has read (content/sources.yaml): the records it gave, or why none."""

    id: str  # the saved copy's name, tests/fixtures/articles/<id>.txt
    records: tuple[str, ...] = ()  # Record.ref of each record it gave
    not_used: str | None = None  # province_wide | province_not_named | no_bloc_figures
    title: str | None = None  # for an article not used (a used one's details are in its records)
    url: str | None = None
    publisher: str | None = None
    published: dt.date | PartialDate | None = None
    province: str | None = None
    note: str | None = None
    title_reconstructed: bool = False
    line: int = 0
    column: int = 0


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind = "full_year"
    number: int | None = None  # quarter number or half number
    until: dt.date | None = None
    as_written: str | None = None
    until_published: bool = False  # 'until' is the article's date: the article only says "đến nay"
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each a plain value

    @property
    def is_full_year(self) -> bool:
        return self.kind == "full_year"

    @property
    def slug(self) -> str:
        return period_suffix(self.kind, self.number)


@dataclass(frozen=True, slots=True)
class Record:
    path: str  # relative to the site, e.g. content/records/tra-vinh/khoi-.../2022.yaml
    province: str
    committee: str
    year: int
    period: Period
    sources: tuple[Source, ...]
    organizations: RatingBlock | None = None
    collectives: RatingBlock | None = None
    members: RatingBlock | None = None
    admissions: Admissions | None = None
    targets: tuple[Target, ...] = ()
    mass_organizations: dict[str, Figure] = field(default_factory=dict)
    awards: tuple[Award, ...] = ()
    notes: tuple[str, ...] = ()
    example: bool = False
    synthetic: bool = False
    digest: str = ""  # of the file's bytes: what caches key on
    # (line, column) of the province, committee and year values: where identity problems point
    where: tuple[tuple[int, int], tuple[int, int], tuple[int, int]] = ((1, 1), (1, 1), (1, 1))

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.province, self.committee, self.year, self.period.slug)

    @property
    def ref(self) -> str:
        """province/committee/stem: how content/sources.yaml names the record."""
        return f"{self.province}/{self.committee}/{self.stem}"

    @property
    def stem(self) -> str:
        return f"{self.year}-{self.period.slug}" if self.period.slug else str(self.year)

    def block(self, name: Block) -> RatingBlock | None:
        block: RatingBlock | None = getattr(self, name)
        return block

    @property
    def has_results(self) -> bool:
        """True when the record states a rating or an admission figure (not only awards or targets)."""
        adm = self.admissions
        return any(self.block(name) is not None for name in BLOCKS) or bool(self.mass_organizations) or (
            adm is not None and (adm.admitted is not None or adm.percent_of_target is not None))

    def quotes(self) -> list[str]:
        """Every sentence quoted for this record's figures, in file order, without repeats."""
        found: list[str | None] = [s.quote for s in self.sources]
        for name in BLOCKS:
            block = self.block(name)
            if block is not None:
                found += [block.quote] + [f.quote for f in map(block.level, BLOCK_FIGURES) if f is not None]
        if self.admissions is not None:
            adm = self.admissions
            found += [adm.quote] + [f.quote for f in (adm.admitted, adm.target, adm.exceeded_by) if f]
            found += [s.quote for s in adm.subsets]
        found += [f.quote for f in self.mass_organizations.values()]
        found += [t.quote for t in self.targets] + [a.quote for a in self.awards]
        return list(dict.fromkeys(q for q in found if q))
