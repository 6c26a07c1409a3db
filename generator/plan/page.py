"""A planned page of the built site (address, page type, title) and, per page type, the typed data its
template shows. Not to be confused with `load.content_pages.ContentPage`, a Markdown page the maintainers
write, which becomes one planned page of type "page" in each edition."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, get_args

from generator.load.content_pages import ContentPage
from generator.model.derive import Derived
from generator.model.indicators import Indicator
from generator.model.types import Committee, PartialDate, Province
from generator.plan.charts import Chart
from generator.plan.index import ProvinceView
from generator.plan.search import SearchGroup
from generator.plan.sources import ArticleRow, Named, Place

if TYPE_CHECKING:  # plan.share reads the page contexts below
    from generator.plan.share import ShareCard

# Page types, also the templates' base names (site.yaml's `templates:` may map them to other files).
PageType = Literal["home", "provinces", "province", "committee", "years", "year", "indicators", "indicator",
                   "page", "data", "search", "embed", "404", "sources"]
PAGE_TYPES: tuple[PageType, ...] = get_args(PageType)
Coverage = Literal["full", "partial"]


@dataclass(frozen=True)
class PageContext:
    """What a template sees besides `page` and the site-wide globals: the fields of a subclass."""

    def variables(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class HomeContext(PageContext):
    latest: dict[str, Derived]  # province slug -> its latest full-year record (else latest record)
    coverage: dict[str, dict[int, Coverage]]
    years: list[int]
    indicators: tuple[Indicator, ...]
    charts: list[Chart]  # the one chart of what the data shows: each province's latest full year
    records: int  # how many records the site holds
    articles: int  # how many articles were read
    updated: dt.date | PartialDate | None  # the newest record's source date: the data's, never the build's


@dataclass(frozen=True)
class ProvincesContext(PageContext):
    old: list[ProvinceView]
    new: list[ProvinceView]
    with_data: set[str]


@dataclass(frozen=True)
class Pager:
    """A long province page split by years: /provinces/x/ shows the newest year, /provinces/x/2015-2019/
    each fixed span of five years (an address that never changes). `listed`: the records of the other
    years, each kept on the first page as a line with the record's anchor that leads to its span's page,
    so links made before the paging stay whole. A line names its record (`Named`, its place and period):
    a title edit to a record of another year leaves the first page, and its key, as they were."""

    province: str
    span: str | None  # the span of years this page shows (2015-2019); None on the province's first page
    spans: tuple[str, ...]  # every span with records, newest first
    listed: tuple[tuple[str, Named], ...] = ()  # (its span, the record)


@dataclass(frozen=True)
class ProvinceContext(PageContext):
    view: ProvinceView
    records: tuple[Derived, ...]
    latest: Derived | None
    charts: list[Chart]
    committees: tuple[Committee, ...]
    parent: Province | None
    children: list[Province | None]
    merged: list[tuple[str, tuple[Derived, ...]]]  # a new unit: each unit merged into it, with its records
    pager: Pager | None = None  # set when the province has too many records for one page
    # A merged unit with more records than a page holds shows its newest year's: how many it leaves out.
    merged_left: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CommitteeContext(PageContext):
    view: ProvinceView
    committee: Committee
    records: list[Derived]
    links: dict[str, str]  # predecessor/successor as written -> its page


@dataclass(frozen=True)
class YearsContext(PageContext):
    years: list[int]
    records: dict[int, int]  # year -> how many records: all the page shows of them


@dataclass(frozen=True)
class YearContext(PageContext):
    """A year's page. At national scale (`planner.YEAR_PAGE_SIZE`) the records are not tabled here:
    `by_province` lists each province's records of the year as lines that keep the table rows' anchors
    and lead to each record on its province's page (each `Named`, its place and period: a title edit
    leaves the page, and its key, as they were), and `records` is empty."""

    year: int
    records: list[Derived]
    charts: list[Chart]
    by_province: tuple[tuple[str, tuple[Named, ...]], ...] = ()  # (province slug, its records of the year)


@dataclass(frozen=True)
class IndicatorsContext(PageContext):
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class IndicatorContext(PageContext):
    """An indicator's page; at national scale (`planner.INDICATOR_PAGE_FIGURES`) its trend is charted province
    by province: the first page lists them (`places`) and each province's page (`place`) has its chart."""

    indicator: Indicator
    unit: str
    charts: list[Chart]
    places: tuple[tuple[str, int], ...] = ()  # on a paged first page: each province's slug and its lines
    place: str | None = None  # on a province's page of a paged indicator: its slug


@dataclass(frozen=True)
class ContentContext(PageContext):
    content: ContentPage


@dataclass(frozen=True)
class NotFoundContext(PageContext):
    pass


@dataclass(frozen=True)
class DataSummary:
    """What the data page says about the downloads: how much they hold, how big, how recent."""

    records: int
    articles: int  # distinct source articles the records cite
    updated: dt.date | PartialDate | None  # the newest record's source date: the data's last update
    sizes: tuple[tuple[str, int], ...]  # (file under data/, bytes)

    def size(self, path: str) -> int | None:
        return dict(self.sizes).get(path)


@dataclass(frozen=True)
class DataContext(PageContext):
    provinces: list[str]  # slugs with records, one CSV each
    summary: DataSummary | None = None


@dataclass(frozen=True)
class EmbedContext(PageContext):
    """One embed page per kind of chart; the address names the chart, which is read from its own page."""

    heading: str  # the kind's title, shown until the chart's own title is read
    source: str  # the address of the chart's page, with {x} for the value of `param`
    figure: str  # the chart's figure id on that page, with {x} likewise
    param: str  # the address parameter naming the chart ("" when the kind has one chart)
    fallback: str  # where the full table is, for a reader without JavaScript


@dataclass(frozen=True)
class SourcesContext(PageContext):
    """The "sources reviewed" page: every article, in one table; or, for a long list, its index (`places`,
    no rows) and one page per province (`place`, the province's rows)."""

    articles: list[ArticleRow]  # the rows shown, in the order content/sources.yaml lists them
    used: int  # of the articles counted (all, or the province's), those that gave records
    not_used: int
    places: tuple[Place, ...] = ()  # the index of a paged list: each province's page, in the registry's order
    place: Place | None = None  # the page of one province (or of the articles naming none) of a paged list


@dataclass(frozen=True)
class SearchContext(PageContext):
    groups: list[SearchGroup]  # each province with its committees and records, then years, indicators, pages
    records_elsewhere: int = 0  # at national scale (`planner.SEARCH_PAGE_RECORDS`): the records not listed


@dataclass(frozen=True)
class PlannedPage:
    url: str  # relative to the edition's root: "" (home), "provinces/tra-vinh/", "404.html"
    template: PageType
    title: str
    context: PageContext  # all the page's own data: its cache key is made from this page, field by field
    share: ShareCard | None = None  # a province or indicator page's own share card; others share the generic one

    @property
    def output_path(self) -> str:
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url
