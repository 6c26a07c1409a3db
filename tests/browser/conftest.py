"""The test site (tests/site/) served under /portal/ on 127.0.0.1, and Debian's Chromium driven by Playwright.

Requests to the CDN are answered from the local npm copy of the pinned Chart.js (with the CORS header
jsDelivr sends), so the browser really checks the page's integrity hash. Everything else that
leaves 127.0.0.1 is aborted and counted as a failed request.
"""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from generator.cli import main
from generator.model.problems import Problems
from generator.pipeline import build
from generator.plan import planner
from tests.browser import vendor
from tests.goldens import SITE
from tests.helpers import QuietHandler

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PAGES = {
    "home": "", "province": "provinces/tra-vinh/", "committee": "provinces/tuyen-quang/khoi-co-quan-va-doanh-nghiep/",
    "year": "years/2019/",
    "indicator": "indicators/organizations-good-or-above/", "content": "methodology/", "404": "404.html",
    "sources": "sources/",
}
WIDTHS = (1280, 320)


@dataclass
class Site:
    root: Path  # the folder served at /
    base: str  # http://127.0.0.1:PORT/portal/


@dataclass
class Visit:
    page: Page
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    for needed in (vendor.chartjs_path(), vendor.axe_path(), Path(CHROMIUM)):
        if not needed.is_file():
            pytest.fail(f"{needed} is missing: run `bash scripts/test.sh`, which installs it")
    root = tmp_path_factory.mktemp("www")
    assert main(["build", "--site", str(SITE), "--base-url", "/portal/", "--output", str(root / "portal")]) == 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Site(root, f"http://127.0.0.1:{server.server_address[1]}/portal/")
    server.shutdown()


@contextmanager
def built_and_served(root: Path, site: Path, thresholds: dict[str, int]) -> Iterator[Site]:
    """`site` built into root/portal/ under /portal/ with the planner's `thresholds` set (as a national
    site would have them: tests make them small), every problem failing the test; served from `root`
    while the block runs."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in thresholds.items():
            patch.setattr(planner, name, value)
        problems = Problems()
        built = build(site, problems, output=root / "portal", base_url="/portal/")
        assert built is not None and not problems.errors, [str(p) for p in problems.sorted()]
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(root, f"http://127.0.0.1:{server.server_address[1]}/portal/")
    finally:
        server.shutdown()


def assert_reads_at(page: Page, widths: tuple[int, ...], tables: bool) -> None:
    """At each width nothing scrolls sideways, every table has its caption (and there is one, if
    `tables`), and axe finds no violation."""
    page.add_script_tag(path=str(vendor.axe_path()))
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        captions = page.evaluate("""() => [...document.querySelectorAll('table')].map(t =>
            !!t.caption && t.caption.textContent.trim().length > 0)""")
        assert all(captions) and (captions or not tables), width
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert [(x["id"], x["impact"]) for x in result["violations"]] == [], width


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _route(route: Route) -> None:
    url = route.request.url
    cj = vendor.chartjs()
    pinned = f"{cj['cdn'].rstrip('/')}/{cj['package']}@{cj['version']}/{cj['file']}"
    if url == pinned:
        route.fulfill(status=200, body=vendor.chartjs_path().read_bytes(),
                      headers={"content-type": "application/javascript; charset=utf-8",
                               "access-control-allow-origin": "*"})
    elif url.startswith("http://127.0.0.1"):
        route.continue_()
    else:
        route.abort()


def visit(browser: Browser, url: str, width: int, javascript: bool = True, bypass_csp: bool = False,
          html: str | None = None) -> Visit:
    """Open `url` (with `html` given: serve that instead of the built page, e.g. a deliberately broken one)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript,
                                  bypass_csp=bypass_csp, locale="vi-VN")
    page = context.new_page()
    v = Visit(page)
    page.on("console", lambda m: v.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: v.console_errors.append(str(e)))
    # A request the browser itself cancelled (net::ERR_ABORTED: the page moved on to another before the
    # favicon came) is no fault of the site; one refused by the routing or a policy still counts.
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else v.failed.append(r.url))
    page.on("response", lambda r: v.failed.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("404.html") else None)
    page.route("**/*", lambda r: r.fulfill(body=html, content_type="text/html")
               if html is not None and r.request.url == url else _route(r))
    page.goto(url)
    page.wait_for_load_state("load")
    return v


def screenshot(v: Visit, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def copy_site(site: Site, tmp: Path) -> Path:
    shutil.copytree(site.root, tmp, dirs_exist_ok=True)
    return tmp
