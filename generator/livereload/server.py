"""`generator serve`: build, serve under the base path, rebuild on change, reload open pages.

Reloading goes through the livereload package. Two of its defaults are changed on purpose:
- its snippet is an inline script, which the pages' Content-Security-Policy would block, so pages get
  a same-origin `<script src="/livereload.js">` instead;
- it ignores changes that come within 3 s of the previous reload, which makes reloading look as if
  it silently stopped; here every finished rebuild sends a reload.
A failed rebuild keeps the last good site and shows the errors in a banner on every page until the
files are fixed. Only files inside the output folder are ever served.
"""
from __future__ import annotations

import html
import mimetypes
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from tornado import web

from generator.cache import BuildCache
from generator.model.problems import Problem, Problems
from generator.pipeline import build

WATCHED = ("site.yaml", "content", "templates", "static")
StartResponse = Callable[[str, list[tuple[str, str]]], object]


@dataclass
class DevSite:
    """The state `serve` keeps between rebuilds."""

    site: Path
    www: Path  # served at "/", the site itself at www/<base path>
    base_path: str
    errors: list[Problem] = field(default_factory=list)
    builds: int = 0
    cache: BuildCache = field(default_factory=BuildCache)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def output(self) -> Path:
        return self.www / self.base_path.strip("/") if self.base_path.strip("/") else self.www

    def rebuild(self) -> bool:
        with self.lock:
            problems = Problems()
            result = build(self.site, problems, output=self.output, cache=self.cache)
            self.errors = problems.sorted() if result is None else []
            self.builds += 1
            for p in problems.sorted():
                print(p, file=sys.stderr)
            print(result.summary() if result else f"Build failed; still serving the last good site "
                  f"({len(problems.errors)} error(s) shown in the browser).", file=sys.stderr)
            return result is not None


def resolve(root: Path, url_path: str) -> Path | None:
    """The file for a request path inside `root`, or None (also for any attempt to leave it)."""
    path = unquote(url_path.split("?", 1)[0])
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    target = root.joinpath(*parts)
    if target.is_dir():
        target = target / "index.html"
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_file() and real.is_relative_to(root.resolve()) else None


def error_banner(errors: Iterable[Problem]) -> bytes:
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in errors)
    return (f'<div class="build-errors" role="alert"><p><strong>Bản dựng mới bị lỗi — đang hiển thị bản '
            f'cũ. Sửa các lỗi sau:</strong></p><ul>{items}</ul></div>').encode()


def make_app(dev: DevSite) -> Callable[[dict[str, Any], StartResponse], list[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        raw_path = environ.get("PATH_INFO", "/")
        if raw_path.startswith("/livereload"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        file = resolve(dev.www, environ.get("RAW_URI") or raw_path)
        if file is None:
            return _not_found(dev, start_response)
        body = file.read_bytes()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html" and dev.errors:
            body = body.replace(b"<main", error_banner(dev.errors) + b"<main", 1)
        start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") or
                                   kind.endswith("javascript") else kind), ("Cache-Control", "no-store")])
        return [body]

    return app


def _not_found(dev: DevSite, start_response: StartResponse) -> list[bytes]:
    page = dev.output / "404.html"
    body = page.read_bytes() if page.is_file() else b"<!doctype html><title>404</title><h1>404</h1>"
    if dev.errors:
        body = body.replace(b"<main", error_banner(dev.errors) + b"<main", 1)
    start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
    return [body]


class PortalServer(Server):  # type: ignore[misc]  # livereload has no type information
    """livereload's server with a same-origin reload script (see the module docstring)."""

    script = b""

    def get_web_handlers(self, script: bytes) -> list[Any]:
        return [(r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(self.app, self.script)})]


def serve(site: Path, host: str, port: int, open_browser: bool, base_path: str | None = None) -> int:
    from generator.load.config import load as load_config

    problems = Problems()
    config = load_config(site, problems)
    path = base_path or (config.base_path if config else "/")
    dev = DevSite(site, Path(tempfile.mkdtemp(prefix="portal-serve-")), path)
    dev.rebuild()
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # never drop a reload (see the module docstring)
    server = PortalServer(app=make_app(dev))
    server.script = b'<script src="/livereload.js?port=' + str(port).encode() + b'"></script>'
    for name in WATCHED:
        if (site / name).exists():
            server.watch(str(site / name), dev.rebuild)
    print(f"Serving on http://{host}:{port}{path} (Ctrl+C to stop)", file=sys.stderr)
    server.serve(host=host, port=port, open_url_delay=1 if open_browser else None, debug=False)
    return 0
