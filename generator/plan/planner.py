"""Plan the pages of one edition: which pages exist, at which address, with which data. No HTML here.

One planner per page type; each reads the site index (names, records by province, committee and
year) and returns its pages with a typed context.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from itertools import groupby

from generator.hashing import fingerprint
from generator.load.content_pages import ContentPage
from generator.model.derive import Derived
from generator.model.indicators import INDICATORS, Indicator, indicator
from generator.model.types import PartialDate
from generator.plan import share, sources
from generator.plan.charts import (
    MIN_YEARS,
    Chart,
    Committee,
    EmbedRef,
    FiguresOf,
    committee_figures,
    full_years,
    indicator_chart,
    level_chart,
    newest_value,
    ranking_chart,
    worded,
)
from generator.plan.index import ProvinceView, SiteIndex
from generator.plan.memo import PlanMemo, made
from generator.plan.page import (
    CommitteeContext,
    ContentContext,
    Coverage,
    DataContext,
    DataSummary,
    EmbedContext,
    HomeContext,
    IndicatorContext,
    IndicatorsContext,
    NotFoundContext,
    Pager,
    PlannedPage,
    ProvinceContext,
    ProvincesContext,
    SearchContext,
    SourcesContext,
    YearContext,
    YearsContext,
)
from generator.plan.search import Entry, entries, groups
from generator.plan.titles import indicator_title, year_title
from generator.render.labels import Labels

# A province page with more records than this is paged by year: at national scale one page of every
# record a province ever published runs to hundreds of kilobytes.
PROVINCE_PAGE_SIZE = 24
YEARS_PER_PAGE = 5  # a paged province has one page per five years (2015-2019), so few pages carry the chrome
# A "sources reviewed" list of more articles than this is paged by province: a row is about 570 bytes,
# so 150 rows make a page of about 90 kB, as heavy as a province page, where the national list (3,000
# articles) made one page of 1.7 MB. A small site's list stays one page.
SOURCES_PAGE_SIZE = 150
# A year with more records than this lists them by province instead of tabling them: a table row and its
# sources take about 1.6 kB, so the national year (190 records at 3,000, 1,900 at 30,000) made pages of
# 0.3 and 3 MB. The year's ranking, one row per province, stays; each record is a line of about 230 bytes.
YEAR_PAGE_SIZE = 100
# An indicator whose trend charts more figures than this (a line per committee with two or more full
# years, a figure per year of it) charts them province by province, on a page each
# (indicators/<id>/<slug>/): a figure's cell and its article's link take about 200 bytes, so the national
# trend (3,000 figures on 190 lines at 3,000 records, 30,000 at 30,000) made pages of 0.7 and 9 MB and a
# chart no one can read. Counted in figures, not lines: 120 lines of two or three years (300 records)
# make a page of a tenth of that, lighter than a page per province. The indicator's own page keeps its
# latest ranking and lists the provinces.
INDICATOR_PAGE_FIGURES = 1000
# A search page of more records than this lists the provinces, committees, years, indicators and pages
# without their records: an entry is about 300 bytes, so the national list (3,000 records) made pages of
# 0.9 MB and, at 30,000, the site's heaviest (7.9 MB). Each record stays one click away on its
# province's page, and typing finds it as before: site.js adds the records from search-index.json.
SEARCH_PAGE_RECORDS = 500

__all__ = ["SitePlan", "committee_url", "indicator_title", "plan"]


@dataclass(frozen=True)
class SitePlan:
    """One edition's pages, and the search entries both the search page and search-index.json list."""

    pages: list[PlannedPage]
    search: list[Entry]


def plan_home(index: SiteIndex, labels: Labels, memo: PlanMemo | None = None) -> PlannedPage:
    latest, coverage, articles, updated = index.once(("home",), lambda: _home_facts(index, memo))
    chart = home_chart(index, labels, memo)
    return PlannedPage("", "home", labels["home"]["heading"],
                       HomeContext(latest, coverage, index.years, INDICATORS, [chart] if chart else [],
                                   len(index.records), articles, updated))


# latest, coverage, articles, updated: of every province, and of one
HomeFacts = tuple[dict[str, Derived], dict[str, dict[int, Coverage]], int, "dt.date | PartialDate | None"]
ProvinceFacts = tuple["Derived | None", dict[int, Coverage], frozenset[str], "dt.date | PartialDate | None"]


def _home_facts(index: SiteIndex, memo: PlanMemo | None) -> HomeFacts:
    """What the home page tells of every province, the same in both editions: each province's part
    made from its own records (with a `memo`, kept from the last build while they are the same)."""
    facts = {slug: made(memo, f"home:{slug}", items, partial(_province_facts, items))
             for slug, items in index.by_province.items()}
    latest = {slug: found for slug, (found, _, _, _) in facts.items() if found is not None}
    coverage = {slug: covered for slug, (_, covered, _, _) in facts.items()}
    articles = len(index.reviewed) or len(set().union(*(urls for _, _, urls, _ in facts.values())))
    updated = newest_source_date(newest for _, _, _, newest in facts.values())
    return latest, coverage, articles, updated


def _province_facts(items: tuple[Derived, ...]) -> ProvinceFacts:
    """One province's part of the home page: its latest results, which of its years are full, the
    addresses of its articles and the newest one's date."""
    coverage: dict[int, Coverage] = {
        y: ("full" if any(d.record.period.is_full_year for d in items if d.record.year == y) else "partial")
        for y in {d.record.year for d in items}}
    urls = frozenset(s.url for d in items for s in d.record.sources)
    return latest_with_results(items), coverage, urls, newest_source_date(s.published for d in items
                                                                          for s in d.record.sources)


def home_chart(index: SiteIndex, labels: Labels, memo: PlanMemo | None = None) -> Chart | None:
    """What the data shows, in one chart: the indicator most provinces have a full year of, each
    province's latest value ranked."""
    found = [c for ind in INDICATORS
             if (c := latest_ranking(index, ind, "home-latest", f"{indicator_title(ind, labels)} — "
                                     f"{labels['indicators']['latest_ranking']}", labels["units"][ind.unit],
                                     EmbedRef("home"), memo)) is not None]
    return max(found, key=lambda c: len(c.labels)) if found else None  # max keeps the first of equals


def latest_ranking(index: SiteIndex, ind: Indicator, cid: str, title: str, unit: str, embed: EmbedRef,
                   memo: PlanMemo | None) -> Chart | None:
    """Each province's newest full year of the indicator, ranked: the home page and the indicator's page
    show it in both editions, made once per build; with a `memo`, each province's row is kept from the
    last build while its records are the same."""
    ranking = index.once(("latest-ranking", ind.id), lambda: ranking_chart(
        cid, title, unit, ind, index.records, index.names, latest=True, embed=embed,
        newest_of=lambda slug, records: made(memo, f"newest:{ind.id}:{slug}", records,
                                             partial(newest_value, ind, records)), by_province=index.by_province))
    return worded(ranking, cid, title, unit, embed, ranking=True)


def newest_source_date(published: Iterable[dt.date | PartialDate | None]) -> dt.date | PartialDate | None:
    """The last-updated date a reader sees: the newest of the records' sources' publication dates."""
    dates = [day for day in published if day is not None]

    def order(day: dt.date | PartialDate) -> tuple[int, int, int]:
        if isinstance(day, PartialDate):
            return (day.year, day.month or 0, 0)
        return (day.year, day.month, day.day)

    return max(dates, key=order) if dates else None


def latest_with_results(items: tuple[Derived, ...] | list[Derived]) -> Derived | None:
    """The newest record that states results (a full year when there is one); a record with only
    awards or targets never stands for a province's latest results."""
    shown = [d for d in items if d.record.has_results]
    pool = full_years(shown) or shown
    return max(pool, key=lambda d: (d.record.year, d.record.key)) if pool else None


def plan_provinces(index: SiteIndex, labels: Labels) -> PlannedPage:
    views = index.provinces
    return PlannedPage("provinces/", "provinces", labels["provinces"]["index_heading"],
                       ProvincesContext([v for v in views if v.old], [v for v in views if v.new],
                                        set(index.by_province)))


def _province_charts(index: SiteIndex, view: ProvinceView, labels: Labels) -> list[Chart]:
    items = index.records_of(view.slug)
    pct_unit = labels["units"]["percent"]
    charts = (
        level_chart(f"{view.slug}-organizations", labels["province"]["org_chart"], pct_unit, items,
                    "organizations", labels, embed=province_embed("organizations", view)),
        level_chart(f"{view.slug}-members", labels["province"]["member_chart"], pct_unit, items, "members", labels,
                    embed=province_embed("members", view)),
        indicator_chart(f"{view.slug}-admissions", labels["province"]["admissions_chart"], labels["units"]["members"],
                        indicator("admissions"), items, index.names, index.committee_names,
                        embed=province_embed("admissions", view)),
        indicator_chart(f"{view.slug}-admissions-target", labels["province"]["admissions_target_chart"],
                        labels["units"]["percent_of_target"], indicator("admissions-percent-of-target"), items,
                        index.names, index.committee_names, embed=province_embed("admissions-target", view)),
    )
    return [c for c in charts if c is not None]


def _span(year: int) -> str:
    """The fixed span of years a paged province's record is kept on (2015-2019): it never changes."""
    first = year - year % YEARS_PER_PAGE
    return f"{first}-{first + YEARS_PER_PAGE - 1}"


def plan_province(index: SiteIndex, view: ProvinceView, labels: Labels,
                  page_size: int | None = None) -> list[PlannedPage]:
    """The province's page; with more than `page_size` (PROVINCE_PAGE_SIZE) records, paged (see `Pager`)."""
    page_size = PROVINCE_PAGE_SIZE if page_size is None else page_size
    items = index.records_of(view.slug)
    full = [d for d in full_years(items) if d.record.has_results]
    units = index.merged(view)  # a unit merged into this one with more records than a page: its newest year
    merged = [(slug, _newest_year(recs) if len(recs) > page_size else recs) for slug, recs in units]
    main = ProvinceContext(view, items, latest_with_results(full or items), _province_charts(index, view, labels),
                           index.committees[view.slug], index.parent(view), index.children(view), merged,
                           merged_left={slug: len(recs) - len(shown) for (slug, recs), (_, shown)
                                        in zip(units, merged, strict=True) if len(recs) > len(shown)})
    url = f"provinces/{view.slug}/"
    if len(items) <= page_size:
        return [PlannedPage(url, "province", view.name, main)]
    shown = _newest_year(items)
    newest = shown[0].record.year
    spans = tuple(sorted({_span(d.record.year) for d in items}, reverse=True))
    pages = [PlannedPage(url, "province", view.name, replace(
        main, records=shown,
        pager=Pager(view.slug, None, spans,
                    tuple((_span(d.record.year), sources.Named.of(d)) for d in items if d.record.year != newest))))]
    for span in spans:
        mine = tuple(d for d in items if _span(d.record.year) == span)
        pages.append(PlannedPage(f"{url}{span}/", "province", f"{view.name}: {span.replace('-', '–')}", replace(
            main, records=mine, latest=None, charts=[], merged=[], merged_left={},
            pager=Pager(view.slug, span, spans))))
    return pages


def _newest_year(items: tuple[Derived, ...]) -> tuple[Derived, ...]:
    """The records of the newest year among `items`: what a paged province's first page shows of its own,
    and a province formed in 2025 of a unit merged into it that has more records than a page holds."""
    newest = max(d.record.year for d in items)
    return tuple(d for d in items if d.record.year == newest)


def _span_cards(pages: list[PlannedPage]) -> list[PlannedPage]:
    """The pages of a paged province's spans of years share its first page's card: one card per province."""
    def span(page: PlannedPage) -> str | None:
        ctx = page.context
        return ctx.pager.span if isinstance(ctx, ProvinceContext) and ctx.pager else None

    first = {p.url: p.share for p in pages if isinstance(p.context, ProvinceContext) and span(p) is None}
    return [replace(p, share=first[p.url.rsplit("/", 2)[0] + "/"]) if span(p) else p for p in pages]


def plan_committees(index: SiteIndex, view: ProvinceView) -> list[PlannedPage]:
    pages = []
    for c in index.committees[view.slug]:
        own = list(index.records_of(view.slug, c.id))
        links = {link: committee_url(c.province, link) for link in c.predecessors + c.successors}
        pages.append(PlannedPage(f"provinces/{view.slug}/{c.id}/", "committee", c.name,
                                 CommitteeContext(view, c, own, links)))
    return pages


def plan_years(index: SiteIndex, labels: Labels) -> PlannedPage:
    years = index.years
    return PlannedPage("years/", "years", labels["years"]["index_heading"],
                       YearsContext(years, {y: len(index.by_year[y]) for y in years}))


def plan_year(index: SiteIndex, year: int, labels: Labels) -> PlannedPage:
    """A year's page: its ranking and its records; beyond YEAR_PAGE_SIZE records, a list of them by
    province (see `YearContext`)."""
    items = sorted(index.by_year[year], key=lambda d: (index.names[d.record.province], d.record.province, d.record.key))
    cid, title, unit = f"year-{year}", f"{labels['years']['ranking']} {year}", labels["units"]["percent"]
    embed = EmbedRef("year", "year", str(year))
    ranking = index.once(("year-ranking", year), lambda: ranking_chart(
        cid, title, unit, indicator("organizations-good-or-above"), items, index.names, embed=embed,
        committee_names=index.committee_names))
    chart = worded(ranking, cid, title, unit, embed, ranking=True)  # made once for both editions
    context = YearContext(year, items, [chart] if chart else [])
    if len(items) > YEAR_PAGE_SIZE:
        context = replace(context, records=[], by_province=tuple(
            (slug, tuple(sources.Named.of(d) for d in found))
            for slug, found in groupby(items, key=lambda d: d.record.province)))
    return PlannedPage(f"years/{year}/", "year", year_title(year, labels), context)


def plan_indicators(labels: Labels) -> PlannedPage:
    return PlannedPage("indicators/", "indicators", labels["indicators"]["index_heading"],
                       IndicatorsContext(INDICATORS))


def plan_indicator(index: SiteIndex, ind: Indicator, labels: Labels, memo: PlanMemo | None = None,
                   paged: bool = False) -> PlannedPage:
    """An indicator's page: each province's latest full year ranked, and its trend over the years; when
    `paged` (see `_indicator_pages`), the provinces with a page of their own for it instead of the trend (see
    `plan_indicator_in`). Each chart is made once for both editions, then worded for each."""
    title = indicator_title(ind, labels)
    unit = labels["units"][ind.unit]
    words = labels["indicators"]
    latest = latest_ranking(index, ind, f"indicator-{ind.id}-latest", f"{title} — {words['latest_ranking']}",
                            unit, EmbedRef(f"{ind.id}/latest"), memo)
    url = f"indicators/{ind.id}/"
    if paged:
        per_province = Counter(province for province, _ in _lines(index, ind, memo))
        places = tuple((v.slug, per_province[v.slug]) for v in index.provinces if v.slug in per_province)
        return PlannedPage(url, "indicator", title, IndicatorContext(ind, unit, [latest] if latest else [],
                                                                     places=places))
    cid, over, embed = f"indicator-{ind.id}", f"{title} — {words['over_years']}", EmbedRef(ind.id)
    trend = index.once(("indicator-trend", ind.id), partial(
        _trend, index, ind, index.records, index.by_committee, memo, cid, over, unit, embed))
    charts = [c for c in (latest, worded(trend, cid, over, unit, embed)) if c is not None]
    return PlannedPage(url, "indicator", title, IndicatorContext(ind, unit, charts))


def plan_indicator_in(index: SiteIndex, ind: Indicator, slug: str, labels: Labels,
                      memo: PlanMemo | None = None) -> PlannedPage:
    """A province's page of a paged indicator: the trend of its committees, made from its records alone."""
    title = indicator_title(ind, labels)
    unit = labels["units"][ind.unit]
    name = index.names.get(slug, slug)
    over = f"{title} — {labels['indicators']['over_years_in'].replace('{province}', name)}"
    cid, embed = f"indicator-{ind.id}-{slug}", EmbedRef(ind.id, "in", slug)  # "in": no heading from the page
    committees = {k: index.by_committee[k] for k in dict.fromkeys((d.record.province, d.record.committee)
                                                                   for d in index.records_of(slug))}
    trend = index.once(("indicator-trend", ind.id, slug), partial(
        _trend, index, ind, index.records_of(slug), committees, memo, cid, over, unit, embed))
    chart = worded(trend, cid, over, unit, embed)
    return PlannedPage(f"indicators/{ind.id}/{slug}/", "indicator", f"{title}: {name}",
                       IndicatorContext(ind, unit, [chart] if chart else [], place=slug))


def _lines(index: SiteIndex, ind: Indicator, memo: PlanMemo | None) -> dict[Committee, int]:
    """The lines of an indicator's trend: each committee with two or more full years of it, and how many
    (its figures)."""
    figures_of = _figures_of(ind, memo)
    return index.once(("indicator-lines", ind.id), lambda: {
        k: n for k, records in index.by_committee.items() if (n := len(figures_of(k, records))) >= MIN_YEARS})


def _figures_of(ind: Indicator, memo: PlanMemo | None) -> FiguresOf:
    """A committee's figures of the indicator, by year: with a `memo`, kept while its records are the same."""
    return lambda k, records: made(memo, f"figures:{ind.id}:{k[0]}:{k[1]}", records,
                                   partial(committee_figures, ind, records))


def _trend(index: SiteIndex, ind: Indicator, items: tuple[Derived, ...],
           committees: dict[Committee, tuple[Derived, ...]], memo: PlanMemo | None, cid: str, title: str,
           unit: str, embed: EmbedRef) -> Chart | None:
    """The indicator over the years, a line per committee of `committees` (every one, or a province's)."""
    return indicator_chart(
        cid, title, unit, ind, items, index.names, index.committee_names, by_series=True, embed=embed,
        figures_of=_figures_of(ind, memo),
        series_of=lambda k, records, shape, make: made(memo, f"series:{ind.id}:{k[0]}:{k[1]}", records, make,
                                                       also=shape), by_committee=committees)


def plan_content_page(page: ContentPage) -> PlannedPage:
    return PlannedPage(f"{page.slug}/", "page", page.title, ContentContext(page))


def plan_not_found(labels: Labels) -> PlannedPage:
    return PlannedPage("404.html", "404", labels["site"]["not_found_title"], NotFoundContext())


def plan_data(index: SiteIndex, labels: Labels, summary: DataSummary | None = None) -> PlannedPage:
    provinces = sorted(index.by_province)
    return PlannedPage("data/", "data", labels["data"]["heading"], DataContext(provinces, summary))


def plan_sources(index: SiteIndex, labels: Labels, page_size: int | None = None,
                 memo: PlanMemo | None = None) -> list[PlannedPage]:
    """The "sources reviewed" page: every article read, its records, or why it gave none. With more than
    `page_size` (SOURCES_PAGE_SIZE) articles, an index of provinces at the same address, and a page per
    province (sources/<slug>/) and for the articles naming none (sources/_other/)."""
    page_size = SOURCES_PAGE_SIZE if page_size is None else page_size
    found = index.articles(memo)
    words = labels["reviewed"]
    used = sum(1 for r in found if r.records)
    whole = SourcesContext(found, used, len(found) - used)
    if len(found) <= page_size:
        return [PlannedPage(sources.URL, "sources", words["heading"], whole)]
    groups = sources.by_place(found, [v.slug for v in index.provinces])
    places = tuple(sources.Place(slug, len(rows), sum(1 for r in rows if r.records)) for slug, rows in groups)
    pages = [PlannedPage(sources.URL, "sources", words["heading"], replace(whole, articles=[], places=places))]
    for place, (slug, rows) in zip(places, groups, strict=True):
        title = words["province_title"].replace("{province}", index.names.get(slug, slug)) if slug \
            else words["no_province_title"]
        pages.append(PlannedPage(place.url, "sources", title,
                                 SourcesContext(rows, place.used, place.not_used, place=place)))
    return pages


def province_embed(slot: str, view: ProvinceView) -> EmbedRef:
    return EmbedRef(f"province/{slot}", "province", view.slug)


def plan_embeds(pages: list[PlannedPage]) -> list[PlannedPage]:
    """One embed page per kind of chart, not per chart: the address names the chart (`?province=tra-vinh`)
    and the page draws it from the table on the chart's own page, so no chart's numbers are written twice."""
    kinds: dict[str, EmbedContext] = {}
    for page in pages:
        if not isinstance(page.context, (HomeContext, ProvinceContext, YearContext, IndicatorContext)):
            continue
        for chart in page.context.charts:
            if chart.embed is None:
                continue
            found = embed_context(page.url, chart, chart.embed)
            held = kinds.setdefault(chart.embed.kind, found)
            if (held.source, held.figure, held.param) != (found.source, found.figure, found.param):
                raise ValueError(f"embed/{chart.embed.kind}/ would show charts of two patterns: "
                                 f"{held.source}#{held.figure} and {found.source}#{found.figure}")
    return [PlannedPage(f"embed/{kind}/", "embed", context.heading, context) for kind, context in kinds.items()]


def embed_context(url: str, chart: Chart, ref: EmbedRef) -> EmbedContext:
    """The embed page of a chart's kind: the chart's page and figure id, with {x} where the address names it."""
    if not ref.param:
        return EmbedContext(chart.title, url, f"fig-{chart.id}", "", url)
    if ref.value not in url or ref.value not in chart.id:
        raise ValueError(f"{ref.address()}: {ref.value} is neither in the page address {url} nor the chart {chart.id}")
    source = url.replace(ref.value, "{x}")
    heading = chart.title.replace(ref.value, "").strip(" ,—-")
    return EmbedContext(heading, source, f"fig-{chart.id.replace(ref.value, '{x}')}", ref.param,
                        source.split("{x}")[0])


def plan_search(found: list[Entry], labels: Labels) -> PlannedPage:
    """The search page: every entry, grouped by province, usable without JavaScript; beyond
    SEARCH_PAGE_RECORDS records, without them (they are listed on their provinces' pages)."""
    records = sum(1 for e in found if e.kind == "record")
    elsewhere = records if records > SEARCH_PAGE_RECORDS else 0
    shown = [e for e in found if e.kind != "record"] if elsewhere else found
    return PlannedPage("search/", "search", labels["site"]["search_heading"],
                       SearchContext(groups(shown, labels), records_elsewhere=elsewhere))


def plan(index: SiteIndex, labels: Labels, content_pages: list[ContentPage],
         data: DataSummary | None = None, page_size: int | None = None,
         sources_page_size: int | None = None, memo: PlanMemo | None = None,
         indicator_page_figures: int | None = None) -> SitePlan:
    """Every page of one edition, in the order the sitemap lists them. `page_size`, `sources_page_size` and
    `indicator_page_figures`: how long a province page, the sources list and an indicator's trend may be
    before they are paged (tests make them small).
    With a `memo` (`serve`), the pages of a province, a year, an indicator and the home page are taken
    from the last build when made from the same records."""
    if memo is not None:
        memo.begin(fingerprint((labels, index.names, index.committee_names, index.registry, index.reviewed,
                                page_size, indicator_page_figures)))
    pages: list[PlannedPage] = []
    pages += made(memo, "home", index.records, _listed(plan_home, index, labels, memo))
    pages.append(plan_provinces(index, labels))
    for view in index.provinces:
        pages += made(memo, f"province:{view.slug}", _province_records(index, view),
                      partial(_province_pages, index, view, labels, page_size))
    pages.append(plan_years(index, labels))
    for year in index.years:
        pages += made(memo, f"year:{year}", index.by_year[year], _listed(plan_year, index, year, labels))
    pages.append(plan_indicators(labels))
    for ind in INDICATORS:
        pages += _indicator_pages(index, ind, labels, memo, indicator_page_figures)
    pages += [plan_content_page(cp) for cp in content_pages]
    pages += [plan_not_found(labels), *plan_sources(index, labels, sources_page_size, memo),
              plan_data(index, labels, data)]
    pages += plan_embeds(pages)
    found = entries(index, labels, content_pages, memo)
    pages.append(plan_search(found, labels))
    if memo is not None:
        memo.end(index.records)
    return SitePlan(pages, found)


def _listed(make: Callable[..., PlannedPage], *args: object) -> Callable[[], list[PlannedPage]]:
    return lambda: [make(*args)]


def _province_pages(index: SiteIndex, view: ProvinceView, labels: Labels, page_size: int | None) -> list[PlannedPage]:
    """A province's pages (its own, its spans of years, its committees), each with its share card: taken
    again whole by `serve` while the province's records are the same objects."""
    return _span_cards([share.attach(p, index, labels) for p in plan_province(index, view, labels, page_size)]
                       + plan_committees(index, view))


def _indicator_pages(index: SiteIndex, ind: Indicator, labels: Labels, memo: PlanMemo | None,
                     most: int | None) -> list[PlannedPage]:
    """An indicator's page, with its share card; with more than `most` (INDICATOR_PAGE_FIGURES) figures in
    its trend, and a page per province for them, each taken again by `serve` while the province's records
    are the same objects, and each with the indicator's card (one card per indicator)."""
    paged = sum(_lines(index, ind, memo).values()) > (INDICATOR_PAGE_FIGURES if most is None else most)
    first = made(memo, f"indicator:{ind.id}", index.records,
                 lambda: share.attach(plan_indicator(index, ind, labels, memo, paged), index, labels, memo),
                 also=paged)
    assert isinstance(first.context, IndicatorContext)
    return [first, *(replace(made(memo, f"indicator:{ind.id}:{slug}", index.records_of(slug),
                                  partial(plan_indicator_in, index, ind, slug, labels, memo)), share=first.share)
                     for slug, _ in first.context.places)]


def _province_records(index: SiteIndex, view: ProvinceView) -> tuple[Derived, ...]:
    """Every record a province's pages show: its own, and those of the units merged into it."""
    return index.records_of(view.slug) + tuple(d for _, items in index.merged(view) for d in items)


def committee_url(province: str, link: str) -> str:
    """A committee's page, from a link written as an id (same province) or as province/id."""
    slug, _, cid = link.rpartition("/")
    return f"provinces/{slug or province}/{cid}/"

