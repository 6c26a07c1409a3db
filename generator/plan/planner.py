"""Plan the pages: which pages exist, at which URL, with which data. No HTML here."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from generator.output import search
from generator.plan import sources
from generator.plan.charts import LEVEL_COLOURS, PALETTE, Chart, Series, chartable
from generator.model.derive import DISJOINT, Derived
from generator.model.indicators import INDICATORS, Indicator, indicator
from generator.load.site import Site
from generator.model.types import Province
from generator.load.pages import ContentPage


@dataclass(frozen=True)
class Page:
    url: str  # relative to the site root: "" (home), "provinces/tra-vinh/", "404.html"
    template: str  # page type, also the template's base name
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    # What the page shows, beyond the site-wide inputs: equal deps give equal HTML (used by serve).
    deps: tuple = ()

    @property
    def output_path(self) -> str:
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


@dataclass(frozen=True)
class ProvinceView:
    slug: str
    old: Province | None
    new: Province | None

    @property
    def name(self) -> str:
        return (self.old or self.new).name  # type: ignore[union-attr]


def _full_years(items: list[Derived]) -> list[Derived]:
    return [d for d in items if d.record.period.is_full_year]


def latest_with_results(items: list[Derived]) -> Derived | None:
    """The newest record that states results (a full year when there is one); a record with only
    awards or targets never stands for a province's latest results."""
    shown = [d for d in items if d.record.has_results]
    pool = _full_years(shown) or shown
    return max(pool, key=lambda d: (d.record.year, d.record.key)) if pool else None


def level_chart(cid: str, title: str, unit: str, items: list[Derived], block: str, labels: dict) -> Chart | None:
    """Stacked 100% bars of the disjoint levels, one bar per full year; None when nothing to show."""
    rows = [d for d in _full_years(items) if d.block(block) is not None]
    if not rows:
        return None
    series = []
    for level in DISJOINT:
        values = [chartable(d.block(block).share(level)) for d in rows]  # type: ignore[union-attr]
        if any(v is not None for v in values):
            series.append(Series(labels["fields"][level], values, LEVEL_COLOURS[level]))
    if not series:
        return None
    return Chart(cid, title, unit, [str(d.record.year) for d in rows], "bar", True, series, max=100)


def indicator_chart(cid: str, title: str, unit: str, ind: Indicator, items: list[Derived],
                    names: dict[str, str], committee_names: dict[str, str] | None = None,
                    by_series: bool = False) -> Chart | None:
    """One series per committee (a province may have several), one bar per full year."""
    rows = [d for d in _full_years(items) if chartable(ind.value(d)) is not None]
    if not rows:
        return None
    years = sorted({d.record.year for d in rows})
    by_committee: dict[tuple[str, str], dict[int, Any]] = defaultdict(dict)
    for d in rows:
        by_committee[(d.record.province, d.record.committee)][d.record.year] = ind.value(d)
    several = {p for p, _ in by_committee if sum(1 for q, _ in by_committee if q == p) > 1}

    def label(province: str, committee: str) -> str:
        if province in several and committee_names:
            return f"{names[province]} — {committee_names.get(f'{province}/{committee}', committee)}"
        return names[province]

    keys = sorted(by_committee)
    series = [Series(label(p, c), [by_committee[(p, c)].get(y) for y in years], PALETTE[i % len(PALETTE)],
                     p if p not in several else f"{p}.{c}")
              for i, (p, c) in enumerate(keys)]
    return Chart(cid, title, unit, [str(y) for y in years], "bar", False, series,
                 max=100 if ind.unit == "percent" else None, by_series=by_series or len(series) > len(years),
                 series_links=[f"provinces/{p}/" for p, _ in keys])


def ranking_chart(cid: str, title: str, unit: str, ind: Indicator, items: list[Derived],
                  names: dict[str, str]) -> Chart | None:
    rows = sorted(((ind.value(d), d) for d in _full_years(items) if chartable(ind.value(d)) is not None),
                  key=lambda pair: (-pair[0].number, pair[1].record.province))  # type: ignore[union-attr]
    if not rows:
        return None
    labels = [f"{names[d.record.province]}" for _, d in rows]
    return Chart(cid, title, unit, labels, "hbar", False,
                 [Series(title, [v for v, _ in rows], PALETTE[0])], max=100)


def _province_views(site: Site) -> list[ProvinceView]:
    reg = site.registry
    return [ProvinceView(slug, reg.province(slug, "old"), reg.province(slug, "new")) for slug in reg.slugs()]


def plan(site: Site, derived: list[Derived], labels: dict, content_pages: list[ContentPage]) -> list[Page]:
    views = _province_views(site)
    names = {v.slug: v.name for v in views}
    by_province: dict[str, list[Derived]] = defaultdict(list)
    by_year: dict[int, list[Derived]] = defaultdict(list)
    for d in derived:
        by_province[d.record.province].append(d)
        by_year[d.record.year].append(d)
    years = sorted(by_year)
    common = {"names": names, "views": {v.slug: v for v in views},
              "committee_names": {f"{c.province}/{c.id}": c.name for c in site.registry.committees.values()}}
    pages: list[Page] = []

    coverage = {slug: {y: ("full" if any(d.record.period.is_full_year for d in items if d.record.year == y)
                           else "partial") for y in {d.record.year for d in items}}
                for slug, items in by_province.items()}
    latest = {slug: found for slug, items in by_province.items()
              if (found := latest_with_results(items)) is not None}
    pages.append(Page("", "home", labels["home"]["heading"], {
        **common, "latest": latest, "coverage": coverage, "years": years, "indicators": INDICATORS},
        deps=(tuple((s, d.record.digest) for s, d in sorted(latest.items())), str(sorted(coverage.items())))))

    pct_unit = labels["units"]["percent"]
    pages.append(Page("provinces/", "provinces", labels["provinces"]["index_heading"], {
        **common, "old": [v for v in views if v.old], "new": [v for v in views if v.new],
        "with_data": set(by_province)}, deps=tuple(sorted(by_province))))
    for v in views:
        items = by_province.get(v.slug, [])
        charts = [c for c in (
            level_chart(f"{v.slug}-organizations", labels["province"]["org_chart"], pct_unit, items,
                        "organizations", labels),
            level_chart(f"{v.slug}-members", labels["province"]["member_chart"], pct_unit, items,
                        "members", labels),
            indicator_chart(f"{v.slug}-admissions", labels["province"]["admissions_chart"],
                            labels["units"]["members"], indicator("admissions"), items, names, common["committee_names"]),
            indicator_chart(f"{v.slug}-admissions-target", labels["province"]["admissions_target_chart"],
                            labels["units"]["percent_of_target"], indicator("admissions-percent-of-target"), items, names,
                            common["committee_names"]),
        ) if c is not None]
        full = [d for d in _full_years(items) if d.record.has_results]
        pages.append(Page(f"provinces/{v.slug}/", "province", v.name, {
            **common, "view": v, "records": items, "latest": latest_with_results(full),
            "charts": charts, "committees": site.registry.committees_of(v.slug),
            "parent": site.registry.province(v.old.merged_into, "new") if v.old and v.old.merged_into else None,
            "children": [site.registry.province(s, "old") for s in (v.new.merged_from if v.new else ())],
        }, deps=tuple(d.record.digest for d in items)))
        for c in site.registry.committees_of(v.slug):
            own = [d for d in items if d.record.committee == c.id]
            pages.append(Page(f"provinces/{v.slug}/{c.id}/", "committee", c.name, {
                **common, "view": v, "committee": c, "records": own,
                "links": {link: committee_url(c.province, link) for link in c.predecessors + c.successors},
            }, deps=tuple(d.record.digest for d in own)))

    pages.append(Page("years/", "years", labels["years"]["index_heading"], {**common, "years": years,
                                                                            "by_year": by_year},
                      deps=tuple((y, len(by_year[y])) for y in years)))
    for year in years:
        items = sorted(by_year[year], key=lambda d: (names[d.record.province], d.record.key))
        chart = ranking_chart(f"year-{year}", f"{labels['years']['ranking']} {year}", pct_unit,
                              indicator("organizations-good-or-above"), items, names)
        pages.append(Page(f"years/{year}/", "year", f"{labels['years']['heading']} {year}", {
            **common, "year": year, "records": items, "charts": [chart] if chart else []},
            deps=tuple(d.record.digest for d in items)))

    pages.append(Page("indicators/", "indicators", labels["indicators"]["index_heading"],
                      {**common, "indicators": INDICATORS}))
    for ind in INDICATORS:
        title = indicator_title(ind, labels)
        unit = labels["units"][ind.unit]
        chart = indicator_chart(f"indicator-{ind.id}", title, unit, ind, derived, names, common["committee_names"],
                                by_series=True)
        rows = [d for d in _full_years(derived) if ind.value(d) is not None]
        pages.append(Page(f"indicators/{ind.id}/", "indicator", title, {
            **common, "indicator": ind, "unit": unit, "charts": [chart] if chart else []},
            deps=tuple((d.record.key, str(ind.value(d).number)) for d in rows)))  # type: ignore[union-attr]

    for cp in content_pages:
        pages.append(Page(f"{cp.slug}/", "page", cp.title, {**common, "content": cp}))
    pages.append(Page("404.html", "404", labels["site"]["not_found_title"], common))
    pages.append(Page(sources.URL, "sources", labels["reviewed"]["heading"],
                      {**common, **sources.context(site, derived)}, deps=sources.deps(site, derived)))
    pages.append(Page("data/", "data", labels["data"]["heading"],
                      {**common, "provinces": sorted(by_province)}, deps=tuple(sorted(by_province))))
    for page in list(pages):  # a minimal page per chart, for embedding elsewhere
        for chart in page.context.get("charts", []):
            pages.append(Page(f"embed/{chart.id}/", "embed", chart.title,
                              {**common, "charts": [chart], "parent": page.url}, deps=(repr(chart.payload()), page.url)))
    found = search.entries(pages, names)
    pages.append(Page("search/", "search", labels["site"]["search_heading"], {**common, "entries": found},
                      deps=tuple(found)))
    return pages


def committee_url(province: str, link: str) -> str:
    """A committee's page, from a link written as an id (same province) or as province/id."""
    slug, _, cid = link.rpartition("/")
    return f"provinces/{slug or province}/{cid}/"


def indicator_title(ind: Indicator, labels: dict) -> str:
    if ind.block is None:
        return labels["fields"][ind.measure]
    return f"{labels['blocks'][ind.block]}: {labels['fields'][ind.measure]}"
