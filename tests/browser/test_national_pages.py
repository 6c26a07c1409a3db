"""The pages a national site gets, in a real browser on a phone and a desktop: an indicator charted
province by province (its first page, a province's page, the embed page drawing a province's chart) and
a search page that lists no records, and a province formed in 2025 showing the newest year of a unit
merged into it. No page scrolls sideways, every table has its caption, axe finds no
violation, the charts draw; the Nu HTML Checker finds no error in any of them."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Site, assert_reads_at, built_and_served, visit
from tests.browser.test_standards import vnu_messages
from tests.conftest import copy_test_site

PAGES = ["indicators/organizations-excellent/", "indicators/organizations-excellent/tra-vinh/",
         "en/indicators/organizations-good-or-above/lam-dong/", "search/", "en/search/", "provinces/vinh-long/",
         "en/provinces/vinh-long/"]
WIDTHS = (320, 375, 1366)


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The test site as a national site is built: each indicator's trend charted by province, a search page
    without records, and province pages of one record; served under /portal/."""
    root = tmp_path_factory.mktemp("www")
    with built_and_served(root, copy_test_site(root / "site"), {
            "INDICATOR_PAGE_FIGURES": 0, "SEARCH_PAGE_RECORDS": 0,
            "PROVINCE_PAGE_SIZE": 1}) as site:  # Vĩnh Long then shows Trà Vinh's newest year only
        yield site


@pytest.mark.parametrize("path", PAGES)
def test_a_national_page_reads_on_a_phone_and_a_desktop(national: Site, browser: Browser, path: str) -> None:
    v = visit(browser, national.base + path, WIDTHS[0], bypass_csp=True)
    page = v.page
    page.wait_for_load_state("networkidle")
    assert v.console_errors == [] and v.failed == []
    assert_reads_at(page, WIDTHS, tables=not path.endswith("search/"))
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


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith(("indicators/", "en/indicators/"))])
def test_an_indicators_first_figure_is_on_a_phones_first_screen(national: Site, browser: Browser, path: str) -> None:
    """Read as the table (before the chart is drawn, or without it), the first figure is on the first
    375 × 812 screen; the links back to every province and to the province's page come after the chart."""
    v = visit(browser, national.base + path, WIDTHS[1], javascript=False)
    page = v.page
    page.set_viewport_size({"width": WIDTHS[1], "height": 812})
    assert page.locator("table.data td").first.bounding_box()["y"] < 812  # type: ignore[index]
    if path.count("/") >= 3:
        assert page.locator("p.status").bounding_box()["y"] > page.locator("table.data").first.bounding_box()["y"]  # type: ignore[index]
    page.context.close()
