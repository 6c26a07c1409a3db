"""What a researcher downloads and what a shared page shows, as a reader's browser gets them: every
download the data page lists answers with the file it names, the licence and the citation are on the
page, and each province and indicator page names its own share card, which is a 1200×630 PNG."""
from __future__ import annotations

import csv
import io
import struct

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Site, visit


def _get(page: Page, url: str) -> bytes:
    response = page.request.get(url)
    assert response.ok, (url, response.status)
    return response.body()


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_listed_download_answers_and_the_page_says_how_to_cite(served: Site, browser: Browser,
                                                                     prefix: str) -> None:
    v = visit(browser, served.base + prefix + "data/", 375)
    page = v.page
    links = page.eval_on_selector_all("ul.downloads a[download], ul.columns a[download]", "as => as.map(a => a.href)")
    assert len(links) >= 8
    for url in links:
        body = _get(page, url)
        assert body, url
        if url.endswith("figures.csv"):
            header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            assert {"count", "percent", "qualifier", "stated_or_derived", "source_id"} <= set(header)
        if url.endswith(".xlsx"):
            assert body[:2] == b"PK"  # a zip, as every .xlsx is
    assert page.locator("a[rel=license]").count() >= 2  # on the data page and in the footer
    citation = page.inner_text("blockquote.citation")
    licence = page.locator("main a[rel=license]").first.inner_text()
    assert "/data/" in citation and licence in citation  # where it is and under which licence
    assert page.locator(".data-summary time").count() == 1  # the last-updated date
    assert v.console_errors == [] and v.failed == []
    page.context.close()


def _card(page: Page) -> tuple[str, str, tuple[int, int]]:
    meta = {m[0]: m[1] for m in page.eval_on_selector_all(
        "meta[property^='og:'], meta[name^='twitter:']",
        "ms => ms.map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content])")}
    assert meta["twitter:card"] == "summary_large_image"
    png = _get(page, page.evaluate("u => new URL(u, location.href).href", meta["og:image"]))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return meta["og:title"], meta["og:image"], (width, height)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_province_and_indicator_pages_share_their_own_card(served: Site, browser: Browser, prefix: str) -> None:
    seen = set()
    for path in ("provinces/tra-vinh/", "provinces/lam-dong/", "indicators/admissions/"):
        v = visit(browser, served.base + prefix + path, 375)
        title, image, size = _card(v.page)
        assert size == (1200, 630)
        assert image.endswith(path + "share.png"), image
        seen.add((title, image))
        v.page.context.close()
    assert len(seen) == 3  # each page its own title and card
