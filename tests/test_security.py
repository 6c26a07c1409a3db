"""Hostile text never runs: every field a record or page carries, in every page, JSON block,
download, sitemap and feed. Plus the Content-Security-Policy and the Markdown sanitiser."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.cli import main

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = pytest.mark.xdist_group("test_security")

ROOT = Path(__file__).resolve().parent.parent

PAYLOADS = [
    "</script><script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "]]></loc><script>alert(1)</script>",
]
HOSTILE = " ".join(PAYLOADS)
TEXT_FIELDS = ("title", "publisher", "note", "quote", "description", "label", "as_written")


def _fill(node: object) -> object:
    """Put the payloads into every text field of a record, keeping its numbers and ids."""
    if isinstance(node, dict):
        return {k: (HOSTILE if k in TEXT_FIELDS and isinstance(v, str) else _fill(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [HOSTILE if isinstance(v, str) else _fill(v) for v in node]
    return node


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal with the payloads in every text field, built once: the tests only read its output."""
    site = tmp_path_factory.mktemp("hostile") / "site"
    site.mkdir()
    shutil.copy(ROOT / "site.yaml", site / "site.yaml")
    for folder in ("content", "templates"):
        shutil.copytree(ROOT / folder, site / folder)
    for path in (site / "content/records").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_fill(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    committees = yaml.safe_load((site / "content/committees.yaml").read_text(encoding="utf-8"))
    for items in committees.values():
        for c in items:
            c["names"][0]["name"] = "Đảng bộ " + HOSTILE
            c["note"] = HOSTILE
    (site / "content/committees.yaml").write_text(yaml.safe_dump(committees, allow_unicode=True), encoding="utf-8")
    page = site / "content/pages/about.md"
    page.write_text(f"---\ntitle: {json.dumps(HOSTILE)}\ndescription: {json.dumps(HOSTILE)}\ndate: 2026-01-01\n---\n\n"
                    "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[bấm](javascript:alert(3))\n\n"
                    "<a href=\"data:text/html,x\">d</a> <iframe src=\"https://evil.example\"></iframe>\n",
                    encoding="utf-8")
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://example.org/p/"),
                      encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    return site


@pytest.fixture
def hostile(hostile_site: Path) -> Path:
    return hostile_site / "output"


class _Active(HTMLParser):
    """Collects what a browser would act on: scripts, event handlers, script URLs, embedded content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("type") != "application/json" and not values.get("src"):
            self.found.append("inline script")
        if tag in ("iframe", "img", "svg", "object", "embed", "base"):
            self.found.append(tag)
        if tag == "form" and not (values.get("action") or "").startswith("/"):
            self.found.append("form to elsewhere")  # our search form posts to our own /search/ page
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and value and value.strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{tag} {name}={value[:20]}")


def _executable_bits(html: str) -> list[str]:
    parser = _Active()
    parser.feed(html)
    return parser.found


def test_pages_are_inert(hostile: Path) -> None:
    pages = list(hostile.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert _executable_bits(html) == [], page
    tv = (hostile / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(" in tv  # shown as text, not dropped


def test_json_blocks_cannot_be_closed(hostile: Path) -> None:
    for page in hostile.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
            assert "<" not in block and ">" not in block
            json.loads(block)


def test_downloads_neutralise_formulas(hostile: Path) -> None:
    text = (hostile / "data/records.csv").read_text(encoding="utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")) or re.fullmatch(r"-?\d+(\.\d+)?", cell), cell
    json.loads((hostile / "data/records.json").read_text(encoding="utf-8"))


def test_sitemap_and_feed_are_well_formed_and_escaped(hostile: Path) -> None:
    from xml.etree import ElementTree

    for name in ("sitemap.xml", "feed.xml"):
        root = ElementTree.fromstring((hostile / name).read_bytes())  # parses: nothing broke out
        assert not root.findall(".//{*}script") and not root.findall(".//script")
    feed = (hostile / "feed.xml").read_text(encoding="utf-8")
    assert "&lt;/script&gt;" in feed


def test_markdown_raw_html_is_sanitised_unless_allowed(hostile_site: Path, tmp_path: Path) -> None:
    html = (hostile_site / "output/about/index.html").read_text(encoding="utf-8")
    assert _executable_bits(html) == []
    assert "alert(2)" not in html and "evil.example" not in html
    assert ">bấm</a>" in html  # the link text stays, the script URL goes
    site = tmp_path / "site"
    shutil.copytree(hostile_site, site, ignore=shutil.ignore_patterns("output", ".portal-cache"))
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("allow_raw_html: false", "allow_raw_html: true")
                      .replace("link_check: error", "link_check: warning"),
                      encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    assert "<iframe" in (site / "output/about/index.html").read_text(encoding="utf-8")


def test_content_security_policy(hostile: Path) -> None:
    cj = yaml.safe_load((Path(__file__).resolve().parent.parent / "site.yaml").read_text(encoding="utf-8"))["chartjs"]
    url = f"{cj['cdn']}{cj['package']}@{cj['version']}/{cj['file']}"
    for page in hostile.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == f"'self' {url}"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        for tag in re.findall(r"<script[^>]*src=[^>]*>", html):
            if url in tag:
                assert f'integrity="{cj["integrity"]}"' in tag and 'crossorigin="anonymous"' in tag
        assert 'style="' not in html  # inline styles would need 'unsafe-inline'
