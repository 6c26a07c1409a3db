"""Each page type in a real browser at 1280 px and 320 px: drawn charts, accessibility, no-JS, phone."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import vendor
from tests.browser.conftest import ARTIFACTS, PAGES, WIDTHS, Site, screenshot, visit

CASES = [(name, width) for name in PAGES for width in WIDTHS]
IDS = [f"{name}-{width}" for name, width in CASES]
BUDGET = 50 * 1024
ROOT = Path(__file__).resolve().parents[2]


def table_number(text: str) -> float | None:
    text = text.split("=")[0]  # a derived figure's explanation ("= 79 − 16") follows it
    text = text.replace("*", "").replace("%", "").strip()
    if not text or text == "–":
        return None
    text = re.sub(r"^(gần|trên|hơn|khoảng|dưới) ", "", text)
    return float(text.replace(".", "").replace(",", "."))


def assert_charts_drawn(page: Page) -> int:
    """Every chart canvas has pixels and holds the same numbers as the table beside it."""
    charts = page.evaluate("""() => [...document.querySelectorAll('canvas[data-chart]')].map(c => {
        const ctx = c.getContext('2d');
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) { if (px[i] !== 0) painted++; }
        const table = c.closest('figure').querySelector('table');
        const rows = [...table.tBodies[0].rows].map(r => [...r.cells].slice(1).filter(td => !td.classList.contains('source'))
            .map(td => td.textContent));  // a row's sources are not figures
        return {id: c.id, painted, drawn: !!c.chart, bySeries: table.dataset.orientation === 'series',
                data: c.chart ? c.chart.data.datasets.map(d => d.data) : null, rows};
    })""")
    for chart in charts:
        assert chart["drawn"], f"{chart['id']}: Chart.js did not draw it"
        assert chart["painted"] > 500, f"{chart['id']}: the canvas is blank"
        table = [[table_number(cell) for cell in row] for row in chart["rows"]]
        by_series = table if chart["bySeries"] else [list(col) for col in zip(*table, strict=True)]
        assert by_series == [[None if v is None else float(v) for v in series] for series in chart["data"]], chart["id"]
    return len(charts)


@pytest.mark.parametrize("name,width", CASES, ids=IDS)
def test_page_in_browser(served: Site, browser: Browser, name: str, width: int) -> None:
    v = visit(browser, served.base + PAGES[name], width)
    page = v.page
    assert v.console_errors == []
    assert v.failed == []
    drawn = assert_charts_drawn(page)
    if name in ("province", "indicator"):  # a year page ranks provinces only when two or more have the figure
        assert drawn >= 1
    assert page.evaluate("document.documentElement.lang") == "vi"
    tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t =>
        [!!t.caption && t.caption.textContent.trim().length > 0, t.querySelectorAll('th').length])""")
    assert all(caption and ths > 0 for caption, ths in tables), tables
    # no horizontal page scroll (wide tables scroll inside their own box)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(v, f"{name}-{width}")
    page.context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_reports_no_serious_violations(served: Site, browser: Browser, name: str) -> None:
    v = visit(browser, served.base + PAGES[name], WIDTHS[0], bypass_csp=True)
    v.page.add_script_tag(path=str(vendor.axe_path()))
    for width in WIDTHS:  # one page load, resized (no script of ours reads the width): axe reads each layout
        v.page.set_viewport_size({"width": width, "height": 900})
        result = v.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [(x["id"], x["impact"], [n["target"] for n in x["nodes"]][:3])
                   for x in result["violations"] if x["impact"] in ("serious", "critical")]
        assert serious == [], (width, serious)
    v.page.context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_keyboard_reaches_every_control_with_visible_focus(served: Site, browser: Browser, name: str) -> None:
    v = visit(browser, served.base + PAGES[name], 1280)
    page = v.page
    total = page.evaluate("""() => {
        const els = [...document.querySelectorAll('a[href], summary, button, input, select, textarea, [tabindex="0"]')]
            .filter(el => el.offsetParent !== null && el.type !== 'hidden'
                    && !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY'));
        els.forEach((el, i) => el.setAttribute('data-kb', i));
        return els.length;
    }""")
    reached, invisible = set(), []
    for _ in range(total + 2):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || !el.hasAttribute('data-kb')) return null;
            const s = getComputedStyle(el);
            return [el.getAttribute('data-kb'), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0];
        }""")
        if info:
            reached.add(info[0])
            if not info[1]:
                invisible.append(info[0])
    assert len(reached) == total
    assert invisible == []
    page.context.close()


@pytest.mark.parametrize("name", ["province", "year", "indicator"])
def test_without_javascript_tables_units_sources_downloads_remain(served: Site, browser: Browser, name: str) -> None:
    v = visit(browser, served.base + PAGES[name], 320, javascript=False)
    page = v.page
    assert page.locator("table.data").count() >= 1
    if page.locator("figure.chart").count():  # a year page with one province has no ranking chart
        assert page.locator(".chart-meta").first.inner_text().startswith("Đơn vị:")
    if name == "indicator":  # each row links to the province page, where every record has its sources
        assert page.locator("table.data th a[href*='/provinces/']").count() >= 1
    else:
        assert page.locator("#sources li").count() >= 1
    if name == "province":
        assert page.locator(".downloads a[download]").count() >= 2
    page.context.close()


def _built_html(served: Site, browser: Browser, url: str) -> str:
    v = visit(browser, url, 1280)
    html = v.page.content()
    v.page.context.close()
    return html


def test_a_broken_chart_is_caught(served: Site, browser: Browser) -> None:
    url = served.base + PAGES["province"]
    html = _built_html(served, browser, url)
    broken = re.sub(r'<script type="application/json" id="data-[^"]+">.*?</script>', "", html, count=1, flags=re.S)
    v = visit(browser, url, 1280, html=broken)
    with pytest.raises(AssertionError):
        assert_charts_drawn(v.page)
    v.page.context.close()


def test_a_wrong_integrity_hash_blocks_chartjs(served: Site, browser: Browser) -> None:
    url = served.base + PAGES["province"]
    tampered = re.sub(r'integrity="sha384-[^"]+"', 'integrity="sha384-AAAA"', _built_html(served, browser, url))
    v = visit(browser, url, 1280, html=tampered)
    assert v.page.evaluate("typeof window.Chart") == "undefined"
    assert any("integrity" in e for e in v.console_errors)
    v.page.context.close()


def test_page_weight_budget(portal: Path) -> None:
    """HTML + CSS + our JS per page of the portal itself, gzipped, at most 50 KB (Chart.js excluded);
    reported to artifacts."""
    site = portal / "output"
    assets = sum(len(gzip.compress((site / f).read_bytes(), mtime=0)) for f in ("static/style.css", "static/charts.js"))
    report, over = [], []
    for html in sorted(site.rglob("*.html")):
        size = len(gzip.compress(html.read_bytes(), mtime=0)) + assets
        report.append(f"{size / 1024:7.1f} KB  {html.relative_to(site)}")
        if size > BUDGET:
            over.append(report[-1])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text("\n".join(sorted(report, reverse=True)) + "\n", encoding="utf-8")
    print("heaviest pages:\n" + "\n".join(sorted(report, reverse=True)[:5]))
    assert over == []


def test_local_chartjs_is_the_pinned_file() -> None:
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha384(vendor.chartjs_path().read_bytes()).digest()).decode()
    assert f"sha384-{digest}" == vendor.chartjs()["integrity"]
