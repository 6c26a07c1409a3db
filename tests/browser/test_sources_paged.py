"""The pages of a paged "sources reviewed" list, and a year's records listed by province, in a real
browser on a phone and a desktop: no page scrolls sideways, every table has its caption, axe finds no
violation, the index's links open; the Nu HTML Checker finds no error in any of them."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Site, assert_reads_at, built_and_served, visit
from tests.browser.test_standards import vnu_messages
from tests.conftest import copy_portal

PAGES = ["sources/", "sources/hai-duong/", "sources/_other/", "en/sources/", "en/sources/son-la/",
         "years/2022/", "en/years/2021/"]
WIDTHS = (375, 1366)


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The portal, its 25 articles paged five at a time and its years of more than two records listed by
    province, served under /portal/."""
    root = tmp_path_factory.mktemp("www")
    with built_and_served(root, copy_portal(root / "site"), {"SOURCES_PAGE_SIZE": 5, "YEAR_PAGE_SIZE": 2}) as site:
        yield site


@pytest.mark.parametrize("path", PAGES)
def test_a_paged_sources_page_reads_on_a_phone_and_a_desktop(paged: Site, browser: Browser, path: str) -> None:
    v = visit(browser, paged.base + path, WIDTHS[0], bypass_csp=True)
    page = v.page
    assert v.console_errors == [] and v.failed == []
    assert_reads_at(page, WIDTHS, tables=not path.startswith(("years/", "en/years/")))  # a year may rank nothing
    page.context.close()


def test_the_index_leads_to_each_province_page(paged: Site, browser: Browser) -> None:
    v = visit(browser, paged.base + "sources/", WIDTHS[0])
    page = v.page
    links = page.locator("table.sources-places tbody th a")
    assert links.count() == 18  # 17 provinces, then the articles naming no province
    links.last.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/portal/sources/_other/")
    assert page.locator("table.sources-reviewed tbody tr").count() == 1
    page.get_by_role("link", name="Danh sách theo tỉnh, thành phố").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/portal/sources/") and v.failed == []
    page.context.close()


def test_a_year_listed_by_province_leads_to_each_record(paged: Site, browser: Browser) -> None:
    v = visit(browser, paged.base + "years/2022/", WIDTHS[0])
    page = v.page
    lines = page.locator(".record-index li[id^=row-]")
    assert lines.count() == 5
    anchor = lines.first.get_attribute("id")
    target = lines.first.locator("a").get_attribute("href")
    lines.first.locator("a").click()
    page.wait_for_load_state("load")
    assert target and page.url.endswith(target) and v.failed == []
    assert page.locator(f"#{target.split('#')[1]}").is_visible()
    page.goto(paged.base + f"years/2022/#{anchor}")  # a row's address from before the listing still lands
    assert page.locator(f"#{anchor}").is_visible()
    page.context.close()


def test_nu_html_checker_reports_no_error_in_the_paged_pages(paged: Site) -> None:
    files, messages = vnu_messages(*(paged.root / "portal" / p for p in PAGES))
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert files >= len(PAGES) and errors == [], errors
