"""The search page on a phone (375 px): typing filters the grouped index (every word must match, without
diacritics), ?q= opens it filtered, and without JavaScript it is the whole index grouped by province
with a jump list; at national scale, where the page lists no records, typing finds them as before.
What the index holds is tested fast in tests/test_search.py."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site, built_and_served, visit
from tests.conftest import copy_test_site

PHONE = 375


def _shown(page: Page) -> list[str]:
    """The text of every entry the filter leaves visible."""
    return page.eval_on_selector_all("#search-all li",
                                     "items => items.filter(li => li.offsetParent !== null).map(li => li.innerText)")


@pytest.mark.parametrize(("typed", "expected"), [
    ("tra vinh 2022", ["Trà Vinh", "2022"]),
    ("TRÀ VINH 2022", ["Trà Vinh", "2022"]),
    ("bao tra vinh", ["Báo Trà Vinh"]),
])
def test_typing_filters_the_index_to_what_matches_every_word(served: Site, browser: Browser, typed: str,
                                                              expected: list[str]) -> None:
    v = visit(browser, served.base + "search/", PHONE)
    page = v.page
    everything = len(_shown(page))
    page.fill("#q", typed)
    page.wait_for_selector("#search-count:not(:empty)")  # the index is fetched first
    shown = _shown(page)
    assert 0 < len(shown) < everything
    assert all(all(word in text for word in expected) for text in shown), shown
    assert page.is_hidden(".search-jump")
    hidden_groups = page.eval_on_selector_all(".search-group", "gs => gs.filter(g => g.hidden).length")
    assert hidden_groups > 0
    assert str(len(shown)) in page.inner_text("#search-count")
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def test_vinh_long_leads_to_tra_vinhs_records_and_a_query_in_the_address_opens_filtered(served: Site,
                                                                                      browser: Browser) -> None:
    v = visit(browser, served.base + "search/?q=vinh+long", PHONE)
    page = v.page
    assert page.input_value("#q") == "vinh long"
    shown = _shown(page)
    assert any(text.startswith("Trà Vinh —") for text in shown), shown
    page.fill("#q", "khong co gi nhu the nay")
    assert _shown(page) == []
    assert page.inner_text("#search-count") == "Không tìm thấy kết quả phù hợp."
    page.fill("#q", "")
    assert page.is_visible(".search-jump")
    page.context.close()


def test_admissions_on_the_english_search_page(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "en/search/", PHONE)
    page = v.page
    page.fill("#q", "admissions")
    shown = _shown(page)
    assert any(text.startswith("New members admitted") for text in shown), shown
    assert any("Record" in text for text in shown), shown
    page.context.close()


def test_without_javascript_the_page_is_the_whole_index_grouped_by_province(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "search/", PHONE, javascript=False)
    page = v.page
    targets = page.eval_on_selector_all(".search-jump a", "links => links.map(a => a.getAttribute('href'))")
    groups = page.eval_on_selector_all(".search-group", "gs => gs.map(g => '#' + g.id)")
    assert targets == groups and len(groups) > 3
    assert page.is_visible(".search-jump")
    assert len(_shown(page)) == page.locator("#search-all li").count()  # nothing filtered away
    page.click(".search-jump a[href='#g-tra-vinh']")
    group = page.locator("#g-tra-vinh")
    assert group.locator("h2").inner_text() == "Trà Vinh"
    links = group.locator("a")
    assert links.count() > 3  # the province, its committees, its records
    assert any("#r-" in (links.nth(i).get_attribute("href") or "") for i in range(links.count()))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, "the index fits a phone's width"
    page.context.close()


@pytest.fixture(scope="module")
def records_left_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The test site with a search page that lists no records (as at national scale), under /portal/."""
    root = tmp_path_factory.mktemp("www")
    with built_and_served(root, copy_test_site(root / "site"), {"SEARCH_PAGE_RECORDS": 0}) as site:
        yield site


@pytest.mark.parametrize(("path", "typed"), [("search/?q=tra+vinh+2022", ""), ("search/", "bao tra vinh"),
                                             ("en/search/", "admissions"), ("search/", "vinh long")])
def test_typing_finds_the_records_a_long_search_page_leaves_out(served: Site, records_left_out: Site,
                                                                browser: Browser, path: str, typed: str) -> None:
    """What typing shows on a page that lists no records is what it shows on one that lists them all, in
    the same groups and order; cleared, the page lists everything."""
    found = []
    for site in (served, records_left_out):
        v = visit(browser, site.base + path, PHONE)
        page = v.page
        if typed:
            page.fill("#q", typed)
        page.wait_for_selector("#search-count:not(:empty)")
        groups = page.eval_on_selector_all(".search-group:not([hidden])", "gs => gs.map(g => g.id)")
        found.append((_shown(page), groups, page.inner_text("#search-count")))
        page.fill("#q", "")
        found.append(page.locator("#search-all li").count())
        assert v.console_errors == [] and v.failed == []
        page.context.close()
    assert found[0] == found[2] and any("#r-" in text or "—" in text for text in found[0][0])
    assert found[1] == found[3]
