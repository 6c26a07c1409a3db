"""`generator serve`: build, serve under the base path, rebuild on change, reload open pages.

Reloading goes through the livereload package. Two of its defaults are changed on purpose (by a
subclass and by calling its public class methods, never by patching the package):
- its snippet is an inline script, which the pages' Content-Security-Policy would block, so pages get
  a same-origin `<script src="/livereload.js">` instead;
- it ignores changes that come within 3 s of the previous reload, which makes reloading look as if
  it silently stopped; here every finished rebuild sends the reload itself;
- it looks at every watched file every 800 ms; here file events start the rebuild (see `watch`).
A failed rebuild keeps the last good site and shows the errors in a banner on every page until the
files are fixed; when no build has succeeded yet, every address shows the errors. Only files inside
the output folder are ever served, only to requests naming this server (a web page elsewhere cannot
reach it through DNS rebinding), and the temporary folder is removed on exit.
"""
from __future__ import annotations

import html
import ipaddress
import mimetypes
import shutil
import signal
import socket
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from tornado import ioloop, web

from generator.cache import BuildCache
from generator.cache import load as load_kept
from generator.i18n import Messages, messages
from generator.livereload.watch import NoPolling, Watch
from generator.model.problems import Problem, Problems
from generator.output import atomic, writer
from generator.pipeline import build

WATCHED = ("site.yaml", "content", "templates", "static")
MAX_SEGMENT = 255  # longer than any file name a file system allows
PORTS_TO_TRY = 20
TIDY_AFTER = 1.0  # seconds after a reload: the pages' requests come first
StartResponse = Callable[[str, list[tuple[str, str]]], object]


@dataclass
class DevSite:
    """The state `serve` keeps between rebuilds."""

    site: Path
    www: Path  # served at "/", the site itself at www/<base path>
    base_path: str
    errors: list[Problem] = field(default_factory=list)
    builds: int = 0
    cache: BuildCache = field(default_factory=BuildCache.in_memory)
    lock: threading.Lock = field(default_factory=threading.Lock)
    say: Messages = field(default_factory=lambda: messages("en"))  # console lines and the error banner

    @property
    def output(self) -> Path:
        return self.www / self.base_path.strip("/") if self.base_path.strip("/") else self.www

    def start_from_last_build(self) -> None:
        """Begin with what the last `build` of the site kept in `.portal-cache/` (read here, never written)
        and its output's files, linked into this folder: the first build then makes only what changed
        since, as a `build` would, instead of every page."""
        self.cache = load_kept(self.site).serving()
        writer.link_last(self.cache.written, self.output)

    def rebuild(self) -> bool:
        with self.lock:
            say = self.say
            problems = Problems(say=say)
            result = build(self.site, problems, output=self.output, cache=self.cache)
            self.errors = problems.sorted() if result is None else []
            self.builds += 1
            for p in problems.sorted():
                print(p.shown(say), file=sys.stderr)
            print(say("Built {pages} pages from {records} records in {seconds} s", pages=result.pages,
                      records=result.records, seconds=f"{result.seconds:.2f}") if result else
                  say("Build failed; still serving the last good site ({errors} error(s) shown in the browser).",
                      errors=len(problems.errors)), file=sys.stderr)
            return result is not None

    def rebuild_and_reload(self) -> None:
        """Rebuild, then tell every open page to reload now (not after livereload's 3 s pause); what the
        rebuild replaced is removed a little later, when the pages have been served again."""
        self.rebuild()
        if LiveReloadHandler.waiters:
            LiveReloadHandler.reload_waiters()
        ioloop.IOLoop.current().call_later(TIDY_AFTER, self.tidy)

    def tidy(self) -> None:
        """Remove what the last rebuild left beside the output (the downloads it replaced: see
        `writer.InPlace`), unless a rebuild is running (it removes them itself first)."""
        if self.lock.acquire(blocking=False):
            try:
                atomic.clean_stale(self.output)
            finally:
                self.lock.release()


def resolve(root: Path, url_path: str) -> Path | None:
    """The file for a request path inside `root`, or None (also for any attempt to leave it)."""
    path = unquote(url_path.split("?", 1)[0])
    if "\x00" in path or "\\" in path:
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or len(p.encode("utf-8")) > MAX_SEGMENT for p in parts):
        return None
    target = root.joinpath(*parts)
    try:
        if target.is_dir():
            target = target / "index.html"
        real = target.resolve(strict=True)
        return real if real.is_file() and real.is_relative_to(root.resolve()) else None
    except (OSError, RuntimeError, ValueError):
        return None


def allowed_hosts(host: str, port: int) -> frozenset[str] | None:
    """The Host headers this server answers; None when bound to every address (any name may be used)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host, f"[{host}]"}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    return frozenset(name + suffix for name in names for suffix in ("", f":{port}"))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def error_banner(errors: Iterable[Problem], say: Messages) -> bytes:
    items = "".join(f"<li><code>{html.escape(p.shown(say))}</code></li>" for p in errors)
    heading = html.escape(say("The new build failed; the last good site is shown. Fix these errors:"))
    return (f'<div class="build-errors" role="alert" lang="{say.lang}"><p><strong>{heading}</strong></p>'
            f"<ul>{items}</ul></div>").encode()


WsgiApp = Callable[[dict[str, Any], StartResponse], list[bytes]]


def make_app(dev: DevSite, hosts: frozenset[str] | None = None) -> WsgiApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if hosts is not None and environ.get("HTTP_HOST", "").lower() not in hosts:
            start_response("421 Misdirected Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [dev.say("This preview server answers only to its own address.").encode()]
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"),
                                                      ("Content-Type", "text/plain; charset=utf-8")])
            return [dev.say("Only GET and HEAD requests are answered.").encode()]
        body = _respond(dev, environ, start_response)
        return [b""] if method == "HEAD" else body

    return app


def _respond(dev: DevSite, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    raw_path = environ.get("PATH_INFO", "/")
    if raw_path.startswith("/livereload"):
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [dev.say("Not found.").encode()]
    file = resolve(dev.www, environ.get("RAW_URI") or raw_path)
    if file is None:
        return _not_found(dev, start_response)
    body = file.read_bytes()
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if kind == "text/html" and dev.errors:
        body = body.replace(b"<main", error_banner(dev.errors, dev.say) + b"<main", 1)
    start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") or
                               kind.endswith("javascript") else kind), ("Cache-Control", "no-store")])
    return [body]


def _not_found(dev: DevSite, start_response: StartResponse) -> list[bytes]:
    page = dev.output / "404.html"
    title = html.escape(dev.say("Error"))
    body = page.read_bytes() if page.is_file() else (
        f'<!doctype html><html lang="{dev.say.lang}"><meta charset="utf-8"><title>{title}</title>'
        "<main><h1>404</h1></main></html>").encode()
    if dev.errors:
        body = body.replace(b"<main", error_banner(dev.errors, dev.say) + b"<main", 1)
    start_response("404 Not Found", [("Content-Type", "text/html; charset=utf-8")])
    return [body]


class PortalServer(Server):  # type: ignore[misc]  # livereload has no type hints
    """livereload's server with a same-origin reload script (see the module docstring)."""

    script = b""

    def get_web_handlers(self, script: bytes) -> list[tuple[str, type, dict[str, Any]]]:
        return [(r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(self.app, self.script)})]


def free_port(host: str, port: int) -> int | None:
    """`port` if it can be listened on, else the next free one of PORTS_TO_TRY; None if all are busy."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(port, port + PORTS_TO_TRY):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def _announce(host: str, asked: int, port: int, path: str, say: Messages | None = None) -> str:
    """Print where the site is served (and why not on the port asked for); its address."""
    say = say or messages("en")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}{path}"
    if port != asked:
        print(say("Port {asked} is busy (another program is using it); serving on port {port} instead. "
                  "To choose one, pass --port.", asked=asked, port=port), file=sys.stderr)
    if not is_loopback(host):
        print(say("WARNING: listening on {host}: other computers on the network can see this preview. "
                  "Use the default --host 127.0.0.1 unless you mean that.", host=host), file=sys.stderr)
    print(say("Serving on {url} (Ctrl+C to stop)", url=url), file=sys.stderr)
    return url


def serve(site: Path, host: str, port: int, open_browser: bool, base_path: str | None = None,
          say: Messages | None = None, poll: bool = False) -> int:
    from generator.load.config import load as load_config

    say = say or messages("en")
    chosen = free_port(host, port)
    if chosen is None:
        print(say("error: ports {first} to {last} on {host} are all busy; stop the program using them or pass "
                  "another --port", first=port, last=port + PORTS_TO_TRY - 1, host=host), file=sys.stderr)
        return 2
    config = load_config(site, Problems())
    path = base_path or (config.base_path if config else "/")
    # The site is served from a folder inside a temporary one, so that what a build keeps beside its
    # output (its lock file, the downloads a rebuild replaced) is inside it too, and removed with it.
    temporary = Path(tempfile.mkdtemp(prefix="portal-serve-"))
    dev = DevSite(site, temporary / "www", path, say=say)
    signal.signal(signal.SIGTERM, _interrupted)  # `kill`, or a service manager's stop, ends it as Ctrl+C does
    try:
        return _run(dev, host, port, chosen, open_browser, poll)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _run(dev: DevSite, host: str, asked: int, port: int, open_browser: bool, poll: bool) -> int:
    dev.start_from_last_build()
    dev.rebuild()
    server = PortalServer(app=make_app(dev, allowed_hosts(host, port)), watcher=NoPolling())
    server.script = b'<script src="/livereload.js?port=' + str(port).encode() + b'"></script>'
    watch = Watch(dev.site, WATCHED, dev.rebuild_and_reload, ioloop.IOLoop.current(), poll=poll)
    watch.start()
    if watch.polling and not poll:
        print(dev.say("This folder's file system does not say when files change (a network drive, or a Windows "
                      "folder seen from WSL?): looking at the files every half second instead."), file=sys.stderr)
    url = _announce(host, asked, port, dev.base_path, dev.say)
    if open_browser:
        ioloop.IOLoop.current().call_later(0.5, lambda: webbrowser.open(url))
    try:
        server.serve(host=host, port=port, debug=False)
    except OSError as exc:  # taken between the check and the listen
        print(dev.say("error: cannot listen on {address} ({problem}); pass another --port", address=f"{host}:{port}",
                      problem=exc.strerror), file=sys.stderr)
        return 2
    finally:
        watch.stop()
    return 0
