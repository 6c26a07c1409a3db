"""What a reader gets, checked in Chromium: the number, its period and its source on the first screen;
charts only where the data has a trend; sources and derivations one tap away; labels as a person writes
them; the 2025 history; a home page that says something; English without leaks; absolute hreflang."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from generator.cli import main
from generator.render.labels import load_labels
from tests.browser.conftest import ARTIFACTS, Site, visit
from tests.goldens import SITE

PROVINCE = "provinces/tra-vinh/"
EDITIONS = ("", "en/")
REPO = Path(__file__).resolve().parents[2]
# Letters only Vietnamese uses: a text with one of them outside lang="vi" on an English page is a leak.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def _tops(page: Page, selectors: list[str]) -> list[float]:
    return [page.locator(s).first.bounding_box()["y"] for s in selectors]  # type: ignore[index]


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The portal's own content built once, for the page-length checks on real records."""
    out = tmp_path_factory.mktemp("production") / "portal"
    assert main(["build", "--site", str(REPO), "--base-url", "/portal/", "--output", str(out)]) == 0
    yield out


@pytest.mark.parametrize("edition", EDITIONS)
def test_province_page_puts_the_number_first(served: Site, browser: Browser, edition: str) -> None:
    v = visit(browser, served.base + edition + PROVINCE, 375)
    page = v.page
    figure = page.locator(".headline dd.figure").first
    assert figure.bounding_box()["y"] <= 600  # type: ignore[index]
    # name, status line, headline cards, then charts and figures, then the sources, then the lineage
    order = _tops(page, ["h1", "p.status", ".headline", "section.record", "#sources", "section.lineage"])
    assert order == sorted(order), order
    status = page.locator("p.status")
    assert status.locator(f"a[href$='/{edition}provinces/vinh-long/']").count() == 1
    for card in page.locator(".headline .card").all():
        text = card.inner_text()
        assert re.search(r"20\d\d", text), text  # its period
        link = card.locator("a.source")
        assert link.count() >= 1 and "Trà Vinh" in link.first.inner_text()  # its publisher
        assert link.first.get_attribute("href", timeout=1000) == "https://www.baotravinh.vn"
    # one decimal in the cards; the exact figure stays in the table
    assert page.locator(".headline dd.figure").first.inner_text().strip() in ("92,9%", "92.9%")
    exact = page.inner_text("#r-khoi-co-quan-va-doanh-nghiep-2022")
    assert "92,94%" in exact or "92.94%" in exact
    page.context.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_indicator_page_puts_a_number_and_its_source_on_the_first_phone_screen(
        served: Site, browser: Browser, edition: str) -> None:
    """The ranking's bars show no numbers: on a phone its table (figures and sources) comes first."""
    v = visit(browser, served.base + edition + "indicators/organizations-good-or-above/", 375)
    row = v.page.locator("figure.chart-hbar tbody tr").first
    figure = row.locator("td").first.bounding_box()
    source = row.locator("td.source a.source").first.bounding_box()
    assert figure is not None and source is not None
    assert figure["y"] + figure["height"] <= 812 and source["y"] + 10 <= 812  # the figure whole, its link in reach
    v.page.context.close()


@pytest.mark.parametrize("edition", EDITIONS)
def test_year_page_shows_each_rows_first_figure_beside_its_province_on_a_phone(
        served: Site, browser: Browser, edition: str) -> None:
    """A year's table is wider than a phone: its rows' first figures must still show without scrolling
    sideways, beside the province and period they belong to, the first of them on the first screen."""
    v = visit(browser, served.base + edition + "years/2019/", 320)
    for width in (320, 375):
        v.page.set_viewport_size({"width": width, "height": 812})
        rows = v.page.locator("table.records tbody tr").all()
        assert len(rows) >= 3
        for row in rows:
            name, figure = row.locator("th").bounding_box(), row.locator("td:not(.period)").first.bounding_box()
            assert name is not None and figure is not None
            assert figure["x"] + figure["width"] <= width, (width, row.inner_text())
            assert abs(figure["y"] - name["y"]) < 2  # in the row of its name
        first = rows[0].locator("td:not(.period)").first.bounding_box()
        assert first is not None and first["y"] + first["height"] <= 812
    v.page.context.close()


def test_committee_page_puts_its_figures_before_its_history(served: Site, browser: Browser) -> None:
    page = visit(browser, served.base + "provinces/tuyen-quang/khoi-co-quan-va-doanh-nghiep/", 375).page
    table, lineage = _tops(page, ["table.data tbody tr", "section.lineage"])
    assert table < lineage and table <= 900, (table, lineage)  # the first record on the first screen or just below
    page.context.close()


def test_production_tra_vinh_page_is_short_on_a_phone(production: Path, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page.goto((production / "provinces/tra-vinh/index.html").as_uri())
    assert page.locator(".headline dd.figure").first.bounding_box()["y"] <= 600  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollHeight") <= 5000
    page.close()


def _payloads(page: Page) -> list[dict[str, object]]:
    """Each chart as drawn: its kind from its JSON block, its labels and numbers read from its table."""
    return page.evaluate("""[...document.querySelectorAll('canvas[data-chart]')].map(c => ({kind: c.spec.kind,
                            labels: c.spec.labels, datasets: c.spec.datasets.map(d => ({data: d.data}))}))""")


@pytest.mark.parametrize("path", ["provinces/tra-vinh/", "provinces/tuyen-quang/", "provinces/lam-dong/",
                                  "years/2019/", "years/2022/", "indicators/organizations-good-or-above/",
                                  "indicators/admissions-percent-of-target/", ""])
def test_charts_are_chosen_from_the_data(served: Site, browser: Browser, path: str) -> None:
    v = visit(browser, served.base + path, 1366)
    for spec in _payloads(v.page):
        points = [x for d in spec["datasets"] for x in d["data"] if x is not None]  # type: ignore[index, union-attr]
        if spec["kind"] == "hbar":
            if path.startswith("years/"):
                assert len(spec["labels"]) >= 2, spec  # type: ignore[arg-type]  # a ranking needs two provinces
            else:
                assert all(re.fullmatch(r".+ \(\d{4}\)", label) for label in spec["labels"]), spec  # type: ignore[union-attr]
        else:  # over the years: two or more full years, and each line has two points or more
            assert len(spec["labels"]) >= 2, spec  # type: ignore[arg-type]
            if spec["kind"] == "line":
                assert all(sum(x is not None for x in d["data"]) >= 2 for d in spec["datasets"])  # type: ignore[union-attr, index]
        assert points
    canvases = v.page.locator("canvas[data-chart]")
    for i in range(canvases.count()):
        drawn = canvases.nth(i).evaluate("""c => ({tick: c.chart.options.scales[c.spec.kind === 'hbar' ? 'x' : 'y']
              .ticks.callback(50), percent: c.spec.percent, reference: c.chart.config.plugins.map(p => p.id)})""")
        assert drawn["tick"].endswith("%") == drawn["percent"], drawn
        if "percent-of-target" in path:
            assert drawn["percent"] and "reference" in drawn["reference"], drawn
    assert v.console_errors == [] and v.failed == []
    v.page.context.close()


def test_single_year_pages_draw_no_trend(served: Site, browser: Browser) -> None:
    """Trà Vinh's test records hold two full years, Tuyên Quang's bloc committee one: no chart of one point."""
    v = visit(browser, served.base + "provinces/tuyen-quang/", 1366)
    for spec in _payloads(v.page):
        assert len(spec["labels"]) >= 2  # type: ignore[arg-type]
    v.page.context.close()


@pytest.mark.parametrize("javascript", [False, True])
def test_a_chart_that_cannot_draw_leaves_no_hole(served: Site, browser: Browser, javascript: bool) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("http://127.0.0.1") else r.abort())
    page.goto(served.base + "indicators/organizations-good-or-above/")
    page.wait_for_load_state("load")
    figures = page.locator("figure.chart")
    assert figures.count() >= 1
    for i in range(figures.count()):
        fig = figures.nth(i)
        assert fig.locator(".chart-box").is_hidden()  # no empty box where the chart would be
        assert fig.locator("table").is_visible()
        caption = fig.locator("figcaption").bounding_box()
        table = fig.locator(".table-wrap").bounding_box()
        assert table["y"] - (caption["y"] + caption["height"]) < 60  # type: ignore[index]  # the table follows
    context.close()


def test_sources_and_derivations_are_one_tap_away(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + PROVINCE, 375)
    page = v.page
    # the article address is unknown: the link says it is only the newspaper's home page
    for link in page.locator(".headline a.source, #r-khoi-co-quan-va-doanh-nghiep-2022 a.source").all():
        text = link.inner_text()
        assert "Báo Trà Vinh" in text and "trang chủ" in text and "không rõ địa chỉ bài" in text, text
    assert page.locator("main [title]").count() == 0  # nothing explained only on hover
    how = page.locator("details.how summary").first
    how.focus()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert page.locator("details.how .how-text").first.is_visible()
    assert page.locator("details.how .how-text").first.inner_text().startswith("= ")
    # a share shows its base
    assert "trên 85 được xếp loại" in page.inner_text(".headline")
    assert page.locator("th", has_text="Tỷ lệ trên 85 được xếp loại").count() >= 1
    page.context.close()
    year = visit(browser, served.base + "years/2022/", 375).page
    for row in year.locator("table.data tbody tr").all():
        assert row.locator("a.source").count() >= 1  # every table row links to its source
    year.context.close()


@pytest.mark.parametrize("path", [PROVINCE, "provinces/lam-dong/", "indicators/admissions/", ""])
def test_every_chart_table_row_names_its_source(served: Site, browser: Browser, path: str) -> None:
    """A row of a chart's table (a year, a ranked province, a province over the years) links to the
    articles its figures come from, naming the newspaper and saying whether the link is the article or
    only the newspaper's site."""
    words = load_labels("vi")["site"]
    page = visit(browser, served.base + path, 1366).page
    rows = page.locator("figure.chart table tbody tr").all()
    assert rows, path  # (no test year has two provinces with the same figure: year pages rank nothing)
    for row in rows:
        links = row.locator("td.source a.source").all()
        assert links, row.inner_text()
        for link in links:
            assert (link.get_attribute("href") or "").startswith(("https://", "http://"))
            assert link.locator("span[lang=vi]").inner_text().strip()  # the publisher
            text = link.inner_text()
            assert words["source_article_short"] in text or words["source_site_only_short"] in text, text
    page.context.close()


def test_labels_read_as_a_person_writes_them(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "provinces/tuyen-quang/", 1366)
    page = v.page
    text = page.inner_text("main")
    assert "Quý I/2022 (đến 31/03/2022)" in text
    assert "trở lên%" not in text and "(Quý I-2022)" not in text
    for heading in page.locator("section.record h3").all():
        if "Quý" in heading.inner_text():
            assert heading.locator(".badge").is_visible()  # a partial period carries its badge
    page.context.close()
    for path in ("", PROVINCE, "provinces/vinh-long/", "years/2022/", "years/2025/", "provinces/tuyen-quang/"):
        page = visit(browser, served.base + path, 1366).page
        notes = page.locator("main .note, main .legend").all_inner_texts()
        assert len(notes) == len(set(notes)), notes  # no repeated notes
        empty = page.evaluate("""[...document.querySelectorAll('main h1, main h2, main h3, main h4')].filter(h => {
            let n = h.closest('figcaption') ? h.closest('figure').nextElementSibling : h.nextElementSibling;
            return !h.textContent.trim() || (!h.closest('figcaption') && (!n || /^H[1-4]$/.test(n.tagName)
              && n.tagName <= h.tagName)); }).map(h => h.textContent)""")
        assert empty == [], (path, empty)  # no empty headings, none left without content
        if path == "":
            assert "bản ghi cả năm mới nhất" in page.inner_text("main")  # which record counts as latest
            for row in page.locator("#latest-h ~ .table-wrap tbody tr").all():  # never a row of dashes
                assert any(t.strip() != "–" for t in row.locator("td:not(.period)").all_inner_texts())
        page.context.close()


def test_a_target_reads_from_n_percent_up(served: Site, browser: Browser) -> None:
    page = visit(browser, served.base + PROVINCE, 1366).page
    targets = " ".join(page.locator("section.record ul").all_inner_texts())
    assert re.search(r"từ \d+(,\d+)?% trở lên", targets), targets
    page.context.close()


def test_the_2025_history_is_legible(served: Site, browser: Browser) -> None:
    page = visit(browser, served.base + "provinces/vinh-long/", 1366).page
    merged = page.locator("section.merged")
    assert merged.locator("a[href*='/provinces/tra-vinh/#r-']").count() >= 1  # Trà Vinh's records listed here
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert {"unit-old", "unit-new"} <= set(ids)  # the old and the new Vĩnh Long, told apart
    here = page.url.split("#")[0]
    self_links = page.evaluate("h => [...document.querySelectorAll('main a')].filter(a => a.href === h).length", here)
    assert self_links == 0
    page.context.close()


def test_home_page_says_something(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base, 375)
    page = v.page
    lead = page.inner_text("p.lead")
    assert re.search(r"\d", lead), lead  # one sentence of what the data shows
    assert page.locator("figure.chart").count() == 1
    coverage, latest = _tops(page, ["table.coverage", "#latest-h"])
    assert coverage < latest  # the coverage grid comes early
    facts = page.inner_text("p.facts-line")
    records = len(list((SITE / "content/records").rglob("*.yaml")))
    assert f"{records} bản ghi" in facts and re.search(r"\d{2}/\d{2}/\d{4}|\d{2}/\d{4}", facts), facts
    for year in page.locator("table.coverage thead th a").all():
        box = year.bounding_box()
        assert box is not None and box["height"] < 30 and box["width"] > 30  # a year heading reads on one line
    v.page.context.close()


def test_english_pages_leak_no_vietnamese(served: Site, browser: Browser) -> None:
    names = [n.strip() for n in re.findall(r"name: ([^\n]+)", (SITE / "content/provinces.yaml").read_text("utf-8")
                                                + (SITE / "content/committees.yaml").read_text("utf-8"))]
    # proper names only (tests/test_english_lang.py states the rule and checks every English file);
    # approximation and period words must be marked lang="vi", never allowed here
    names += ["Báo Trà Vinh", "Báo Tuyên Quang", "Báo Lâm Đồng"]
    names.sort(key=len, reverse=True)
    for path in ("en/", "en/" + PROVINCE, "en/provinces/vinh-long/", "en/years/2022/",
                 "en/indicators/organizations-good-or-above/"):
        page = visit(browser, served.base + path, 1366).page
        assert page.get_attribute("meta[property='og:locale']", "content") == "en_US"
        assert not VIETNAMESE.search(page.get_attribute("meta[name=description]", "content") or "")
        texts = page.evaluate("""() => { const out = []; const w = document.createTreeWalker(document.body, 4);
            while (w.nextNode()) { const n = w.currentNode, p = n.parentElement;
              if (!p.closest('[lang=vi], script, style') && n.textContent.trim()) out.push(n.textContent); }
            return out; }""")
        leaks = []
        for text in texts:
            for name in names:
                text = text.replace(name, "")
            if VIETNAMESE.search(text):
                leaks.append(text.strip())
        assert leaks == [], (path, leaks[:10])
        page.context.close()


def test_hreflang_and_canonical_are_absolute_with_an_absolute_base(test_site_output: Path, browser: Browser) -> None:
    out = test_site_output  # the test site's https:// base
    page = browser.new_page(java_script_enabled=False)
    for path in ("index.html", "en/provinces/tra-vinh/index.html", "years/2022/index.html"):
        page.goto((out / path).as_uri())
        links = page.locator("link[rel=canonical], link[rel=alternate][hreflang]")
        assert links.count() >= 4
        for i in range(links.count()):
            assert (links.nth(i).get_attribute("href") or "").startswith("https://example.org/portal/")
    page.close()


@pytest.mark.parametrize("width", [375, 1366])
def test_screenshots(served: Site, browser: Browser, width: int) -> None:
    """Pictures of a province, a year and an indicator page in both editions, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for edition in EDITIONS:
        for name, path in (("province", PROVINCE), ("year", "years/2022/"),
                           ("indicator", "indicators/admissions-percent-of-target/")):
            v = visit(browser, served.base + edition + path, width)
            v.page.wait_for_timeout(100)
            shot = ARTIFACTS / f"{name}-{edition.strip('/') or 'vi'}-{width}.png"
            v.page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 0 and v.console_errors == []
            v.page.context.close()
