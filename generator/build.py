"""The build: load → validate → derive → plan → render → write atomically."""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2

from . import downloads, linkcheck, pages
from . import output as atomic
from .config import Config
from .derive import derive_all
from .load import Site, load_site
from .plan import Page, indicator_title, plan
from .problems import ERROR, WARNING, Problems
from .render import THEME, Renderer, load_labels, template_problem


@dataclass(frozen=True)
class BuildResult:
    pages: int
    records: int
    seconds: float
    output: Path

    def summary(self) -> str:
        return f"Built {self.pages} pages from {self.records} records in {self.seconds:.2f} s"


def _static_files(config: Config) -> dict[str, bytes]:
    """The theme's static files, overridden by the site's own static/ folder."""
    files = {}
    for base in (THEME / "static", config.root / "static"):
        if base.is_dir():
            for f in sorted(base.rglob("*")):
                if f.is_file() and f.resolve().is_relative_to(base.resolve()):
                    files["static/" + f.relative_to(base).as_posix()] = f.read_bytes()
    return files


def _feed(config: Config, content_pages: list[pages.ContentPage]) -> dict[str, bytes]:
    """An Atom feed of the dated content pages (none when there are none, or no absolute base_url)."""
    dated = sorted((p for p in content_pages if p.date), key=lambda p: (p.date, p.slug), reverse=True)
    if not dated or not config.base_url.startswith("http"):
        return {}
    base = config.base_url
    entries = "".join(
        f"<entry><title>{escape(p.title)}</title><link href=\"{escape(base + p.slug)}/\"/>"
        f"<id>{escape(base + p.slug)}/</id><updated>{p.date.isoformat()}T00:00:00Z</updated>"
        f"<summary>{escape(p.description)}</summary></entry>\n" for p in dated)
    feed = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(config.title)}</title><id>{escape(base)}</id>"
            f"<link href=\"{escape(base)}feed.xml\" rel=\"self\"/><link href=\"{escape(base)}\"/>"
            f"<updated>{dated[0].date.isoformat()}T00:00:00Z</updated>\n{entries}</feed>\n")  # type: ignore[union-attr]
    return {"feed.xml": feed.encode("utf-8")}


def _sitemap(config: Config, planned: list[Page]) -> dict[str, bytes]:
    base = config.base_url if config.base_url.startswith("http") else None
    files = {}
    lines = ["User-agent: *", "Disallow: /" if config.staging else "Allow: /"]
    if base and not config.staging:
        urls = "".join(f"<url><loc>{escape(base + p.url)}</loc></url>\n" for p in planned if p.template != "404")
        files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                f"{urls}</urlset>\n").encode("utf-8")
        lines.append(f"Sitemap: {base}sitemap.xml")
    files["robots.txt"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files


def render_site(site: Site, problems: Problems) -> tuple[list[Page], dict[str, bytes]] | None:
    """Everything the output folder will hold, as {relative path: bytes}; None on template errors."""
    config = site.config
    labels = load_labels()
    content_pages = site.pages
    derived = derive_all(site.records)
    planned = plan(site, derived, labels, content_pages)
    planned.append(Page("data/", "data", labels["data"]["heading"], {**planned[0].context,
                                                                    "provinces": sorted({d.record.province for d in derived})}))
    renderer = Renderer(config, labels)
    feed = _feed(config, content_pages)
    renderer.env.globals.update(indicator_title=lambda ind: indicator_title(ind, labels),
                                content_pages=content_pages, has_feed=bool(feed))
    template_errors = renderer.check_templates()
    if template_errors:
        problems.extend(template_errors)
        return None
    files: dict[str, bytes] = {}
    for page in planned:
        try:
            files[page.output_path] = renderer.render(page).encode("utf-8")
        except (jinja2.TemplateError, TypeError, KeyError, AttributeError, ValueError) as exc:
            problems.extend([template_problem(exc)])
            return None
    files.update(_static_files(config))
    ctx = planned[0].context
    rows = [downloads.row(d, ctx["names"], ctx["committee_names"]) for d in derived]
    files["data/records.csv"] = downloads.to_csv(rows)
    files["data/records.json"] = downloads.to_json(rows, derived)
    provinces = sorted({d.record.province for d in derived})
    for slug in provinces:
        files[f"data/provinces/{slug}.csv"] = downloads.to_csv([r for r in rows if r["province"] == slug])
    files["data/datapackage.json"] = downloads.datapackage(config.title, provinces)
    files.update(_sitemap(config, planned))
    files.update(feed)
    files[".nojekyll"] = b""
    if config.cname:
        files["CNAME"] = (config.cname + "\n").encode("utf-8")
    return planned, files


def build(root: Path, problems: Problems, output: Path | None = None, base_url: str | None = None,
          strict: bool = False) -> BuildResult | None:
    """Check and build the site under `root`. Writes nothing unless the whole build succeeds."""
    started = time.perf_counter()
    site = load_site(root, problems)
    if site is None or problems.errors or (strict and problems.warnings):
        return None
    if base_url:
        site = replace(site, config=site.config.with_base_url(base_url))
    rendered = render_site(site, problems)
    if rendered is None:
        return None
    planned, files = rendered
    level = ERROR if site.config.link_check == "error" else WARNING
    problems.extend(linkcheck.check(files, site.config.base_path, level))
    if problems.errors or (strict and problems.warnings):
        return None
    target = output or site.config.output_dir
    target = target if target.is_absolute() else Path(os.getcwd()) / target
    write(files, target)
    return BuildResult(len(planned), len(site.records), time.perf_counter() - started, target)


def write(files: dict[str, bytes], target: Path) -> None:
    """Write all files to a fresh folder and swap it in under the lock."""
    with atomic.locked(target):
        atomic.clean_stale(target)
        staged = atomic.staging_dir(target)
        try:
            for relative, data in sorted(files.items()):
                atomic.write_file(staged, relative, data)
            atomic.swap_in(staged, target)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
