"""Chart specifications: one object feeds both the Chart.js JSON block and the HTML table beside it,
so the two can never disagree. Only full years enter a chart: partial periods never join a trend."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeAlias, TypeVar

from generator.model.derive import DISJOINT, Cited, Derived, DisjointLevel, Value
from generator.model.indicators import Indicator
from generator.model.types import Block, PartialDate
from generator.render.labels import Labels

Day: TypeAlias = dt.date | PartialDate

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
LEVEL_COLOURS: dict[DisjointLevel, str] = {"excellent": "#0072B2", "good_only": "#56B4E9", "completed": "#E69F00",
                 "not_completed": "#D55E00"}


def chartable(v: Value | None) -> Value | None:
    """A value a chart may show: a percent whose base the article does not state is left out,
    since bars side by side claim a common base (those rated)."""
    return None if v is None or v.base_unstated else v


@dataclass(frozen=True)
class EmbedRef:
    """Where a chart is embedded from: one embed page per kind of chart, the chart itself named in the
    address (`embed/province/organizations/?p=tra-vinh`), so a chart's numbers live only on its own page."""

    kind: str  # the embed page's folder under embed/
    param: str = ""  # the address parameter naming which chart of the kind ("" when the kind has one chart)
    value: str = ""  # its value for this chart (a province slug, a year)

    def address(self) -> str:
        return f"embed/{self.kind}/" + (f"?{self.param}={self.value}" if self.param else "")


@dataclass(frozen=True)
class Credit:
    """One newspaper behind a row of a chart's table, with the first and last dates of its articles there."""

    publisher: str
    first: Day | None
    last: Day | None

    @property
    def first_key(self) -> str:
        return day_key(self.first)

    @property
    def last_key(self) -> str:
        return day_key(self.last)


def day_key(day: Day | None) -> str:
    """A sortable text for a full or partial date (2023-01-12, 2023-05, 2023); empty when unknown."""
    if day is None:
        return ""
    if isinstance(day, PartialDate):
        return f"{day.year:04d}" + (f"-{day.month:02d}" if day.month else "")
    return day.isoformat()


def credits(sources: Iterable[Cited]) -> list[Credit]:
    """The newspapers of a row's articles, each with the range of its articles' dates."""
    found: dict[str, list[Day]] = {}
    for s in sources:
        found.setdefault(s.publisher, [])
        if s.published is not None:
            found[s.publisher].append(s.published)
    out = []
    for publisher, days in found.items():
        ordered = sorted(days, key=day_key)
        out.append(Credit(publisher, ordered[0] if ordered else None, ordered[-1] if ordered else None))
    return out


@dataclass
class Series:
    label: str
    values: list[Value | None]
    colour: str
    key: str = ""  # stable id for the compare selection in the page address
    sources: tuple[Cited, ...] = ()  # the articles of its figures, for the series' row of a table by series


@dataclass
class Chart:
    id: str
    title: str
    unit: str
    labels: list[str]
    kind: Literal["bar", "line", "hbar"] = "bar"
    stacked: bool = False
    series: list[Series] = field(default_factory=list)
    max: float | None = None
    by_series: bool = False  # the table has a row per series (many series, few labels)
    series_links: list[str] = field(default_factory=list)  # per series, a page about it
    label_links: list[str] = field(default_factory=list)  # per label (a ranking's province), its page
    percent: bool = False  # the value axis reads in % (shares, and shares of a target)
    reference: float | None = None  # a value drawn as a dashed line across the chart (100% of a target)
    embed: EmbedRef | None = None  # the embed page that shows this chart
    years: tuple[int, int] | None = None  # the first and last full years shown
    row_sources: list[tuple[Cited, ...]] = field(default_factory=list)  # per label (a table row), its sources

    def header(self) -> list[str]:
        return self.labels if self.by_series else [s.label for s in self.series]

    def rows(self) -> list[tuple[str, list[Value | None]]]:
        """Table rows: one per label with a cell per series, or one per series (by_series)."""
        if self.by_series:
            return [(s.label, list(s.values)) for s in self.series]
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]

    def table_sources(self) -> list[tuple[Cited, ...]]:
        """Per table row, the articles its figures come from: a year's or a ranked province's, or, in a
        table by series, every figure of the series' row."""
        if self.by_series:
            return [s.sources for s in self.series]
        return self.row_sources

    def row_credits(self) -> list[list[Credit]]:
        """Per table row, the newspapers behind it: the browser credits those of the rows shown."""
        return [credits(found) for found in self.table_sources()] or [[] for _ in self.rows()]

    def payload(self) -> dict[str, Any]:
        """How to draw the chart. The numbers and names are read from the table beside it, never repeated."""
        return {
            "kind": self.kind, "stacked": self.stacked, "max": self.max,
            "percent": self.percent, "reference": self.reference,
            "series": [[s.colour, s.key or str(i)] for i, s in enumerate(self.series)],
        }


def worded(chart: Chart | None, cid: str, title: str, unit: str, embed: EmbedRef | None,
           ranking: bool = False) -> Chart | None:
    """A chart made for one edition, in another's words (or its own): its rows, numbers and sources are
    the same objects, so they are neither made again nor walked again by the pages' keys. A ranking's
    one series is named after the chart: it takes the new title too."""
    if chart is None:
        return None
    series = [replace(s, label=title) for s in chart.series] if ranking else chart.series
    return replace(chart, id=cid, title=title, unit=unit, embed=embed, series=series)


def sources_of(items: Iterable[Derived]) -> tuple[Cited, ...]:
    """The sources of the records behind one row of a chart's table, each once (a record's own tuple
    when the row is one record's)."""
    found = [d.cited for d in items]
    return found[0] if len(found) == 1 else tuple(dict.fromkeys(c for each in found for c in each))


MIN_YEARS = 2  # a chart "over the years" needs at least two full years; one year stays in figures and tables


def full_years(items: tuple[Derived, ...] | list[Derived]) -> list[Derived]:
    return [d for d in items if d.record.period.is_full_year]


def level_chart(cid: str, title: str, unit: str, items: tuple[Derived, ...], block: Block,
                labels: Labels, embed: EmbedRef | None = None) -> Chart | None:
    """Stacked 100% bars of the disjoint levels, one bar per full year; None when nothing to show."""
    rows = [(d, b) for d in full_years(items) if (b := d.block(block)) is not None]
    if len({d.record.year for d, _ in rows}) < MIN_YEARS:
        return None
    series = []
    for level in DISJOINT:
        values = [chartable(b.share(level)) for _, b in rows]
        if any(v is not None for v in values):
            series.append(Series(labels["fields"][level], values, LEVEL_COLOURS[level]))
    if not series:
        return None
    return Chart(cid, title, unit, [str(d.record.year) for d, _ in rows], "bar", True, series, max=100, percent=True,
                 embed=embed, years=span(d for d, _ in rows), row_sources=[sources_of([d]) for d, _ in rows])


def span(items: Iterable[Derived]) -> tuple[int, int] | None:
    """The first and last years of the records a chart shows."""
    years = [d.record.year for d in items]
    return (min(years), max(years)) if years else None


Figures: TypeAlias = dict[int, tuple[Value, Derived]]  # one committee's full years with the figure, and their records
Committee: TypeAlias = tuple[str, str]  # (province, committee id)


def committee_figures(ind: Indicator, items: Iterable[Derived]) -> Figures:
    """One committee's full years with the indicator's figure (a chart may show it), in the records' order."""
    return {d.record.year: (v, d) for d in full_years(list(items)) if (v := chartable(ind.value(d))) is not None}


# How a chart made from every record gets the pieces each committee's or province's records make; by
# default they are made there and then, and `serve` hands back those it kept (`plan.memo`).
FiguresOf = Callable[[Committee, tuple[Derived, ...]], Figures]
SeriesOf = Callable[[Committee, tuple[Derived, ...], tuple[object, ...], Callable[[], "Series"]], "Series"]
NewestOf = Callable[[str, tuple[Derived, ...]], "tuple[Value, Derived] | None"]


def indicator_chart(cid: str, title: str, unit: str, ind: Indicator, items: tuple[Derived, ...],
                    names: dict[str, str], committee_names: dict[str, str], by_series: bool = False,
                    embed: EmbedRef | None = None, figures_of: FiguresOf | None = None,
                    series_of: SeriesOf | None = None,
                    by_committee: Mapping[Committee, tuple[Derived, ...]] | None = None) -> Chart | None:
    """One series per committee (a province may have several), one bar per full year.

    `figures_of(committee, its records)` and `series_of(committee, its records, what else the series
    shows, make)` may hand back a committee's figures and its series as made before from the same
    records (`serve` keeps them: an indicator's trend is made from every record); by default they are
    made here. `by_committee`: `items` by committee, when the caller has them so (the site index)."""
    figures_of = figures_of or (lambda k, records: committee_figures(ind, records))
    series_of = series_of or (lambda k, records, shape, make: make())
    groups = _grouped(items, _committee) if by_committee is None else by_committee
    figures = {k: found for k, g in groups.items() if (found := figures_of(k, g))}
    years = sorted({y for found in figures.values() for y in found})
    if len(years) < MIN_YEARS:
        return None
    several = {p for p, n in Counter(p for p, _ in figures).items() if n > 1}

    keys = sorted(figures)
    if by_series:  # lines over the years: only the committees with two or more full years
        keys = [k for k in keys if len(figures[k]) >= MIN_YEARS]
        if not keys:
            return None
        years = sorted({y for k in keys for y in figures[k]})

    def one(i: int, k: Committee) -> Series:
        found, key = figures[k], k[0] if k[0] not in several else f"{k[0]}.{k[1]}"
        shape = (committee_label(*k, several, names, committee_names), tuple(years), PALETTE[i % len(PALETTE)], key)

        def make() -> Series:
            return Series(shape[0], [found[y][0] if y in found else None for y in years], shape[2], key,
                          sources_of(d for _, d in found.values()))
        return series_of(k, groups[k], shape, make)

    series = [one(i, k) for i, k in enumerate(keys)]
    table_by_series = by_series or len(series) > len(years)
    # A table by series credits each series' own sources (`table_sources`): rows by year are not made.
    rows = [] if table_by_series else _charted(items, figures)
    row_sources = [sources_of([d for d in rows if d.record.year == y]) for y in years] if rows else []
    return Chart(cid, title, unit, [str(y) for y in years], "line" if by_series else "bar", False, series,
                 max=100 if ind.unit == "percent" else None, by_series=table_by_series,
                 series_links=[f"provinces/{p}/" for p, _ in keys], percent=ind.unit != "members",
                 reference=100 if ind.unit == "percent_of_target" else None,
                 embed=embed, years=(years[0], years[-1]), row_sources=row_sources)  # the years of its records


K = TypeVar("K")


def _committee(d: Derived) -> Committee:
    return d.record.province, d.record.committee


def _grouped(items: Iterable[Derived], key: Callable[[Derived], K]) -> dict[K, tuple[Derived, ...]]:
    """`items` by `key`, each group in their order (as the site index groups every record)."""
    groups: dict[K, list[Derived]] = defaultdict(list)
    for d in items:
        groups[key(d)].append(d)
    return {k: tuple(g) for k, g in groups.items()}


def _charted(items: Iterable[Derived], figures: dict[Committee, Figures]) -> list[Derived]:
    """The records of `items` whose figure a chart shows, in their order."""
    charted = {id(d) for found in figures.values() for _, d in found.values()}
    return [d for d in items if id(d) in charted]


def newest_value(ind: Indicator, items: Iterable[Derived]) -> tuple[Value, Derived] | None:
    """The newest full year of these records (one province's) with the indicator's figure: its row in a
    latest ranking."""
    best: tuple[Value, Derived] | None = None
    for d in full_years(list(items)):
        v = chartable(ind.value(d))
        if v is not None and (best is None or (d.record.year, d.record.key) > (best[1].record.year,
                                                                               best[1].record.key)):
            best = (v, d)
    return best


def committee_label(province: str, committee: str, several: set[str], names: dict[str, str],
                    committee_names: dict[str, str] | None) -> str:
    """A row's or a line's name: its province's, and its committee's too where the province has several."""
    if province in several and committee_names:
        return f"{names[province]} — {committee_names.get(f'{province}/{committee}', committee)}"
    return names[province]


def ranking_chart(cid: str, title: str, unit: str, ind: Indicator, items: list[Derived] | tuple[Derived, ...],
                  names: dict[str, str], latest: bool = False, embed: EmbedRef | None = None,
                  newest_of: NewestOf | None = None, committee_names: dict[str, str] | None = None,
                  by_province: Mapping[str, tuple[Derived, ...]] | None = None) -> Chart | None:
    """Provinces side by side, best first; only when two or more have the figure. With `latest`, each
    province's newest full year (labelled "Province (year)"; `newest_of(province, its records)` gives
    it), else every full-year record given, named by its committee too where a province has several
    (given `committee_names`). `by_province`: `items` by province, when the caller has them so."""
    if latest:  # each province's newest, chosen before sorting: a national ranking sorts 63 rows, not 3,000
        newest_of = newest_of or (lambda province, records: newest_value(ind, records))
        groups = _grouped(items, lambda d: d.record.province) if by_province is None else by_province
        rows = [pair for slug, found in groups.items() if (pair := newest_of(slug, found))]
    else:
        rows = [(v, d) for d in full_years(items) if (v := chartable(ind.value(d))) is not None]
    rows.sort(key=lambda pair: (-pair[0].number, pair[1].record.province))
    if len({d.record.province for _, d in rows}) < (1 if latest else 2):
        return None
    several = {p for p, n in Counter(d.record.province for _, d in rows).items() if n > 1}
    labels = [f"{names[d.record.province]} ({d.record.year})" if latest else
              committee_label(d.record.province, d.record.committee, several, names, committee_names)
              for _, d in rows]
    return Chart(cid, title, unit, labels, "hbar", False, [Series(title, [v for v, _ in rows], PALETTE[0])],
                 label_links=[f"provinces/{d.record.province}/" for _, d in rows],
                 row_sources=[sources_of([d]) for _, d in rows],
                 max=100 if ind.unit == "percent" else None, percent=ind.unit != "members",
                 reference=100 if ind.unit == "percent_of_target" else None,
                 embed=embed, years=span(d for _, d in rows))
