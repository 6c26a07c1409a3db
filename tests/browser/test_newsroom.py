"""What a newsroom needs from a chart, in Chromium: an embed that fits its frame and credits the newspapers,
a print-ready PNG from any screen, and a compare picker whose legend, boxes, table and address agree."""
from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site, visit
from tests.test_embeds import PLANS

INDICATOR = "indicators/organizations-good-or-above/"
FIG = "#fig-indicator-organizations-good-or-above"  # the lines over the years: one series per province
EMBED = "embed/organizations-good-or-above/"
TRA_VINH, LAM_DONG = "Báo Trà Vinh", "Báo Lâm Đồng"
# Records every text drawn on any canvas, with the width of the canvas it went to.
RECORD_TEXT = """(() => { window.__drawn = []; const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    window.__drawn.push({text: String(text), width: this.canvas.width}); return fill.call(this, text, ...rest); }; })()"""


def _checked(page: Page) -> list[str]:
    return page.eval_on_selector_all(FIG + " fieldset.compare input", "els => els.filter(e => e.checked).map(e => e.value)")


def _rows_shown(page: Page) -> list[str]:
    return page.eval_on_selector_all(FIG + " tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.key)")


def _visible(page: Page) -> list[str]:
    return page.evaluate(f"""() => {{ const c = document.querySelector('{FIG} canvas').chart;
        return c.data.datasets.filter((d, i) => c.isDatasetVisible(i)).map(d => d.key); }}""")


def _click_legend(page: Page, key: str) -> None:
    """Click the chart's own legend entry of the series `key`, where Chart.js drew it, once the chart
    has finished its last animation (as a reader's next click comes after the chart has settled)."""
    page.wait_for_function(f"() => !Chart.animator.running(document.querySelector('{FIG} canvas').chart)")
    before = _checked(page)
    box = page.evaluate(f"""key => {{ const canvas = document.querySelector('{FIG} canvas'), c = canvas.chart;
        const i = c.data.datasets.findIndex(d => d.key === key), hit = c.legend.legendHitBoxes[i];
        canvas.scrollIntoView({{block: 'center'}}); const r = canvas.getBoundingClientRect();
        return {{x: r.left + hit.left + hit.width / 2, y: r.top + hit.top + hit.height / 2}}; }}""", key)
    page.mouse.click(box["x"], box["y"])
    # Chart.js handles a click in the next animation frame: wait for the boxes to answer it.
    page.wait_for_function(f"""before => JSON.stringify([...document.querySelectorAll('{FIG} fieldset.compare input')]
        .filter(e => e.checked).map(e => e.value)) !== JSON.stringify(before)""", arg=before)


def _embed_code(page: Page) -> str:
    page.click(FIG + " details.embed summary")
    return page.input_value(FIG + " details.embed textarea")


def _src(code: str) -> str:
    return html.unescape(re.search(r'src="([^"]+)"', code).group(1))  # type: ignore[union-attr]


def test_the_picker_sits_above_the_chart_with_finger_sized_choices(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR, 375)
    page = v.page
    picker = page.locator(FIG + " fieldset.compare").bounding_box()
    chart = page.locator(FIG + " .chart-box").bounding_box()
    assert picker and chart and picker["y"] + picker["height"] <= chart["y"]  # tick a box, see the chart change
    targets = page.locator(FIG + " fieldset.compare label, " + FIG + " fieldset.compare button")
    assert targets.count() == 4  # two provinces, "all" and "none"
    for i in range(targets.count()):
        box = targets.nth(i).bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, targets.nth(i).inner_text()
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def test_legend_boxes_table_and_address_stay_in_step(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR + "?lang=x", 375)  # another parameter is kept as it was
    page = v.page
    _click_legend(page, "lam-dong")  # the legend hides a province: its box, its row and the address follow
    assert _checked(page) == ["tra-vinh"] and _rows_shown(page) == ["tra-vinh"] and _visible(page) == ["tra-vinh"]
    assert page.evaluate("location.search") == "?lang=x&p=tra-vinh"
    _click_legend(page, "lam-dong")  # and shows it again
    assert _checked(page) == ["lam-dong", "tra-vinh"] and _rows_shown(page) == ["lam-dong", "tra-vinh"]
    assert page.evaluate("location.search") == "?lang=x"
    page.uncheck(FIG + " fieldset.compare input[value=tra-vinh]")  # the reverse: a box moves the chart's legend
    assert _visible(page) == ["lam-dong"] and _rows_shown(page) == ["lam-dong"]
    hidden = page.evaluate(f"() => document.querySelector('{FIG} canvas').chart.legend.legendItems.map(i => i.hidden)")
    assert hidden == [False, True]
    assert page.evaluate("location.search") == "?lang=x&p=lam-dong"
    page.click(FIG + " fieldset.compare [data-action=all]")
    page.uncheck(FIG + " fieldset.compare input[value=lam-dong]")
    page.check(FIG + " fieldset.compare input[value=lam-dong]")
    page.click(FIG + " fieldset.compare [data-action=none]")
    assert page.evaluate("location.search") == "?lang=x&p=" and _visible(page) == [] and _rows_shown(page) == []
    assert "%2C" not in page.url
    assert v.console_errors == [] and v.failed == []
    page.context.close()
    v2 = visit(browser, served.base + INDICATOR + "?p=lam-dong,tra-vinh", 375)  # a hand-written list of two
    assert _checked(v2.page) == ["lam-dong", "tra-vinh"] and _visible(v2.page) == ["lam-dong", "tra-vinh"]
    v2.page.context.close()


def _png(page: Page) -> tuple[bytes, list[dict]]:
    page.evaluate("window.__drawn = []")
    with page.expect_download() as info:
        page.click(FIG + " [data-action=png]")
    return Path(info.value.path()).read_bytes(), page.evaluate("window.__drawn")


def _painted(page: Page, data: bytes) -> dict:
    """Decode the PNG in the page and count its coloured pixels: the series (the text is black or grey)."""
    return page.evaluate("""async b64 => {
        const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, img.width, img.height).data;
        let painted = 0;
        for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 80) painted++;
        return {width: img.width, height: img.height, painted}; }""", base64.b64encode(data).decode())


def test_png_is_print_ready_from_a_phone(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR + "?p=tra-vinh", 375)
    page = v.page
    page.evaluate(RECORD_TEXT)
    data, drawn = _png(page)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = _painted(page, data)
    assert image["width"] >= 1200 and int.from_bytes(data[16:20], "big") == image["width"]
    assert image["painted"] > 3000  # the series is drawn, not only a title on a white sheet
    framed = [d["text"] for d in drawn if d["width"] == image["width"]]  # what was written around the chart
    joined = " ".join(framed)  # (a long title or credit wraps onto several lines)
    assert joined.startswith(page.inner_text(FIG + " figcaption") + " Số liệu cả năm: 20")  # title, then period
    credit = joined[joined.index("Nguồn:"):]
    assert TRA_VINH in credit and LAM_DONG not in credit and re.search(r"\(\d{2}/\d{4}\)", credit)  # paper, date
    assert framed[-1].endswith("/portal/" + INDICATOR + "?p=tra-vinh")  # the portal address, selection and all
    years = page.evaluate(f"""() => {{ const s = document.querySelector('{FIG} canvas').spec;
        const d = s.datasets.find(d => d.key === 'tra-vinh'); return s.labels.filter((l, i) => d.data[i] !== null); }}""")
    chart_texts = {d["text"] for d in drawn if d["width"] not in (image["width"], 0)}
    assert {t for t in chart_texts if re.fullmatch(r"\d{4}", t)} == set(years)  # no empty years
    assert "Lâm Đồng" not in chart_texts  # only the selected series, no struck-through legend entry
    page.context.close()


def test_png_leaves_out_a_series_hidden_from_the_legend(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "provinces/tra-vinh/", 375)
    page = v.page
    page.evaluate(RECORD_TEXT)
    fig = "#fig-tra-vinh-organizations"  # stacked levels: the legend is the only way to hide one
    legend = page.evaluate(f"() => document.querySelector('{fig} canvas').chart.data.datasets.map(d => d.label)")
    assert len(legend) >= 2
    box = page.evaluate(f"""() => {{ const canvas = document.querySelector('{fig} canvas'), hit = canvas.chart.legend.legendHitBoxes[0];
        canvas.scrollIntoView({{block: 'center'}}); const r = canvas.getBoundingClientRect(); return {{x: r.left + hit.left + hit.width / 2, y: r.top + hit.top + hit.height / 2}}; }}""")
    page.mouse.click(box["x"], box["y"])
    page.wait_for_function(f"() => !document.querySelector('{fig} canvas').chart.isDatasetVisible(0)")
    page.evaluate("window.__drawn = []")
    with page.expect_download() as info:
        page.click(fig + " [data-action=png]")
    assert int.from_bytes(Path(info.value.path()).read_bytes()[16:20], "big") >= 1200
    texts = {d["text"] for d in page.evaluate("window.__drawn") if d["width"] >= 1200}  # the PNG's, not the page's
    assert legend[0] not in texts and all(label in texts for label in legend[1:])
    page.context.close()


def test_csv_and_embed_follow_the_selection(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR + "?p=tra-vinh", 1280)
    page = v.page
    with page.expect_download() as info:
        page.click(FIG + " [data-action=csv]")
    lines = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["Trà Vinh"]
    assert ",," not in lines[0] and not lines[1].endswith(",")  # no empty years
    code = _embed_code(page)
    assert urlsplit(_src(code)).path == "/portal/" + EMBED and urlsplit(_src(code)).query == "p=tra-vinh"
    page.check(FIG + " fieldset.compare input[value=lam-dong]")
    assert urlsplit(_src(page.input_value(FIG + " details.embed textarea"))).query == ""  # all: no list
    page.uncheck(FIG + " fieldset.compare input[value=tra-vinh]")
    assert urlsplit(_src(page.input_value(FIG + " details.embed textarea"))).query == "p=lam-dong"
    page.context.close()


def test_embed_shows_the_chart_and_credits_the_newspaper_without_chrome(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + EMBED + "?p=tra-vinh", 375)
    page = v.page
    page.wait_for_function("() => !!document.querySelector('main canvas').chart")
    assert page.evaluate("document.querySelector('main canvas').chart.data.datasets.map(d => d.key)") == ["tra-vinh"]
    assert page.inner_text("h1") == page.evaluate("document.title") or "Đảng" in page.inner_text("h1")
    assert re.search(r"20\d\d", page.inner_text(".embed-period"))
    credit = page.inner_text(".embed-credit")
    assert TRA_VINH in credit and LAM_DONG not in credit
    link = page.locator(".embed-credit a")
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")
    assert link.get_attribute("href") == "/portal/" + INDICATOR + "?p=tra-vinh" + FIG
    assert page.locator("header, nav, footer, button, form, textarea").count() == 0  # no tool chrome
    assert "script-src 'self'" in (page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content") or "")
    # the credit comes before the chart, so a frame cut short still shows it
    assert page.locator(".embed-credit").bounding_box()["y"] < page.locator(".chart-box").bounding_box()["y"]  # type: ignore[index]
    assert v.console_errors == [] and v.failed == []  # a CSP violation would be reported here
    page.context.close()


def test_one_embed_page_serves_every_province_chart(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "provinces/tra-vinh/", 1280)
    src = v.page.get_attribute("#fig-tra-vinh-organizations", "data-embed")
    assert src == "/portal/embed/province/organizations/?province=tra-vinh"
    v.page.context.close()
    e = visit(browser, served.base + src.removeprefix("/portal/"), 640)
    e.page.wait_for_function("() => !!document.querySelector('main canvas').chart")
    assert e.page.inner_text("h1").startswith("Trà Vinh")
    assert TRA_VINH in e.page.inner_text(".embed-credit")
    assert e.page.get_attribute(".embed-credit a", "href") == "/portal/provinces/tra-vinh/#fig-tra-vinh-organizations"
    assert e.console_errors == [] and e.failed == []
    e.page.context.close()
    bad = visit(browser, served.base + "embed/province/organizations/?province=../../data", 640)
    assert bad.page.locator(".chart-box").is_hidden() and bad.page.get_attribute(".embed-credit a", "href") == "/portal/provinces/"
    assert bad.console_errors == [] and bad.failed == []
    bad.page.context.close()


def test_embed_without_javascript_keeps_title_credit_and_link(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + EMBED + "?p=tra-vinh", 375, javascript=False)
    page = v.page
    assert page.locator("h1").is_visible() and page.inner_text("h1")
    assert page.locator(".embed-credit").is_visible() and page.inner_text(".embed-credit").startswith("Nguồn")
    assert page.get_attribute(".embed-credit a", "href") == "/portal/" + INDICATOR
    assert page.locator(".chart-box").is_hidden()  # no empty hole
    page.context.close()


def _article(browser: Browser, site: Site, snippet: str) -> Page:
    """A newspaper's article with the snippet pasted in (served beside the portal: Chromium refuses a frame of
    127.0.0.1 in a page of another loopback name)."""
    article = ("<!doctype html><html lang=vi><head><meta charset=utf-8><title>Bài báo</title></head><body>"
               f"<p>Bài viết.</p>{snippet}<p>Hết.</p></body></html>")
    return visit(browser, site.base.replace("/portal/", "/article.html"), 375, html=article).page


def test_the_snippet_fits_the_frame_to_the_embed(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR + "?p=tra-vinh", 1280)
    code = _embed_code(v.page)
    v.page.context.close()
    page = _article(browser, served, code)
    page.frame_locator("iframe").locator("main canvas").wait_for()
    page.wait_for_function("() => document.querySelector('iframe').style.height !== ''")
    inner = page.frames[1].evaluate("Math.ceil(document.querySelector('main').getBoundingClientRect().bottom)")
    outer = page.locator("iframe").bounding_box()
    assert outer and abs(outer["height"] - inner) <= 2, (outer, inner)
    before = page.evaluate("document.querySelector('iframe').style.height")
    page.evaluate("window.postMessage({portalEmbedHeight: 5}, '*')")  # not from the frame: ignored
    page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('iframe').style.height") == before
    page.context.close()


def test_without_the_script_the_default_frame_still_shows_the_credit(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + INDICATOR + "?p=tra-vinh", 1280)
    code = _embed_code(v.page)
    v.page.context.close()
    frame_only = code.split("<script>")[0]
    page = _article(browser, served, frame_only)
    page.frame_locator("iframe").locator("main canvas").wait_for()
    outer = page.locator("iframe").bounding_box()
    credit = page.frame_locator("iframe").locator(".embed-credit").bounding_box()
    assert outer and credit and credit["y"] + credit["height"] <= outer["y"] + outer["height"]
    assert TRA_VINH in page.frame_locator("iframe").locator(".embed-credit").inner_text()
    page.context.close()


def test_with_chartjs_blocked_the_embed_keeps_its_credit_and_the_page_its_table(served: Site, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    page.goto(served.base + EMBED + "?p=tra-vinh")
    page.wait_for_load_state("load")
    assert page.locator(".embed-credit").is_visible() and page.locator(".chart-box").is_hidden()
    assert page.get_attribute(".embed-credit a", "href") == "/portal/" + INDICATOR
    page.goto(served.base + INDICATOR + "?p=tra-vinh")
    page.wait_for_load_state("load")
    assert page.locator(FIG + " table").is_visible() and page.locator(FIG + " .chart-box").is_hidden()
    assert page.locator(FIG + " fieldset.compare").is_hidden() and page.locator(FIG + " .chart-tools").is_hidden()
    assert errors == []
    context.close()


def test_a_choice_of_several_reads_as_a_clean_list_in_the_address_and_the_embed(served: Site, browser: Browser) -> None:
    fig = "#fig-tuyen-quang-admissions"  # three committees of one province: a choice of two is a real list
    v = visit(browser, served.base + "provinces/tuyen-quang/", 375)
    page = v.page
    keys = page.eval_on_selector_all(fig + " fieldset.compare input", "els => els.map(e => e.value)")
    assert len(keys) == 3
    page.uncheck(f"{fig} fieldset.compare input[value='{keys[1]}']")
    assert page.evaluate("location.search") == f"?p={keys[0]},{keys[2]}"  # a comma, not %2C
    page.click(fig + " details.embed summary")
    src = _src(page.input_value(fig + " details.embed textarea"))
    assert src.endswith(f"/portal/embed/province/admissions/?province=tuyen-quang&p={keys[0]},{keys[2]}")
    page.context.close()
    e = visit(browser, src, 640)
    e.page.wait_for_function("() => !!document.querySelector('main canvas').chart")
    assert e.page.evaluate("document.querySelector('main canvas').chart.data.datasets.map(d => d.key)") == [keys[0], keys[2]]
    assert e.page.inner_text("h1").startswith("Tuyên Quang")
    assert e.console_errors == [] and e.failed == []
    e.page.context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_charts_draw_the_planned_numbers_read_from_their_tables(served: Site, browser: Browser, lang: str) -> None:
    """The table is a chart's only copy of its numbers: read back from the cells as each edition writes
    them (6.027 and 92,94%; 6,027 and 92.94%; "gần", "about", a derivation's "*"), they are the plan's."""
    planned = {c.id: [[None if x is None else float(x.number) for x in s.values] for s in c.series]
               for p in PLANS[lang] if p.template != "embed" for c in getattr(p.context, "charts", [])}
    urls = sorted({p.url for p in PLANS[lang] if p.template in ("home", "province") and getattr(p.context, "charts", [])}
                  | {INDICATOR, "indicators/admissions/"})
    seen = set()
    for url in urls:
        v = visit(browser, served.base + ("" if lang == "vi" else "en/") + url, 1280)
        drawn = v.page.evaluate("""[...document.querySelectorAll('canvas[data-chart]')].map(
            c => [c.id.replace(/^chart-/, ''), c.chart.data.datasets.map(d => d.data)])""")
        for cid, data in drawn:
            assert data == planned[cid], (url, cid)
            seen.add(cid)
        v.page.context.close()
    assert len(seen) >= 8
