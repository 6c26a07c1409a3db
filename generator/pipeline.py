"""The build: load → validate → derive → plan → render → write atomically."""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from generator.output import downloads

from generator.output import feeds

from generator.output import linkcheck

from generator.load import pages

from generator.output import search
from generator.output import atomic
from generator.cache import BuildCache, digest
from generator.load.config import Config
from generator.model.derive import derive_all, derive_record
from generator.load.site import Site, load_site
from generator.plan.planner import Page, indicator_title, plan
from generator.model.problems import ERROR, WARNING, Problems
from generator.render.renderer import LANGUAGES, THEME, RenderError, Renderer, default_workers, load_labels, render_pages


@dataclass(frozen=True)
class BuildResult:
    pages: int
    records: int
    seconds: float
    output: Path

    config: Config

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


def _site_fingerprint(site: Site) -> str:
    """Everything every page depends on: settings, registries, content pages, templates, labels."""
    parts = [repr(site.config), repr(sorted(site.registry.committees.items())),
             repr(sorted(site.registry.provinces.items())), repr([(p.slug, p.lang, p.title, p.html) for p in site.pages])]
    for folder in (THEME, site.config.root / "templates"):
        if folder.is_dir():
            parts += [f.as_posix() + digest(f.read_bytes()) for f in sorted(folder.rglob("*")) if f.is_file()]
    return digest("\n".join(parts).encode("utf-8"))


def _downloads(site: Site, derived: list, ctx: dict, cache: BuildCache | None) -> dict[str, bytes]:
    rows = []
    for d in derived:
        key = d.record.digest
        row = cache.rows.get(key) if cache is not None and key else None
        if row is None:
            row = downloads.make_row(d, ctx["names"], ctx["committee_names"])
            if cache is not None and key:
                cache.rows[key] = row
        rows.append(row)
    files = {"data/records.csv": downloads.to_csv(rows), "data/records.json": downloads.to_json(rows)}
    provinces = sorted({d.record.province for d in derived})
    for slug in provinces:
        files[f"data/provinces/{slug}.csv"] = downloads.to_csv([r for r in rows if r.province == slug])
    files["data/datapackage.json"] = downloads.datapackage(site.config.title, provinces)
    return files


def _derive(records: list, cache: BuildCache | None) -> list:
    if cache is None:
        return derive_all(records)
    out = []
    for r in records:
        d = cache.derived.get(r.digest) if r.digest else None
        if d is None or d.record != r:
            d = derive_record(r)
            if r.digest:
                cache.derived[r.digest] = d
        out.append(d)
    return out


def _renderer(config: Config, labels: dict, lang: str, cache: BuildCache | None) -> Renderer:
    """A renderer; `serve` keeps them, so templates are compiled once (and again only when edited)."""
    if cache is None:
        return Renderer(config, labels, lang)
    key = (lang, repr(config) + repr(labels))
    if key not in cache.renderers:
        if len(cache.renderers) >= 8:  # settings or labels changed many times: start afresh
            cache.renderers.clear()
        cache.renderers[key] = Renderer(config, labels, lang)
    return cache.renderers[key]


def render_site(site: Site, problems: Problems, cache: BuildCache | None = None,
                workers: int = 1) -> tuple[list[Page], dict[str, bytes]] | None:
    """Everything the output folder will hold, as {relative path: bytes}; None on template errors.

    Every page is rendered once per language: Vietnamese at the root, English under en/.
    """
    config = site.config
    derived = _derive(site.records, cache)
    feed = feeds.atom(config, pages.for_language(site.pages, "vi"))
    files: dict[str, bytes] = {}
    all_pages: list[Page] = []
    site_fingerprint = _site_fingerprint(site)  # read the templates once, not once per language
    for lang in LANGUAGES:
        labels = load_labels(lang)
        content_pages = pages.for_language(site.pages, lang)
        planned = plan(site, derived, labels, content_pages)
        renderer = _renderer(config, labels, lang, cache)
        renderer.env.globals.update(indicator_title=lambda ind, labels=labels: indicator_title(ind, labels),
                                    content_pages=content_pages, has_feed=bool(feed))
        template_errors = renderer.check_templates()
        if template_errors:
            problems.extend(template_errors)
            return None
        fingerprint = digest(f"{lang}:{site_fingerprint}".encode("utf-8"))
        if getattr(renderer, "fingerprint", fingerprint) != fingerprint and renderer.env.cache is not None:
            renderer.env.cache.clear()  # a template was added, removed or edited: compile afresh
        renderer.fingerprint = fingerprint  # type: ignore[attr-defined]
        try:
            files.update(render_pages(renderer, planned, fingerprint, cache, workers))
        except RenderError as exc:
            problems.extend([exc.problem])
            return None
        files[renderer.prefix + "search-index.json"] = search.index(planned, labels, renderer)
        all_pages += [replace(p, url=renderer.prefix + p.url) for p in planned]
    files.update(_static_files(config))
    files.update(_downloads(site, derived, all_pages[0].context, cache))
    files.update(feeds.sitemap_and_robots(config, all_pages))
    files.update(feed)
    files[".nojekyll"] = b""
    if config.cname:
        files["CNAME"] = (config.cname + "\n").encode("utf-8")
    return all_pages, files


def build(root: Path, problems: Problems, output: Path | None = None, base_url: str | None = None,
          strict: bool = False, cache: BuildCache | None = None, workers: int | None = None,
          on_stage: Callable[[str], None] | None = None) -> BuildResult | None:
    """Check and build the site under `root`. Writes nothing unless the whole build succeeds.

    With a `cache` (as `serve` keeps one), unchanged inputs are not parsed or rendered again and
    the output folder is updated in place, file by file; without one, the whole site is written to
    a fresh folder and swapped in. `on_stage(name)` is called at each stage boundary ("loaded",
    "rendered", "checked", "staged", "aside" (fallback swap only), "swapped", "done"), so tests can
    interrupt a build at an exact point.
    """
    notify = on_stage or atomic._no_stage
    started = time.perf_counter()
    site = load_site(root, problems, cache=cache)
    if site is None or problems.errors or (strict and problems.warnings):
        return None
    notify("loaded")
    if base_url:
        site = replace(site, config=site.config.with_base_url(base_url))
    if workers is None:
        workers = default_workers(len(site.records))
    rendered = render_site(site, problems, cache, workers)
    if rendered is None:
        return None
    planned, files = rendered
    notify("rendered")
    level = ERROR if site.config.link_check == "error" else WARNING
    problems.extend(linkcheck.check(files, site.config.base_path, level, cache.links if cache is not None else None))
    if problems.errors or (strict and problems.warnings):
        return None
    notify("checked")
    target = output or site.config.output_dir
    target = target if target.is_absolute() else Path(os.getcwd()) / target
    try:
        if cache is None:
            write(files, target, notify)
        else:
            update(files, target, cache)
    except atomic.OutputRefused as exc:
        problems.add(_shown(target, root), 0, 0, str(exc))
        return None
    notify("done")
    return BuildResult(len(planned), len(site.records), time.perf_counter() - started, target, site.config)


def _shown(target: Path, root: Path) -> str:
    """The output folder as the maintainer named it: relative to the site when inside it."""
    try:
        return target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(target)


def update(files: dict[str, bytes], target: Path, cache: BuildCache) -> None:
    """Bring `target` in line with `files`, writing only what changed (each file replaced atomically)."""
    with atomic.locked(target):
        if not target.is_dir() or not cache.written:
            _write_fresh(files, target, atomic._no_stage)
            cache.written = dict(files)
            return
        for relative, data in files.items():
            if cache.written.get(relative) != data:
                atomic.replace_file(target, relative, data)
        for gone in set(cache.written) - set(files):
            (target / gone).unlink(missing_ok=True)
        cache.written = dict(files)


def write(files: dict[str, bytes], target: Path, on_stage: Callable[[str], None] = atomic._no_stage) -> None:
    """Write all files to a fresh folder and swap it in under the lock."""
    with atomic.locked(target):
        _write_fresh(files, target, on_stage)


def _write_fresh(files: dict[str, bytes], target: Path, on_stage: Callable[[str], None]) -> None:
    atomic.clean_stale(target)
    refused = atomic.refusal(target)
    if refused:
        raise atomic.OutputRefused(refused)
    staged = atomic.staging_dir(target)
    try:
        for relative, data in sorted(files.items()):
            atomic.write_file(staged, relative, data)
        atomic.write_file(staged, atomic.MARKER, atomic.MARKER_TEXT)
        on_stage("staged")
        atomic.swap_in(staged, target, on_stage)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
