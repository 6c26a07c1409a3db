"""`generator build`: every page type, vi-VN formats, escaping, atomic output, determinism, sub-paths."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import threading
from functools import partial
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest

from generator.cli import main
from tests.helpers import QuietHandler

TRA_VINH = "content/records/tra-vinh/khoi-co-quan-va-doanh-nghiep/2022.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"


def build(site: Path, *extra: str) -> int:
    return main(["build", "--site", str(site), *extra])


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def text_of(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def built(site: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert build(site) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"Built \d+ pages from 22 records in \d+\.\d\d s\n", out), out
    return site / "output"


def test_every_page_type_is_written(built: Path) -> None:
    for path in ("index.html", "404.html", "provinces/index.html", "provinces/tra-vinh/index.html",
                 "provinces/ha-giang/index.html", "provinces/hue/index.html", "years/2022/index.html",
                 "years/index.html", "indicators/organizations-good-or-above/index.html",
                 "indicators/index.html", "about/index.html", "methodology/index.html", "data/index.html",
                 "data/records.csv", "data/records.json", "data/datapackage.json",
                 "data/provinces/tra-vinh.csv", "static/style.css", "static/charts.js", "robots.txt"):
        assert (built / path).is_file(), path
    assert len(list((built / "provinces").glob("*/index.html"))) == 64  # 63 before + Huế after


def test_tra_vinh_page_shows_vietnamese_formats_and_cites_its_article(built: Path) -> None:
    html = (built / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    text = text_of(html)
    assert "92,94%" in text and "6.027" in text and "98,64%" in text
    assert "6.027/6.110 (98,64%)" in text
    assert 'href="https://www.baotravinh.vn"' in html and "Báo Trà Vinh" in text
    assert "Từ ngày 01/07/2025 thuộc Vĩnh Long" in text
    assert "Kết thúc hoạt động: 02/2025" in text
    # stated and derived look different: 63 good-only is derived and marked
    assert re.search(r'<td>63<span class="derived" title="79 − 16">\*</span></td>', html)


def test_lam_dong_page_shows_2019(built: Path) -> None:
    text = text_of((built / "provinces/lam-dong/index.html").read_text(encoding="utf-8"))
    for figure in ("62/66", "17/62", "37/58", "2.662/2.748", "2.607", "120,8%", "17/01/2020"):
        assert figure in text, figure


def test_province_without_records_links_its_lineage(built: Path) -> None:
    html = (built / "provinces/ha-giang/index.html").read_text(encoding="utf-8")
    assert "Chưa có bản ghi số liệu" in html
    assert 'href="/provinces/tuyen-quang/"' in html
    new = (built / "provinces/tuyen-quang/index.html").read_text(encoding="utf-8")
    assert 'href="/provinces/ha-giang/"' in new


def test_chart_json_matches_the_table_and_partial_periods_stay_out(built: Path) -> None:
    html = (built / "provinces/dong-thap/index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/json" id="data-([^"]+)">(.*?)</script>', html, re.S)
    assert blocks
    for cid, payload in blocks:
        data = json.loads(payload)
        assert "2022" not in data["labels"]  # the 2022 record is a half-year
        table = re.search(rf'<table id="table-{cid}".*?</table>', html, re.S).group(0)
        assert 'aria-label="Biểu đồ' in html and f'data-chart="data-{cid}"' in html
        assert [r for r in re.findall(r'<th scope="row">([^<]+)</th>', table)] == data["labels"]


def test_year_and_indicator_pages(built: Path) -> None:
    year = text_of((built / "years/2022/index.html").read_text(encoding="utf-8"))
    assert "Trà Vinh" in year and "92,94%" in year
    ind = (built / "indicators/organizations-good-or-above/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', ind, re.S).group(1))
    labels = [d["label"] for d in data["datasets"]]
    assert "Trà Vinh" in labels and "Lâm Đồng" in labels


def test_content_pages_have_tables_footnotes_and_toc(built: Path) -> None:
    html = (built / "methodology/index.html").read_text(encoding="utf-8")
    assert "<table>" in html and 'class="footnote"' in html and 'class="toc"' in html


def test_downloads_hold_the_numbers_shown(built: Path) -> None:
    raw = (built / "data/records.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    tv = next(r for r in rows if r["province"] == "tra-vinh")
    assert tv["organizations_good_count"] == "79" and tv["organizations_good_percent"] == "92.94"
    assert tv["organizations_good_only_count_shown"] == "63"
    assert tv["organizations_good_only_count_derived"] == "true"
    assert tv["members_good_count"] == "6027"
    package = json.loads((built / "data/datapackage.json").read_text(encoding="utf-8"))
    fields = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert fields == next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


HOSTILE = '</script><script>alert(1)</script>"\'><img src=x onerror=alert(2)>'


def test_record_text_is_escaped_in_html_json_and_csv(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = site / TRA_VINH
    text = path.read_text(encoding="utf-8")
    text = text.replace("notes:\n", f"notes:\n  - {json.dumps(HOSTILE)}\n")
    text = text.replace("title: \"Năm 2022", f"title: {json.dumps('=HYPERLINK(1) ' + HOSTILE)}\n    #")
    text = text.replace('count: 16\n    quote: "tặng 16', f'count: 16\n    quote: {json.dumps(HOSTILE)}\n    #')
    path.write_text(text, encoding="utf-8")
    assert build(site) == 0, capsys.readouterr().err
    for page in (site / "output").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
        for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
            assert "<" not in block
            json.loads(block)
    html = (site / "output/provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    rows = list(csv.DictReader(io.StringIO((site / "output/data/records.csv").read_text(encoding="utf-8-sig"))))
    title = next(r for r in rows if r["province"] == "tra-vinh")["source_title"]
    assert title.startswith("'=HYPERLINK")


def test_failing_build_leaves_previous_output_untouched(built: Path, site: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_digest(built)
    capsys.readouterr()
    path = site / TRA_VINH
    path.write_text(path.read_text(encoding="utf-8").replace("percent: 92.94", "percent: 93.5"), encoding="utf-8")
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "2022.yaml:13:3: error: 'good' says 93.5%" in err and "previous output was left" in err
    assert tree_digest(built) == before
    assert not [p for p in site.glob(".output.*") if p.is_dir()]


def test_killed_build_leaves_previous_output_untouched(built: Path, site: Path) -> None:
    before = tree_digest(built)
    # a child build killed as soon as it starts writing
    code = ("import os, signal, generator.output.atomic as o\n"
            "real = o.write_file\n"
            "def boom(*a):\n    real(*a)\n    os.kill(os.getpid(), signal.SIGKILL)\n"
            "o.write_file = boom\n"
            f"from generator.cli import main\nmain(['build', '--site', {str(site)!r}])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert result.returncode == -9
    assert tree_digest(built) == before
    assert build(site) == 0  # the next build cleans up after the killed one
    assert not [p for p in site.glob(".output.*") if p.is_dir()]


def test_rebuild_is_byte_identical(built: Path, site: Path, tmp_path: Path) -> None:
    first = tree_digest(built)
    shutil.copytree(built, tmp_path / "first")
    assert build(site) == 0
    assert tree_digest(built) == first
    env_build = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site),
                                "--output", str(tmp_path / "other")],
                               env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"}, capture_output=True)
    assert env_build.returncode == 0, env_build.stderr
    assert tree_digest(tmp_path / "other") == first


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src") and not value.startswith(("http", "#", "mailto:")):
                self.links.append(value)


def test_every_internal_link_resolves_under_a_sub_path(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "www" / "portal"
    assert build(site, "--base-url", "https://example.org/portal/", "--output", str(out)) == 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path / "www")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        seen, queue, checked = set(), ["/portal/"], 0
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            seen.add(path)
            with urlopen(base + path) as response:  # raises on 404
                body = response.read()
                checked += 1
                if response.headers.get_content_type() == "text/html":
                    parser = _Links()
                    parser.feed(body.decode("utf-8"))
                    for link in parser.links:
                        target = urlsplit(urljoin(path, link)).path
                        assert target.startswith("/portal/"), (path, link)
                        queue.append(target)
        assert checked > 80
        with pytest.raises(HTTPError):
            urlopen(base + "/provinces/")  # the root is not the site: links must carry /portal/
    finally:
        server.shutdown()


def test_sitemap_robots_canonical_feed_and_staging(site: Path, tmp_path: Path) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://example.org/portal/"),
                      encoding="utf-8")
    page = site / "content/pages/about.md"
    page.write_text(page.read_text(encoding="utf-8").replace("order: 1\n", "order: 1\ndate: 2026-11-01\n"),
                    encoding="utf-8")
    assert build(site) == 0
    out = site / "output"
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/portal/provinces/tra-vinh/</loc>" in sitemap and "404" not in sitemap
    assert (out / "robots.txt").read_text(encoding="utf-8") == (
        "User-agent: *\nAllow: /\nSitemap: https://example.org/portal/sitemap.xml\n")
    html = (out / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/portal/provinces/tra-vinh/">' in html
    assert '<meta property="og:title" content="Trà Vinh">' in html
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<link href=\"https://example.org/portal/about/\"/>" in feed and "2026-11-01T00:00:00Z" in feed
    assert 'type="application/atom+xml"' in html
    config.write_text(config.read_text(encoding="utf-8").replace("staging: false", "staging: true"), encoding="utf-8")
    assert build(site) == 0
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    assert not (out / "sitemap.xml").exists()


def test_broken_internal_link_is_an_error_or_a_warning(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = site / "content/pages/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[hỏng](/khong-co/)\n", encoding="utf-8")
    assert build(site) == 1
    assert "output/about/index.html:" in capsys.readouterr().err
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("link_check: error", "link_check: warning"),
                      encoding="utf-8")
    assert build(site) == 0
    err = capsys.readouterr().err
    assert "warning: link '/khong-co/' leads nowhere" in err


def test_cached_rebuilds_follow_template_overrides(site: Path) -> None:
    from generator.cache import BuildCache
    from generator.model.problems import Problems
    from generator.pipeline import build as build_site

    cache, out = BuildCache(), site / "served"
    assert build_site(site, Problems(), output=out, cache=cache) is not None
    (site / "templates" / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Lạc đường rồi</h1>{% endblock %}', encoding="utf-8")
    assert build_site(site, Problems(), output=out, cache=cache) is not None
    assert "Lạc đường rồi" in (out / "404.html").read_text(encoding="utf-8")
    (site / "templates" / "404.html").unlink()
    assert build_site(site, Problems(), output=out, cache=cache) is not None
    assert "Lạc đường rồi" not in (out / "404.html").read_text(encoding="utf-8")
