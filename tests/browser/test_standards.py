"""Web standards on the built fixture site: the W3C Nu HTML Checker finds no error in any HTML file,
and axe-core finds no accessibility violation of any impact on any page type, on a phone and a laptop."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser

from tests.browser import vendor
from tests.browser.conftest import PAGES, Site, visit

AXE_WIDTHS = (375, 1366)
# Every page type of both editions; the embed page is found in the build (its name follows the planner).
PAGE_TYPES = {**PAGES, "provinces": "provinces/", "years": "years/", "indicators": "indicators/",
              "data": "data/", "search": "search/?q=tra", "embed": None,
              "en-home": "en/", "en-province": "en/provinces/tra-vinh/", "en-year": "en/years/2022/",
              "en-indicator": "en/indicators/organizations-good-or-above/"}


def vnu_messages(*roots: Path) -> tuple[int, list[dict]]:
    """Run the checker once over every HTML and CSS file under `roots` (one JVM start), returning (files
    checked, errors)."""
    java = shutil.which("java")
    if java is None or not vendor.vnu_path().is_file():
        pytest.fail("java or vnu.jar is missing: run `bash scripts/test.sh`, which installs them")
    files = sorted(str(p) for root in roots for p in root.rglob("*") if p.suffix in (".html", ".css"))
    # -Xss: the checker's schema recursion needs a deeper thread stack than the default
    done = subprocess.run([java, "-Xss2m", "-jar", str(vendor.vnu_path()), "--errors-only", "--also-check-css",
                           "--format", "json", *files], capture_output=True, text=True, encoding="utf-8")
    try:
        return len(files), json.loads(done.stderr)["messages"]
    except ValueError:
        pytest.fail(f"the Nu HTML Checker did not run: {done.stderr[:2000]}")


@dataclass
class Checked:
    """One run of the checker over the whole built site and one deliberately broken page beside it."""

    site: Path
    broken: Path  # holds broken/index.html
    files: int
    messages: list[dict]

    def under(self, root: Path) -> list[dict]:
        """The messages about files under `root`."""
        return [m for m in self.messages if Path(unquote(urlsplit(m.get("url", "")).path)).is_relative_to(root)]


@pytest.fixture(scope="module")
def checked(served: Site, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    """A page with a stray end tag and a bad role, checked in the same run as the site (a JVM start is
    seconds): the run must find its errors and none in the site."""
    broken = tmp_path_factory.mktemp("vnu")
    page = broken / "broken" / "index.html"
    page.parent.mkdir()
    good = (served.root / "portal" / "methodology" / "index.html").read_text(encoding="utf-8")
    page.write_text(good.replace("<main", '<div role="bogus"></span><main', 1), encoding="utf-8")
    files, messages = vnu_messages(served.root, broken)
    return Checked(served.root, broken, files, messages)


def located(message: dict, site_root: Path) -> str:
    """`file:line:col: error: message`, as the office team reads every other message of the project."""
    path = Path(unquote(urlsplit(message.get("url", "")).path))
    if path.is_relative_to(site_root):
        path = path.relative_to(site_root)
    return f"{path.as_posix()}:{message.get('lastLine', 0)}:{message.get('firstColumn', message.get('lastColumn', 0))}: " \
           f"{message['type']}: {message['message']}"


def test_nu_html_checker_reports_no_error_in_any_file(checked: Checked) -> None:
    assert checked.files > 100  # the whole site: every page of both editions, not a sample
    errors = [located(m, checked.site) for m in checked.under(checked.site)
              if m["type"] in ("error", "non-document-error")]
    if errors:
        pytest.fail(f"the Nu HTML Checker reports {len(errors)} errors:\n" + "\n".join(errors[:40]), pytrace=False)


def test_nu_html_checker_catches_a_broken_page(checked: Checked) -> None:
    """The check above really reads the files: a page with a stray end tag and a bad role fails it."""
    found = [located(m, checked.broken) for m in checked.under(checked.broken) if m["type"] == "error"]
    assert any(f.startswith("broken/index.html:") and "role" in f for f in found), found
    assert any("span" in f for f in found), found


def test_every_page_links_a_favicon_that_is_built(served: Site) -> None:
    pages = sorted(served.root.rglob("*.html"))
    missing = []
    for page in pages:
        icon = re.search(r'<link rel="icon" href="/portal/([^"]+)" type="image/svg\+xml">', page.read_text(encoding="utf-8"))
        if icon is None or not (served.root / "portal" / icon.group(1)).is_file():
            missing.append(str(page.relative_to(served.root)))
    assert len(pages) > 100 and missing == [], missing[:10]


def page_url(site: Site, name: str) -> str:
    path = PAGE_TYPES[name]
    if path is None:
        path = "embed/" + sorted(p.name for p in (site.root / "portal" / "embed").iterdir())[0] + "/"
    return site.base + path


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_reports_no_violation_of_any_impact(served: Site, browser: Browser, name: str) -> None:
    found = []
    v = visit(browser, page_url(served, name), AXE_WIDTHS[0], bypass_csp=True)
    v.page.add_script_tag(path=str(vendor.axe_path()))
    for width in AXE_WIDTHS:  # one page load, resized: axe reads the layout of each width
        v.page.set_viewport_size({"width": width, "height": 900})
        result = v.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        found += [f"{width} px: {x['id']} ({x['impact']}): {x['help']} at {[n['target'] for n in x['nodes']][:4]}"
                  for x in result["violations"]]
    v.page.context.close()
    if found:
        pytest.fail("\n".join(found), pytrace=False)
