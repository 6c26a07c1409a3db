"""Render planned pages with Jinja2 (autoescape on; a site's templates/ override the theme's)."""
from __future__ import annotations

import multiprocessing
import os
import signal
import re
from contextvars import ContextVar
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator.render import formats

from generator.render import views
from generator.plan.charts import script_json
from generator.cache import digest
from generator.load.config import Config
from generator.plan.planner import Page
from generator.model.problems import Problem

THEME = Path(__file__).parent / "theme"
_SITE_ROOT: ContextVar[Path] = ContextVar("site_root", default=Path.cwd())
PAGE_TYPES = ("home", "provinces", "province", "committee", "years", "year", "indicators", "indicator", "page", "data", "search", "embed", "404")


LANGUAGES = {"vi": ("", "vi_VN"), "en": ("en/", "en")}  # language: (URL prefix, Babel locale)


def load_labels(lang: str = "vi") -> dict:
    with open(THEME / f"labels.{lang}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class Renderer:
    """Renders pages in one language: its labels, its number and date formats, its URL prefix."""

    def __init__(self, config: Config, labels: dict, lang: str = "vi"):
        self.config = config
        self.labels = labels
        self.lang = lang
        self.prefix, self.locale = LANGUAGES[lang]
        _SITE_ROOT.set(config.root)

    @cached_property
    def env(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([
                jinja2.FileSystemLoader(str(self.config.root / "templates")),
                jinja2.FileSystemLoader(str(THEME / "templates")),
            ]),
            autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            keep_trailing_newline=True)
        loc = self.locale
        env.filters.update(num=lambda v: formats.number(v, loc), pct=lambda v: formats.percent(v, loc),
                           val=lambda v: formats.value(v, loc), fig=lambda f: formats.figure(f, loc),
                           date=lambda d: formats.date(d, loc), script_json=script_json,
                           cell=lambda v: views.cell(v, loc))
        env.globals.update(L=self.labels, config=self.config, url=self.url, asset=self.asset,
                           url_in=self.url_in, absolute=self.absolute, lang=self.lang, locale=loc, languages=tuple(LANGUAGES),
                           block_rows=lambda d, name, labels: views.block_rows(d, name, labels, loc))
        return env

    def url(self, path: str) -> str:
        """A page of this language's edition, under the base path so the site works in a sub-folder."""
        return self.url_in(self.lang, path)

    def url_in(self, lang: str, path: str) -> str:
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
                problems.append(Problem("site.yaml", 1, 1, "error", f"unknown page type '{page_type}' under 'templates'",
                                        "use one of: " + ", ".join(PAGE_TYPES)))
                continue
            try:
                self.env.get_template(name)
            except jinja2.TemplateNotFound:
                problems.append(Problem("site.yaml", 1, 1, "error", f"template '{name}' for '{page_type}' pages does not exist",
                                        "put it in templates/ or remove the line"))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(_template_problem(exc))
        return problems

    def render(self, page: Page) -> str:
        template = self.env.get_template(self.template_name(page.template))
        context: dict[str, Any] = {"page": page, **page.context}
        return template.render(context)


class RenderError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def default_workers(records: int) -> int:
    """Processes to render with: the cores, for builds big enough to gain from them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 8) if records >= 500 else 1


# Set just before worker processes are forked, so they inherit the renderer and the pages instead of
# receiving them pickled; read only inside those workers.
_JOB: tuple[Renderer, list[Page]] | None = None


def _leave_ctrl_c_to_parent() -> None:
    """Workers ignore Ctrl+C: the parent stops the pool and reports once, without worker tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_indices(indices: list[int]) -> list[tuple[int, bytes | Problem]]:
    renderer, pages = _JOB  # type: ignore[misc]
    return [(i, _render_one(renderer, pages[i])) for i in indices]


def _render_one(renderer: Renderer, page: Page) -> bytes | Problem:
    try:
        return renderer.render(page).encode("utf-8")
    except (jinja2.TemplateError, TypeError, KeyError, AttributeError, ValueError) as exc:
        return template_problem(exc)


def render_pages(renderer: Renderer, pages: list[Page], site_fingerprint: str, cache: Any = None,
                 workers: int = 1) -> dict[str, bytes]:
    """Render every page; with a cache, pages whose inputs did not change are reused."""
    global _JOB
    keys = [digest(repr((site_fingerprint, p.template, p.url, p.deps)).encode("utf-8")) for p in pages]
    results: dict[int, bytes | Problem] = {}
    todo = []
    for i, (page, key) in enumerate(zip(pages, keys)):
        hit = cache.pages.get(renderer.prefix + page.output_path) if cache is not None else None
        if hit is not None and hit[0] == key and page.deps:
            results[i] = hit[1]
        else:
            todo.append(i)
    if workers > 1 and len(todo) >= 24 and "fork" in multiprocessing.get_all_start_methods():
        _JOB = (renderer, pages)
        try:
            chunks = [todo[n::workers] for n in range(workers)]
            with multiprocessing.get_context("fork").Pool(workers, initializer=_leave_ctrl_c_to_parent) as pool:
                for part in pool.map(_render_indices, chunks):
                    results.update(part)
        finally:
            _JOB = None
    else:
        results.update((i, _render_one(renderer, pages[i])) for i in todo)
    files = {}
    for i, page in enumerate(pages):
        result = results[i]
        if isinstance(result, Problem):
            raise RenderError(result)
        files[renderer.prefix + page.output_path] = result
        if cache is not None:
            cache.pages[renderer.prefix + page.output_path] = (keys[i], result)
    if cache is not None:
        cache.rendered = len(todo)
    return files


def _template_problem(exc: jinja2.TemplateSyntaxError | jinja2.TemplateError) -> Problem:
    filename = getattr(exc, "filename", None) or getattr(exc, "name", None) or "templates"
    return Problem(_short(str(filename)), getattr(exc, "lineno", 0) or 0, 1, "error",
                   f"template error: {exc.message}", "fix the template at that line")


def template_problem(exc: Exception) -> Problem:
    """Locate an error raised while rendering, in the template file and line where it happened."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return _template_problem(exc)
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return Problem(_short(frame.filename), frame.lineno or 0, 1, "error",
                           f"template error: {exc}", "fix the template at that line")
    return Problem("templates", 0, 0, "error", f"template error: {exc}", "check the templates")


def _short(filename: str) -> str:
    """A template's path as a maintainer knows it: templates/x.html, or the theme's own file."""
    path = Path(filename)
    for base in (_SITE_ROOT.get(), THEME.parents[2]):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name
