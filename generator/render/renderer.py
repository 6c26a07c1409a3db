"""Render planned pages with Jinja2 (autoescape on; a site's templates/ override the theme's).

A renderer is made for one edition of one build and never changed afterwards: everything its
templates see is given when it is made (`RenderSettings`). What `serve` keeps between builds is the
`RenderCache`: compiled templates (checked against their source, so an edited template compiles
again) and each page's HTML with the inputs it was made from.
"""
from __future__ import annotations

import contextlib
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.hashing import Fingerprints, digest
from generator.i18n import later
from generator.load.config import Config
from generator.load.content_pages import ContentPage
from generator.model.problems import Problem
from generator.model.types import BLOCKS
from generator.plan.index import SiteIndex
from generator.plan.page import PAGE_TYPES, PlannedPage
from generator.plan.titles import indicator_title
from generator.plan.wording import record_anchor, row_anchor
from generator.render import formats, views
from generator.render.labels import LANGUAGES, THEME, Labels, Language, readable
from generator.workers import StartMethod, shared_out, sharing

__all__ = ["LANGUAGES", "THEME", "RenderCache", "RenderError", "RenderSettings", "Renderer", "edition_key",
           "page_keys", "render_pages", "stream_pages", "template_files"]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory between builds; Jinja checks each against its source."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.store.clear()


@dataclass
class RenderCache:
    """What the render stage keeps between builds: not the pages' HTML (the last output on disk holds
    it), but each page's key and the digest of the bytes it made, so an unchanged page is taken from
    the last output (see `writer.Output.reuse`)."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # output path -> (inputs' key, digest)
    bytecode: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    rendered: int = 0  # pages rendered by the last build, both editions (the rest came from the last output)
    fragments: Fragments | None = None  # `serve` only: pieces of pages (see `Fragments`)


@dataclass
class Fragments:
    """Pieces of pages kept from build to build by `serve`: the HTML a macro made, by its name, the
    edition's key and a fingerprint of its arguments. For pieces that are many and that an edit mostly
    leaves as they were: a national trend's table has a row per committee, and a changed figure
    changes one. Such a macro must show nothing but its arguments and the edition's globals (which
    the edition's key covers). A piece is kept while a page rendered in this `serve` last used it
    (pages rendered by worker processes, as in the first build, keep none)."""

    kept: dict[str, Markup] = field(default_factory=dict)
    by_page: dict[str, set[str]] = field(default_factory=dict)  # output path -> the pieces its last render used
    page: str = ""  # the page being rendered

    def rendering(self, page: str) -> None:
        self.page = page
        self.by_page[page] = set()

    def get(self, key: str) -> Markup | None:
        self.by_page[self.page].add(key)
        return self.kept.get(key)

    def end_build(self, pages: set[str]) -> None:
        """The build ended with these pages: forget the others' pieces, and those no page uses."""
        self.by_page = {page: keys for page, keys in self.by_page.items() if page in pages}
        live = set().union(*self.by_page.values())
        self.kept = {key: made for key, made in self.kept.items() if key in live}


@dataclass(frozen=True)
class RenderSettings:
    """Everything every page of one edition shows besides its own data."""

    config: Config
    labels: Labels
    lang: Language
    index: SiteIndex
    content_pages: list[ContentPage]
    has_feed: bool


class Renderer:
    """Renders pages in one language: its labels, its number and date formats, its URL prefix."""

    def __init__(self, settings: RenderSettings, bytecode: jinja2.BytecodeCache | None = None,
                 pieces: tuple[Fragments, str, Fingerprints] | None = None):
        self.settings = settings
        self.bytecode = bytecode
        self.config = settings.config
        self.lang = settings.lang
        self.prefix, self.locale = LANGUAGES[settings.lang]
        self.pieces = pieces  # with `serve`'s fragments: them, the edition's key and the build's fingerprints
        self.env = self._environment()

    def __reduce__(self) -> tuple[type[Renderer], tuple[RenderSettings, jinja2.BytecodeCache | None]]:
        """Pickled as its settings (for worker processes started with `spawn`)."""
        return (Renderer, (self.settings, self.bytecode))

    def _environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([
                jinja2.FileSystemLoader(str(self.config.root / "templates")),
                jinja2.FileSystemLoader(str(THEME / "templates")),
            ]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True, bytecode_cache=self.bytecode)
        loc = self.locale
        env.filters.update(num=partial(formats.number, locale=loc), pct=partial(formats.percent, locale=loc),
                           val=partial(formats.value, locale=loc), fig=partial(formats.figure, locale=loc),
                           headline=partial(formats.headline, locale=loc),
                           date=partial(formats.date, locale=loc), cell=partial(views.cell, locale=loc),
                           script_json=lambda data: Markup(formats.script_json(data)))
        s = self.settings
        env.globals.update(
            L=readable(s.labels), config=self.config, url=self.url, asset=self.asset, url_in=self.url_in,
            absolute=self.absolute,
            lang=self.lang, locale=loc, languages=tuple(LANGUAGES), blocks=BLOCKS,
            block_rows=partial(views.block_rows, locale=loc), indicator_title=partial(indicator_title, labels=s.labels),
            content_pages=s.content_pages, has_feed=s.has_feed,
            names=s.index.names, committee_names=s.index.committee_names)
        env.globals["quoted"] = partial(views.quoted_vi, lang=self.lang)  # labels quoting Vietnamese words
        wording = views.Wording(s.labels, loc)
        env.globals.update(period=wording.period, source_link=wording.source_link, source_links=wording.source_links,
                           row_source_links=wording.row_source_links, permalink=wording.permalink,
                           anchor=record_anchor, row_anchor=row_anchor)
        env.globals["newest_first"] = views.newest_first
        env.globals["fragment"] = self.fragment
        return env

    def fragment(self, name: str, macro: Callable[..., Markup], *args: object) -> Markup:
        """`macro(*args)`, taken from `serve`'s fragments when an earlier build made it from equal
        arguments in the same edition (see `Fragments`); `name` names the macro among all templates'."""
        if self.pieces is None:
            return macro(*args)
        fragments, edition, fingerprints = self.pieces
        key = digest(f"{edition}:{name}:{fingerprints.of(args)}".encode())
        made = fragments.get(key)
        if made is None:
            made = fragments.kept[key] = macro(*args)
        return made

    def url(self, path: str) -> str:
        """A page of this language's edition, under the base path so the site works in a sub-folder."""
        return self.url_in(self.lang, path)

    def url_in(self, lang: Language, path: str) -> str:
        return self.config.base_path + LANGUAGES[lang][0] + path.lstrip("/")

    def absolute(self, path: str) -> str:
        """A full address when base_url has one (canonical links, sharing), else the path itself."""
        match = re.match(r"https?://[^/]+", self.config.base_url)
        return (match.group(0) if match else "") + path

    def asset(self, path: str) -> str:
        """A file shared by every edition (stylesheet, scripts, downloads)."""
        return self.config.base_path + path.lstrip("/")

    def template_name(self, page_type: str) -> str:
        overrides = self.config.templates or {}
        return overrides.get(page_type, f"{page_type}.html")

    def check_templates(self) -> list[Problem]:
        """Unknown page types or missing template files named in site.yaml, found before rendering."""
        problems = []
        for page_type, name in (self.config.templates or {}).items():
            if page_type not in PAGE_TYPES:
                problems.append(Problem.deferred("site.yaml", 1, 1, "error",
                                              later("unknown page type '{name}' under 'templates'", name=page_type),
                                              later("use one of: {names}", names=", ".join(PAGE_TYPES))))
                continue
            try:
                self.env.get_template(name)
            except jinja2.TemplateNotFound:
                problems.append(Problem.deferred(
                    "site.yaml", 1, 1, "error",
                    later("template '{name}' for '{kind}' pages does not exist", name=name, kind=page_type),
                    later("put it in templates/ or remove the line")))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(template_problem(exc, self.config.root))
        return problems

    def compile_templates(self) -> None:
        """Compile every template once, here, before worker processes render pages: they then inherit
        them compiled (forked) or receive them so (spawned), instead of each compiling its own, and the
        bytecode cache keeps them for the next build. A template that does not compile
        is left to fail where a page uses it, with its place."""
        for name in self.env.list_templates(filter_func=lambda n: n.endswith(".html")):
            with contextlib.suppress(jinja2.TemplateError):
                self.env.get_template(name)

    def render(self, page: PlannedPage) -> str:
        if self.pieces is not None:
            self.pieces[0].rendering(self.prefix + page.output_path)
        template = self.env.get_template(self.template_name(page.template))
        context: dict[str, Any] = {"page": page, **page.context.variables()}
        return template.render(context)

    def render_one(self, page: PlannedPage) -> bytes | Problem:
        try:
            return self.render(page).encode("utf-8")
        except (jinja2.TemplateError, TypeError, KeyError, AttributeError, ValueError) as exc:
            return template_problem(exc, self.config.root)


class RenderError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def template_files(site_root: Path) -> str:
    """A digest of every template file a page may include, the theme's and the site's own."""
    parts = []
    for folder in (THEME / "templates", site_root / "templates"):
        if folder.is_dir():
            parts += [f.as_posix() + digest(f.read_bytes()) for f in sorted(folder.rglob("*")) if f.is_file()]
    return digest("\n".join(parts).encode("utf-8"))


def edition_key(settings: RenderSettings, templates: str, fingerprints: Fingerprints) -> str:
    """Everything every page of one edition is made from besides its own `PlannedPage`: the template
    files and exactly what the renderer hands the templates as globals (see `Renderer._environment`)."""
    s = settings
    return digest(repr((templates, fingerprints.of((s.config, s.labels, s.lang, s.content_pages, s.has_feed,
                                                    s.index.names, s.index.committee_names)))).encode())


def page_keys(pages: list[PlannedPage], edition: str, fingerprints: Fingerprints) -> list[str]:
    """Each page's cache key: the edition's, and the page itself (address, template, title, context)."""
    return [digest(f"{edition}:{fingerprints.of(p)}".encode()) for p in pages]


Reuse = Callable[[str, str], bool]  # (output path, digest of the page's bytes last time) -> taken from there


def _never(relative: str, digest: str) -> bool:
    return False


def stream_pages(renderer: Renderer, pages: list[PlannedPage], cache: RenderCache | None = None,
                 keys: list[str] | None = None, workers: int = 1, method: StartMethod | None = None,
                 reuse: Reuse = _never) -> Iterator[tuple[str, bytes, str]]:
    """(output path, HTML, its digest) of each page, as it is rendered. With a cache and the pages'
    keys (see `page_keys`), a page whose key did not change is offered to `reuse` instead, and not
    rendered when that takes it. Raises `RenderError` for the first page (in page order) that fails."""
    todo = []
    for i, page in enumerate(pages):
        hit = cache.pages.get(renderer.prefix + page.output_path) if cache is not None else None
        if not (hit is not None and keys is not None and hit[0] == keys[i]
                and reuse(renderer.prefix + page.output_path, hit[1])):
            todo.append(i)
    if sharing(len(todo), workers):
        renderer.compile_templates()  # else pages render here, compiling each template as it is first used
    results = shared_out(renderer.render_one, pages, todo, workers, method)
    failed: list[tuple[int, Problem]] = []
    for i, result in results:
        if isinstance(result, Problem):
            failed.append((i, result))
        elif not failed:
            name, made = renderer.prefix + pages[i].output_path, digest(result)
            if cache is not None and keys is not None:
                cache.pages[name] = (keys[i], made)
            yield name, result, made
    if failed:
        raise RenderError(min(failed, key=lambda f: f[0])[1])
    if cache is not None:
        cache.rendered += len(todo)


def render_pages(renderer: Renderer, pages: list[PlannedPage], workers: int = 1,
                 method: StartMethod | None = None) -> dict[str, bytes]:
    """Every page rendered, held in memory: {output path: HTML}."""
    return {name: html for name, html, _ in stream_pages(renderer, pages, workers=workers, method=method)}


FIX_TEMPLATE = later("fix the template at that line")


def template_problem(exc: Exception, site_root: Path) -> Problem:
    """Locate an error raised while rendering, in the template file and line where it happened."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename = exc.filename or exc.name or "templates"
        return Problem.deferred(_short(filename, site_root), exc.lineno or 0, 1, "error",
                             later("template error: {detail}", detail=exc.message), FIX_TEMPLATE)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return Problem.deferred(_short(frame.filename, site_root), frame.lineno or 0, 1, "error",
                                 later("template error: {detail}", detail=exc), FIX_TEMPLATE)
    return Problem.deferred("templates", 0, 0, "error", later("template error: {detail}", detail=exc),
                         later("check the templates"))


def _short(filename: str, site_root: Path) -> str:
    """A template's path as a maintainer knows it: templates/x.html, or the theme's own file."""
    path = Path(filename)
    for base in (site_root, THEME.parents[2]):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name
