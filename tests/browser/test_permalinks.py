"""Copy-link anchors: every record, headline figure and records-table row has a visible "#" link to
itself that works as a plain link without JavaScript and, with it, copies the full address and says so."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site, visit

PAGES = ("provinces/tra-vinh/", "provinces/vinh-long/", "provinces/tuyen-quang/khoi-co-quan-va-doanh-nghiep/",
         "years/2022/", "", "en/provinces/tra-vinh/", "en/years/2022/")
SMALLEST = {375: 44, 1366: 24}  # px: a touch target on a phone, and the WCAG 2.2 minimum elsewhere

# Each place that must carry its own copy-link anchor, and what its anchor points at.
HOLDERS_JS = """() => [...document.querySelectorAll('section.record, .headline .card, table.data tbody tr[id]')]
    .map(el => [el.id, [...el.querySelectorAll('a.permalink')].map(a => a.getAttribute('href'))])"""

# For each anchor: its href, how many elements have that id, whether its target contains it, its size,
# and whether it takes the keyboard focus.
ANCHORS_JS = """() => [...document.querySelectorAll('a.permalink')].map(a => {
    const id = a.getAttribute('href').slice(1);
    const targets = [...document.querySelectorAll('[id]')].filter(e => e.id === id);
    const box = a.getBoundingClientRect();
    a.focus();
    return {href: a.getAttribute('href'), targets: targets.length, inside: targets.length === 1 && targets[0].contains(a),
            width: box.width, height: box.height, focused: document.activeElement === a,
            name: a.textContent.trim()};
})"""


def _anchors(page: Page) -> list[dict[str, object]]:
    return page.evaluate(ANCHORS_JS)


@pytest.mark.parametrize("path", PAGES)
def test_every_record_figure_and_row_has_a_copy_link_to_itself(served: Site, browser: Browser, path: str) -> None:
    v = visit(browser, served.base + path, 375)
    page = v.page
    holders = page.evaluate(HOLDERS_JS)
    assert holders, "no record, headline card or table row on the page"
    missing = [(hid, hrefs) for hid, hrefs in holders if not hid or f"#{hid}" not in hrefs]
    assert missing == [], missing
    for width, smallest in SMALLEST.items():
        page.set_viewport_size({"width": width, "height": 900})
        problems = [a for a in _anchors(page)
                    if a["targets"] != 1 or not a["inside"] or not a["focused"]
                    or not str(a["name"]).startswith(("#Sao chép liên kết tới ", "#Copy the link to ")) or "<" in str(a["name"])
                    or a["width"] < smallest or a["height"] < smallest]  # type: ignore[operator]
        assert problems == [], (width, problems[:5])
    assert page.locator("[role=status].copy-status").count() == 1
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def test_a_click_copies_the_full_address_and_says_so(served: Site, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="vi-VN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.base.split("/portal/")[0])
    page = context.new_page()
    page.goto(served.base + "provinces/tra-vinh/")
    status = page.locator(".copy-status")
    assert status.is_hidden()  # nothing to say yet
    link = page.locator("#latest-organizations a.permalink")
    link.focus()
    page.keyboard.press("Enter")  # the keyboard works as the mouse does
    expected = served.base + "provinces/tra-vinh/#latest-organizations"
    page.wait_for_function("() => document.querySelector('.copy-status').textContent.length > 0")
    assert status.is_visible() and expected in status.inner_text() and "Đã sao chép" in status.inner_text()
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert page.url == expected  # the address bar shows the permalink too
    section = page.locator("section.record a.permalink").first
    section.click()  # a second copy replaces the first
    again = served.base + "provinces/tra-vinh/" + (section.get_attribute("href") or "")
    page.wait_for_function("e => navigator.clipboard.readText().then(t => t === e)", arg=again)
    assert again in status.inner_text()
    context.close()


def test_without_javascript_the_anchor_is_a_permalink(served: Site, browser: Browser) -> None:
    v = visit(browser, served.base + "years/2022/", 375, javascript=False)
    link = v.page.locator("table.data tbody tr[id] a.permalink").first
    href = link.get_attribute("href") or ""
    link.click()
    assert v.page.url.endswith("/years/2022/" + href) and v.page.locator(href).count() == 1
    v.page.context.close()
