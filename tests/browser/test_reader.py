"""Reader features in a real browser: search, language switch, compare-and-share, chart downloads
and embeds, and the lineage links across the 2025 changes."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser

from generator.output.search_index import expand
from tests.browser.conftest import Site, visit
from tests.goldens import SITE

INDICATOR = "indicators/organizations-good-or-above/"
LINES = "#fig-indicator-organizations-good-or-above"  # the indicator's lines over the years (after its ranking)


@pytest.mark.parametrize("typed", ["Bến Tre", "ben tre", "BẾN TRE", "BEN TRE"])
def test_search_finds_with_or_without_diacritics_and_opens_with_the_keyboard(served: Site, browser: Browser,
                                                                            typed: str) -> None:
    v = visit(browser, served.base + "years/", 320)
    page = v.page
    page.fill("#q", typed)
    first = page.locator("#search-results [role=option]").first
    first.wait_for()
    assert first.locator("a").inner_text() == "Bến Tre"
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#q", "aria-activedescendant") == "search-option-0"
    page.keyboard.press("Enter")
    page.wait_for_url("**/provinces/ben-tre/")
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def test_search_finds_indicators_by_words_without_diacritics(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base, 1280)
    v.page.fill("#q", "dang vien")
    v.page.locator("#search-results [role=option]").first.wait_for()
    texts = v.page.locator("#search-results [role=option] a").all_inner_texts()
    assert any(t.startswith("Đảng viên") for t in texts)
    v.page.context.close()


def test_search_without_javascript_lists_everything(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base, 320, javascript=False)
    v.page.fill("#q", "ben tre")
    v.page.click("form.search button[type=submit]")
    v.page.wait_for_url("**/search/?q=ben+tre")
    entries = expand((served.root / "portal/search-index.json").read_bytes())
    links = v.page.locator("#search-all a")
    assert links.count() == len(entries)  # every province, committee, year, indicator and page
    assert v.page.locator("#search-all a", has_text="Bến Tre").count() >= 1
    v.page.context.close()


def test_language_switch_keeps_the_page(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "provinces/tra-vinh/", 1280)
    page = v.page
    page.click("a.lang-switch")
    page.wait_for_url("**/portal/en/provinces/tra-vinh/")
    assert page.evaluate("document.documentElement.lang") == "en"
    text = page.inner_text("main")
    assert "92.94%" in text and "6,027" in text and "Completed tasks well or better" in text
    assert page.locator('link[rel=alternate][hreflang=vi]').get_attribute("href") == "/portal/provinces/tra-vinh/"
    page.click("a.lang-switch")
    page.wait_for_url("**/portal/provinces/tra-vinh/")
    assert "92,94%" in page.inner_text("main")
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def _checked(page) -> list[str]:
    return page.eval_on_selector_all("fieldset.compare input", "els => els.filter(e => e.checked).map(e => e.value)")


def test_compare_and_share(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR, 1280)
    page = v.page
    page.click(LINES + " fieldset.compare [data-action=none]")
    page.check(LINES + " fieldset.compare input[value=tra-vinh]")
    # (with the reference data this chart has two series: a subset of one of them is a real choice)
    assert parse_qs(urlsplit(page.url).query)["p"] == ["tra-vinh"]
    shown = page.eval_on_selector_all(LINES + " tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.key)")
    assert sorted(shown) == ["tra-vinh"]
    visible = page.evaluate("""() => { const c = document.querySelector('#fig-indicator-organizations-good-or-above canvas').chart;
        return c.data.datasets.filter((d, i) => c.isDatasetVisible(i)).map(d => d.key); }""")
    assert sorted(visible) == ["tra-vinh"]
    shared = page.url
    page.context.close()
    v2 = visit(browser, shared, 320)  # the address reproduces the view
    assert sorted(_checked(v2.page)) == ["tra-vinh"]
    shown = v2.page.eval_on_selector_all(LINES + " tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.key)")
    assert sorted(shown) == ["tra-vinh"]
    v2.page.context.close()


def test_chart_png_csv_and_embed(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR + "?p=tra-vinh", 1280)
    page = v.page
    with page.expect_download() as png_info:
        page.click(LINES + " [data-action=png]")
    png = png_info.value
    data = Path(png.path()).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and png.suggested_filename.endswith(".png")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    canvas = page.evaluate("[document.querySelector('#fig-indicator-organizations-good-or-above canvas').width, document.querySelector('#fig-indicator-organizations-good-or-above canvas').height]")
    assert width > canvas[0] and height > canvas[1]  # room for the title, unit and source
    with page.expect_download() as csv_info:
        page.click(LINES + " [data-action=csv]")
    rows = list(csv.reader(io.StringIO(Path(csv_info.value.path()).read_text(encoding="utf-8-sig"))))
    labels = page.evaluate("""() => { const s = document.querySelector('#fig-indicator-organizations-good-or-above canvas').spec;
        const d = s.datasets.find(d => d.key === 'tra-vinh'); return s.labels.filter((l, i) => d.data[i] !== null); }""")
    assert rows[0] == [""] + labels  # the years the selection has figures for
    assert [r[0] for r in rows[1:]] == ["Trà Vinh"]  # exactly the series shown
    assert rows[1][labels.index("2022") + 1] == "92.94"
    page.click(LINES + " details.embed summary")
    code = page.input_value(LINES + " details.embed textarea")
    src = re.search(r'src="([^"]+)"', code).group(1)
    assert src.endswith("/portal/embed/organizations-good-or-above/?p=tra-vinh")
    page.context.close()
    embed = visit(browser, src, 640)
    embed.page.wait_for_function("() => !!document.querySelector('main canvas').chart")
    assert embed.page.locator("a[target=_blank]").get_attribute("href") == "/portal/" + INDICATOR + "?p=tra-vinh" + LINES
    assert embed.console_errors == [] and embed.failed == []
    embed.page.context.close()


def test_lineage_links(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "provinces/ha-giang/", 320)
    page = v.page
    page.click("section.lineage a[href$='/provinces/tuyen-quang/']")
    page.wait_for_url("**/provinces/tuyen-quang/")
    assert "Hà Giang" in page.inner_text("p.status") and "Tuyên Quang" in page.inner_text("section.lineage")
    # the committees in order, as a compact timeline: the 2020 merger, then the February 2025 change
    order = page.eval_on_selector_all("ol.timeline li[id]", "items => items.map(li => li.id)")
    assert order.index("c-khoi-cac-co-quan") < order.index("c-khoi-co-quan-va-doanh-nghiep") < order.index("c-dang-bo-ubnd")
    assert "Đảng bộ Ủy ban nhân dân tỉnh Tuyên Quang" in page.inner_text("#c-dang-bo-ubnd")
    # the committee's own page: its predecessors and successors, each a page of its own
    page.click("#c-khoi-cac-co-quan a[href$='/provinces/tuyen-quang/khoi-cac-co-quan/']")
    page.wait_for_url("**/provinces/tuyen-quang/khoi-cac-co-quan/")
    page.click("section.lineage a[href$='/provinces/tuyen-quang/khoi-co-quan-va-doanh-nghiep/']")
    page.wait_for_url("**/provinces/tuyen-quang/khoi-co-quan-va-doanh-nghiep/")
    lineage = page.inner_text("section.lineage")
    assert "Đảng bộ Khối các cơ quan tỉnh Tuyên Quang" in lineage and "Đảng bộ Ủy ban nhân dân tỉnh Tuyên Quang" in lineage
    records = list((SITE / "content/records/tuyen-quang/khoi-co-quan-va-doanh-nghiep").glob("*.yaml"))
    assert records and page.locator("table.data tbody tr").count() == len(records)  # a row per record
    page.context.close()
    v2 = visit(browser, served.base + "provinces/tra-vinh/", 1280)
    assert "Từ ngày 01/07/2025 thuộc Vĩnh Long" in v2.page.inner_text("p.status")  # the status line, under the name
    v2.page.click("p.status a[href$='/provinces/vinh-long/']")
    v2.page.wait_for_url("**/provinces/vinh-long/")
    assert v2.page.locator("p.status a[href$='/provinces/tra-vinh/']").count() == 1
    v2.page.context.close()
