"""Embeds and chart data: one embed page per kind of chart that finds every chart of its kind, the table
as a chart's only copy of its numbers, and the newspapers credited for each row of it."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.content_pages import for_language
from generator.load.site import load_site
from generator.model.derive import Derived, derive_all
from generator.model.problems import Problems
from generator.plan.charts import Chart, credits, day_key
from generator.plan.index import build_index
from generator.plan.page import EmbedContext, PlannedPage
from generator.plan.planner import plan, plan_embeds
from generator.render.labels import LANGUAGES, load_labels
from tests.goldens import SITE

CONFIG_KEYS = {"kind", "stacked", "max", "percent", "reference", "series"}  # how to draw, never what


def _plans() -> tuple[dict[str, list[PlannedPage]], tuple[Derived, ...]]:
    loaded = load_site(SITE, Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records))
    return ({lang: plan(index, load_labels(lang), for_language(loaded.content_pages, lang)).pages for lang in LANGUAGES},
            index.records)


PLANS, RECORDS = _plans()


def _charts(pages: list[PlannedPage]) -> list[tuple[PlannedPage, Chart]]:
    return [(p, c) for p in pages for c in getattr(p.context, "charts", []) if p.template != "embed"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_embed_page_per_kind_finds_every_chart_of_its_kind(lang: str) -> None:
    pages = PLANS[lang]
    embeds = {p.url: p.context for p in pages if p.template == "embed"}
    charts = _charts(pages)
    assert all(c.embed is not None for _, c in charts)  # every chart can be embedded
    kinds = {c.embed.kind for _, c in charts if c.embed}
    assert len(embeds) == len(kinds) < len(charts)  # fewer pages than charts: one per kind
    for page, chart in charts:
        assert chart.embed
        context = embeds[chart.embed.address().split("?")[0]]
        assert isinstance(context, EmbedContext) and context.param == chart.embed.param
        value = chart.embed.value
        # the embed page, given the address's value, reads this very chart on its own page
        assert context.source.replace("{x}", value) == page.url
        assert context.figure.replace("{x}", value) == f"fig-{chart.id}"
        assert "{x}" not in context.fallback and "{x}" not in context.heading


def test_charts_of_one_kind_on_pages_of_two_patterns_are_refused() -> None:
    (province, chart), = [(p, c) for p, c in _charts(PLANS["vi"]) if c.id == "tra-vinh-organizations"]
    year = next(p for p in PLANS["vi"] if p.template == "year")
    assert chart.embed
    moved = replace(chart, id=f"year-{chart.embed.value}-x")
    other = replace(year, url=f"years/{chart.embed.value}/", context=replace(province.context, charts=[moved]))
    with pytest.raises(ValueError, match="two patterns"):
        plan_embeds([province, other])


def _figures(output: Path) -> list[tuple[str, str]]:
    found = []
    for page in sorted(output.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        found += [(page.relative_to(output).as_posix(), f) for f in re.findall(r'<figure class="chart[ "].*?</figure>', html, re.S)]
    return found


def test_a_chart_block_says_how_to_draw_never_what(test_site_output: Path) -> None:
    """The names and numbers are the table's (tests/browser/test_newsroom.py checks the drawn ones);
    every row names its newspapers."""
    figures = _figures(test_site_output)
    assert len(figures) > 20
    for name, figure in figures:
        config = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', figure, re.S).group(1))
        assert set(config) == CONFIG_KEYS, name
        credited = [json.loads(s) for s in re.findall(r"<tr data-key=\"[^\"]*\" data-sources='([^']*)'>", figure)]
        assert credited == [c for c in credited if all(len(k) in (3, 5) for k in c)] and any(credited), name
        assert len(credited) == len(re.findall(r"<tr data-key", figure))  # every row names its newspapers


def test_embed_pages_carry_no_numbers_and_no_chrome(test_site_output: Path) -> None:
    pages = sorted(test_site_output.glob("**/embed/**/index.html"))
    kinds = {lang: {p.url for p in PLANS[lang] if p.template == "embed"} for lang in LANGUAGES}
    assert len(pages) == sum(len(k) for k in kinds.values())
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<table" not in html  # read from the chart's own page
        assert not re.search(r"<(header|nav|footer|button|form)\b", html)
        assert 'http-equiv="Content-Security-Policy"' in html
        credit = re.search(r'<p class="embed-credit">.*?</p>', html, re.S)
        assert credit and 'target="_blank" rel="noopener"' in credit.group(0)
        assert html.index('class="embed-credit"') < html.index('class="chart-box"')  # the credit first
        assert len(html.encode()) < 3000


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(RECORDS), max_size=8))
def test_credits_name_every_newspaper_with_its_first_and_last_date(items: list[Derived]) -> None:
    sources = [s for d in items for s in d.record.sources]
    found = credits(sources)
    assert [c.publisher for c in found] == list(dict.fromkeys(s.publisher for s in sources))
    for c in found:
        keys = sorted(day_key(s.published) for s in sources if s.publisher == c.publisher and s.published)
        assert (c.first_key, c.last_key) == ((keys[0], keys[-1]) if keys else ("", ""))
