"""The build: load → validate → derive → index and plan → render → link check → write atomically."""
from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from generator.cache import BuildCache
from generator.hashing import Fingerprints, digest
from generator.load.config import Config
from generator.load.content_pages import for_language
from generator.load.site import Site, load_site
from generator.model.derive import derive_all
from generator.model.problems import ERROR, WARNING, Problem, Problems
from generator.output import atomic, downloads, feeds, linkcheck, share_cards, writer
from generator.output.search_index import search_index
from generator.plan.index import SiteIndex, build_index
from generator.plan.memo import PlanMemo
from generator.plan.page import DataSummary
from generator.plan.planner import plan
from generator.render.labels import LANGUAGES, THEME, Language, load_labels
from generator.render.renderer import (
    MemoryBytecodeCache,
    Renderer,
    RenderError,
    RenderSettings,
    edition_key,
    page_keys,
    stream_pages,
    template_files,
)
from generator.workers import default_workers


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


@dataclass
class _Checked:
    """Each file goes to the output as it is made, and its links to the link check."""

    out: writer.Output
    links: linkcheck.Links | None  # None: the caller checks the links itself
    near: Path | None = None  # the output folder: files streamed to disk are made beside it, then moved in

    def put(self, relative: str, data: bytes, made: str | None = None) -> None:
        made = made or digest(data)
        self.out.put(relative, data, made)
        if self.links is not None:
            self.links.add(relative, data, made)

    def put_file(self, relative: str, path: Path, made: str) -> str:
        """Move the file at `path`, whose digest is `made`, in; returns its digest."""
        self.out.put_file(relative, path, made)
        if self.links is not None:
            self.links.add(relative, b"", made)  # not a page: the link check needs only its name
        return made

    def reuse_file(self, relative: str, made: str) -> bool:
        """An unchanged file that is not a page (a download), taken from the last output."""
        if not self.out.reuse(relative, made):
            return False
        if self.links is not None:
            self.links.add(relative, b"", made)
        return True

    def reuse(self, relative: str, made: str) -> bool:
        """An unchanged page: taken from the last output, with its links as parsed then."""
        return (self.links is not None and self.links.known(relative, made) and self.out.reuse(relative, made)
                and self.links.add_known(relative))


def check(root: Path, problems: Problems, cache: BuildCache | None = None,
          on_loaded: Callable[[Site], None] | None = None) -> None:
    """Add to `problems` whatever a build of the site under `root` would report, writing nothing.

    Every file is made as `build` makes it (the same functions, in the same order, with as many
    workers) and dropped once the link check has what it needs of it: nothing is held but each page's
    links and ids. With `cache`, the one the last build left on disk (read, never written), what did
    not change since is not parsed or made again: an unchanged page's links are the ones that build
    found in it."""
    with _collector_eased():
        site = _loaded(root, problems, cache)
        if site is None or problems.errors:
            return  # the build stops here too: rendering needs a site that loads
        if on_loaded is not None:
            on_loaded(site)
        links = linkcheck.Links(site.config.base_path, cache.links if cache else None)
        out = _Checked(writer.Nowhere(), links)
        if render_into(site, problems, out, cache, default_workers(len(site.records)), keeps=False) is not None:
            problems.extend(_link_problems(links, site.config))


def _loaded(root: Path, problems: Problems, cache: BuildCache | None, workers: int | None = None) -> Site | None:
    """The site, with what `cache` kept of the records, their problems and the other inputs."""
    return load_site(root, problems, cache=cache.records if cache else None,
                     checked=cache.checked if cache else None, workers=workers,
                     inputs=cache.inputs if cache else None)


def _link_problems(links: linkcheck.Links, config: Config) -> list[Problem]:
    return links.problems(ERROR if config.link_check == "error" else WARNING)


def render_into(site: Site, problems: Problems, out: _Checked, cache: BuildCache | None = None,
                workers: int = 1, keeps: bool = True) -> list[feeds.Listed] | None:
    """Make every file of the site into `out`, as it is made; None on template errors. Without `keeps`
    (`check`), nothing made is kept on disk for the next build.

    Every page is rendered once per language: Vietnamese at the root, English under en/.
    """
    config = site.config
    derived = derive_all(site.records, cache.derived if cache else None)
    index = build_index(site.registry, derived, site.reviewed)
    feed = feeds.atom(config, for_language(site.content_pages, "vi"))
    sizes = _downloads(out, config, index, cache.rows if cache else None, workers)
    data_summary = downloads.summary(index, sizes)  # the data page tells their sizes
    all_pages: list[feeds.Listed] = []
    templates = template_files(config.root)  # read the templates once, not once per language
    fingerprints = cache.fingerprints if cache else Fingerprints()  # each record is walked once
    fingerprints.lasting(list(derived))  # derived records last from build to build: remembered
    if cache:
        cache.render.rendered = 0
    cards = share_cards.CardCache.beside(config.root, read_only=not keeps) if cache else None  # drawn cards, on disk
    # Templates compiled once for both editions (and, in `serve`, kept between builds).
    bytecode = cache.render.bytecode if cache else MemoryBytecodeCache()
    shared = _Shared(out, cache, fingerprints, bytecode, cards, templates, bool(feed), workers)
    for lang in LANGUAGES:
        edition = _edition(site, lang, index, data_summary, shared, problems)
        if edition is None:
            return None
        all_pages += edition  # only what the sitemap needs: each edition's pages and data are freed here
    fingerprints.end_build()
    if cache and cache.render.fragments is not None:
        cache.render.fragments.end_build(set(cache.render.pages))
    if cards:
        cards.prune()
    _put_all(out, _static_files(config))
    _put_all(out, feeds.sitemap_and_robots(config, all_pages))
    _put_all(out, feed)
    out.put(".nojekyll", b"")
    if config.cname:
        out.put("CNAME", (config.cname + "\n").encode("utf-8"))
    return all_pages


@dataclass(frozen=True)
class _Shared:
    """What both editions of one build use."""

    out: _Checked
    cache: BuildCache | None
    fingerprints: Fingerprints
    bytecode: MemoryBytecodeCache
    cards: share_cards.CardCache | None
    templates: str  # digest of the template files
    has_feed: bool
    workers: int


def _edition(site: Site, lang: Language, index: SiteIndex, data_summary: DataSummary, shared: _Shared,
             problems: Problems) -> list[feeds.Listed] | None:
    """Plan, render and write one edition's pages; None on template errors."""
    config, out, cache = site.config, shared.out, shared.cache
    labels = load_labels(lang)
    content_pages = for_language(site.content_pages, lang)
    memo = cache.plans.setdefault(lang, PlanMemo()) if cache and cache.plans is not None else None
    site_plan = plan(index, labels, content_pages, data_summary, memo=memo)
    if memo is not None:
        shared.fingerprints.lasting(memo.kept())  # kept for the next build: their keys' walks too
    settings = RenderSettings(config, labels, lang, index, content_pages, shared.has_feed)
    # Keys serve only the cache: a build without one (--clean, check) does not walk every page for them.
    edition = edition_key(settings, shared.templates, shared.fingerprints) if cache else None
    fragments = cache.render.fragments if cache else None
    renderer = Renderer(settings, shared.bytecode, (fragments, edition, shared.fingerprints)
                        if fragments is not None and edition is not None else None)
    template_errors = renderer.check_templates()
    if template_errors:
        problems.extend(template_errors)
        return None
    keys = page_keys(site_plan.pages, edition, shared.fingerprints) if edition is not None else None
    try:
        for name, html, made in stream_pages(renderer, site_plan.pages, cache.render if cache else None, keys,
                                             shared.workers, reuse=out.reuse):
            out.put(name, html, made)
    except RenderError as exc:
        problems.extend([exc.problem])
        return None
    out.put(renderer.prefix + "search-index.json", search_index(site_plan.search, labels, renderer.url))
    _put_all(out, share_cards.edition_cards(site_plan.pages, config, labels, lang, shared.cards, shared.workers))
    return [feeds.Listed.of(p, renderer.prefix) for p in site_plan.pages]


def _downloads(out: _Checked, config: Config, index: SiteIndex, rows: downloads.RowCache | None,
               workers: int) -> dict[str, int]:
    """Every file under data/, streamed to disk and moved in; with a cache, taken from the last output
    instead when made from the same records and settings. Returns {name under data/: size}."""
    key = downloads.inputs_key(config, index) if rows is not None else None
    kept = rows.written if rows is not None else None
    if (key is not None and kept is not None and kept.key == key
            and all(out.reuse_file(f"data/{name}", made) for name, made in kept.digests.items())):
        return kept.sizes
    with downloads.scratch(out.near) as scratch:
        digests: dict[str, str] = {}  # taken as each file was written: not read back
        sizes = downloads.write(scratch, config, index, rows, digests, workers, kept=out.out.kept)
        made = {name: out.put_file(f"data/{name}", scratch / "data" / name, digests[name]) for name in sizes}
    if rows is not None:
        rows.written = downloads.Written(key, sizes, made) if key else None
    return sizes


def _put_all(out: _Checked, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        out.put(relative, data)


def build(root: Path, problems: Problems, output: Path | None = None, base_url: str | None = None,
          strict: bool = False, cache: BuildCache | None = None, workers: int | None = None,
          on_stage: Callable[[str], None] | None = None, in_place: bool | None = None) -> BuildResult | None:
    """Check and build the site under `root`. Leaves the output as it was unless the whole build succeeds.

    Each file is written as it is made, into a folder swapped in at the end (with a cache, the spare:
    see `writer.Staging`); with a `cache` (as `serve` keeps one, and `build` on disk), unchanged inputs
    are not parsed or rendered again, and an unchanged page is linked from the last output. The output
    folder is instead updated in place, file by file once the build passed, when `in_place` (by
    default: when there is a cache).
    `on_stage(name)` is called at each stage boundary ("loaded", "rendered", "checked", "staged",
    "aside" (fallback swap only), "swapped", "done"), so tests can interrupt a build at an exact point.
    """
    with _collector_eased():
        return _build(root, problems, output, base_url, strict, cache, workers, on_stage, in_place)


@contextmanager
def _collector_eased() -> Iterator[None]:
    """Python's cycle collector eased for the build. What exists before it (the modules, and the cache
    with every record in it) is frozen: left out of collection, which walked those hundreds of
    thousands of objects each time it looked at the oldest generation (about a fifth of a one-record
    build); forked render workers, which inherit them, then also leave their memory shared. And the
    youngest generation is collected after 50,000 new objects instead of 700: a build makes millions
    and little cyclic garbage, which is still collected as the build goes. Both are undone when it
    ends."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *threshold[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


YOUNG_OBJECTS = 50_000  # new objects between two collections of the youngest generation, during a build


def _build(root: Path, problems: Problems, output: Path | None, base_url: str | None, strict: bool,
           cache: BuildCache | None, workers: int | None, on_stage: Callable[[str], None] | None,
           in_place: bool | None) -> BuildResult | None:
    notify = on_stage or atomic.no_stage
    started = time.perf_counter()
    site = _loaded(root, problems, cache, workers)
    if site is None or problems.errors or (strict and problems.warnings):
        return None
    notify("loaded")
    if base_url:
        site = replace(site, config=site.config.with_base_url(base_url))
    if workers is None:
        workers = default_workers(len(site.records))
    target = output or site.config.output_dir
    target = target if target.is_absolute() else Path(os.getcwd()) / target
    links = linkcheck.Links(site.config.base_path, cache.links if cache else None)
    try:
        with writer.opened(target, cache.written if cache else None,
                           cache is not None and (in_place is None or in_place)) as out:
            planned = render_into(site, problems, _Checked(out, links, target), cache, workers)
            if planned is None:
                return None
            notify("rendered")
            problems.extend(_link_problems(links, site.config))
            links.forget_others()
            if problems.errors or (strict and problems.warnings):
                return None
            notify("checked")
            out.commit(notify)
    except atomic.OutputRefused as exc:
        problems.add(_shown(target, root), 0, 0, exc.text)
        return None
    notify("done")
    return BuildResult(len(planned), len(site.records), time.perf_counter() - started, target, site.config)


def _shown(target: Path, root: Path) -> str:
    """The output folder as the maintainer named it: relative to the site when inside it."""
    try:
        return target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(target)
