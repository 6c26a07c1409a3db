"""The build: load → validate → derive → index and plan → render → link check → write atomically."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from generator.cache import BuildCache
from generator.hashing import Fingerprints
from generator.load.config import Config
from generator.load.content_pages import for_language
from generator.load.site import Site, load_site
from generator.model.derive import derive_all
from generator.model.problems import ERROR, WARNING, Problems
from generator.output import atomic, downloads, feeds, linkcheck, share_cards, writer
from generator.output.search_index import search_index
from generator.plan.index import build_index
from generator.plan.page import PlannedPage
from generator.plan.planner import plan
from generator.render.labels import LANGUAGES, THEME, load_labels
from generator.render.renderer import (
    Renderer,
    RenderError,
    RenderSettings,
    default_workers,
    edition_key,
    page_keys,
    render_pages,
    template_files,
)


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


def render_site(site: Site, problems: Problems, cache: BuildCache | None = None,
                workers: int = 1, data_dir: Path | None = None) -> tuple[list[PlannedPage], dict[str, bytes]] | None:
    """Everything the output folder will hold, as {relative path: bytes}; None on template errors.

    Every page is rendered once per language: Vietnamese at the root, English under en/. The downloads
    are streamed into `data_dir` (its data/ folder); without one they come back with the pages (for
    `check` and the tests).
    """
    if data_dir is None:
        with downloads.scratch(None) as scratch:
            rendered = render_site(site, problems, cache, workers, scratch)
            return None if rendered is None else (rendered[0], {**rendered[1], **downloads.read_back(scratch)})
    config = site.config
    index = build_index(site.registry, derive_all(site.records, cache.derived if cache else None), site.reviewed)
    feed = feeds.atom(config, for_language(site.content_pages, "vi"))
    data_summary = downloads.summary(index, downloads.write(data_dir, config, index, cache.rows if cache else None))
    files: dict[str, bytes] = {}
    all_pages: list[PlannedPage] = []
    templates = template_files(config.root)  # read the templates once, not once per language
    fingerprints = cache.fingerprints if cache else Fingerprints()  # each record is walked once
    cards = share_cards.CardCache.beside(config.root) if cache else None  # drawn share cards, on disk
    for lang in LANGUAGES:
        labels = load_labels(lang)
        content_pages = for_language(site.content_pages, lang)
        site_plan = plan(index, labels, content_pages, data_summary)
        settings = RenderSettings(config, labels, lang, index, content_pages, bool(feed))
        renderer = Renderer(settings, cache.render.bytecode if cache else None)
        template_errors = renderer.check_templates()
        if template_errors:
            problems.extend(template_errors)
            return None
        keys = page_keys(site_plan.pages, edition_key(settings, templates, fingerprints), fingerprints)
        try:
            files.update(render_pages(renderer, site_plan.pages, cache.render if cache else None, keys, workers))
        except RenderError as exc:
            problems.extend([exc.problem])
            return None
        files[renderer.prefix + "search-index.json"] = search_index(site_plan.search, labels, renderer.url)
        files.update(share_cards.edition_cards(site_plan.pages, config, labels, lang, cards))
        all_pages += [replace(p, url=renderer.prefix + p.url) for p in site_plan.pages]
    fingerprints.end_build()
    if cards:
        cards.prune()
    files.update(_static_files(config))
    files.update(feeds.sitemap_and_robots(config, all_pages))
    files.update(feed)
    files[".nojekyll"] = b""
    if config.cname:
        files["CNAME"] = (config.cname + "\n").encode("utf-8")
    return all_pages, files


def build(root: Path, problems: Problems, output: Path | None = None, base_url: str | None = None,
          strict: bool = False, cache: BuildCache | None = None, workers: int | None = None,
          on_stage: Callable[[str], None] | None = None, in_place: bool | None = None) -> BuildResult | None:
    """Check and build the site under `root`. Writes nothing unless the whole build succeeds.

    With a `cache` (as `serve` keeps one, and `build` on disk), unchanged inputs are not parsed or
    rendered again. The output folder is updated in place, file by file, when `in_place` (by default:
    when there is a cache); otherwise the whole site is written to a fresh folder and swapped in.
    `on_stage(name)` is called at each stage boundary ("loaded", "rendered", "checked", "staged",
    "aside" (fallback swap only), "swapped", "done"), so tests can interrupt a build at an exact point.
    """
    notify = on_stage or atomic.no_stage
    started = time.perf_counter()
    site = load_site(root, problems, cache=cache.records if cache else None)
    if site is None or problems.errors or (strict and problems.warnings):
        return None
    notify("loaded")
    if base_url:
        site = replace(site, config=site.config.with_base_url(base_url))
    if workers is None:
        workers = default_workers(len(site.records))
    target = output or site.config.output_dir
    target = target if target.is_absolute() else Path(os.getcwd()) / target
    with downloads.scratch(target) as data_dir:  # the downloads are streamed here, then moved in
        rendered = render_site(site, problems, cache, workers, data_dir)
        if rendered is None:
            return None
        planned, files = rendered
        notify("rendered")
        level = ERROR if site.config.link_check == "error" else WARNING
        listed = {**dict.fromkeys(downloads.listed(data_dir), b""), **files}  # the link check needs their names
        problems.extend(linkcheck.check(listed, site.config.base_path, level, cache.links if cache else None))
        if problems.errors or (strict and problems.warnings):
            return None
        notify("checked")
        try:
            if cache is not None and (in_place is None or in_place):
                writer.update(files, target, cache.written, data_dir)
            else:
                writer.write(files, target, notify, data_dir)
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
