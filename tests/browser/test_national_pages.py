"""The pages a national site gets, in a real browser on a phone and a desktop: an indicator charted
province by province (its first page, a province's page, the embed page drawing a province's chart) and
a search page that lists no records, and a province formed in 2025 showing the newest year of a unit
merged into it. No page scrolls sideways, every table has its caption, axe finds no
violation, the charts draw; the Nu HTML Checker finds no error in any of them."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser

from generator.model.problems import Problems
from generator.pipeline import build
from generator.plan import planner
from tests.browser import vendor
from tests.browser.conftest import Site, visit
from tests.browser.test_standards import vnu_messages
from tests.conftest import copy_test_site
from tests.helpers import QuietHandler

PAGES = ["indicators/organizations-excellent/", "indicators/organizations-excellent/tra-vinh/",
         "en/indicators/organizations-good-or-above/lam-dong/", "search/", "en/search/", "provinces/vinh-long/",
         "en/provinces/vinh-long/"]
WIDTHS = (320, 375, 1366)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The test site as a national site is built: each indicator's trend charted by province, a search page
    without records, and province pages of one record; served under /portal/."""
    root = tmp_path_factory.mktemp("www")
    site = copy_test_site(root / "site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner, "INDICATOR_PAGE_SIZE", 0)
        patch.setattr(planner, "SEARCH_PAGE_RECORDS", 0)
        patch.setattr(planner, "PROVINCE_PAGE_SIZE", 1)  # Vĩnh Long shows Trà Vinh's newest year only
        problems = Problems()
        built = build(site, problems, output=root / "portal", base_url="/portal/")
        assert built is not None and not problems.errors, [str(p) for p in problems.sorted()]
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(root, f"http://127.0.0.1:{server.server_address[1]}/portal/")
    server.shutdown()


@pytest.mark.parametrize("path", PAGES)
def test_a_national_page_reads_on_a_phone_and_a_desktop(national: Site, browser: Browser, path: str) -> None:
    v = visit(browser, national.base + path, WIDTHS[0], bypass_csp=True)
    page = v.page
    page.wait_for_load_state("networkidle")
    assert v.console_errors == [] and v.failed == []
    page.add_script_tag(path=str(vendor.axe_path()))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t =>
            !!t.caption && t.caption.textContent.trim().length > 0)""")
        assert all(tables) and (tables or path.endswith("search/"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert [(x["id"], x["impact"]) for x in result["violations"]] == [], width
    if path.startswith(("indicators/", "en/indicators/")) and path.count("/") >= 3:  # its chart is drawn
        assert page.locator(".chart-box canvas").first.is_visible()
    page.context.close()


def test_the_indicators_first_page_leads_to_each_province_and_back(national: Site, browser: Browser) -> None:
    v = visit(browser, national.base + "indicators/organizations-excellent/", WIDTHS[1])
    page = v.page
    links = page.locator("#by-province ~ .table-wrap tbody th a")
    assert links.count() == 2
    links.last.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/portal/indicators/organizations-excellent/tra-vinh/")
    assert page.locator("table[data-orientation=series] tbody tr").count() >= 1
    page.locator("p.status a").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/portal/indicators/organizations-excellent/") and v.failed == []
    page.context.close()


def test_the_embed_page_draws_a_provinces_chart_from_its_page(national: Site, browser: Browser) -> None:
    v = visit(browser, national.base + "embed/organizations-excellent/?in=lam-dong", WIDTHS[1])
    page = v.page
    page.wait_for_selector(".embed-chart .chart-box:not([hidden]) canvas")
    assert "Lâm Đồng" in page.inner_text(".embed-title")
    assert page.get_attribute(".embed-credit a", "href").endswith(
        "/portal/indicators/organizations-excellent/lam-dong/#fig-indicator-organizations-excellent-lam-dong")
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def test_nu_html_checker_reports_no_error_in_the_national_pages(national: Site) -> None:
    pages = [national.root / "portal" / p for p in PAGES] + [national.root / "portal/embed/organizations-excellent"]
    files, messages = vnu_messages(*pages)
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert files >= len(pages) and errors == [], errors
