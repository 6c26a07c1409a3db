"""`generator serve`: live rebuild and reload, errors on the page, last good site kept, no traversal."""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado import ioloop
from tornado.websocket import websocket_connect
from watchdog.observers.api import BaseObserver, EventEmitter

from generator.livereload import watch as watch_module
from generator.livereload.server import WATCHED
from generator.livereload.watch import Watch
from tests.conftest import copy_portal

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = pytest.mark.xdist_group("test_serve")

LAM_DONG = "content/records/lam-dong/khoi-cac-co-quan/2019.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """One `serve` of a copy of the portal under /portal/ for this module's tests (a start builds the
    whole portal). A test that edits the site puts it back, and waits for the rebuild, before it ends."""
    site = copy_portal(tmp_path_factory.mktemp("served") / "site")
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://example.org/portal/"),
                      encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PORTAL_LANG": "en"})  # started before `english_messages` sets it
    try:
        wait_for(lambda: _up(port))
        yield port, site
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _shown(port: int, text: str) -> bool:
    return text in get(port, "/portal/provinces/lam-dong/")[1]


def _up(port: int, path: str = "/portal/") -> bool:
    try:
        return get(port, path)[0] == 200
    except OSError:
        return False


async def _reload_after(port: int, change) -> dict:
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await ws.read_message())["command"] == "hello"
    await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/portal/"}))
    await asyncio.sleep(0.3)
    change()
    message = json.loads(await asyncio.wait_for(ws.read_message(), timeout=20))
    ws.close()
    return message


def run_in_own_loop(coroutine):
    """Run a coroutine on a fresh event loop in its own thread (other tests may hold this thread's loop)."""
    result: dict = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the test's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_edit_rebuilds_and_reloads(server: tuple[int, Path]) -> None:
    port, site = server
    status, page = get(port, "/portal/provinces/lam-dong/")
    assert status == 200 and "145 đảng viên" in page
    assert '<script src="/livereload.js?port=' in page  # same-origin: allowed by the page's CSP
    record = site / LAM_DONG
    good = record.read_text(encoding="utf-8")

    def change() -> None:
        record.write_text(good.replace("count: 145,", "count: 146,"), encoding="utf-8")

    try:
        message = run_in_own_loop(_reload_after(port, change))
        assert message["command"] == "reload"
        assert "146 đảng viên" in get(port, "/portal/provinces/lam-dong/")[1]
    finally:  # the served site as the other tests expect it
        record.write_text(good, encoding="utf-8")
        wait_for(lambda: _shown(port, "145 đảng viên"))


def test_broken_record_shows_errors_and_keeps_last_good_site(server: tuple[int, Path]) -> None:
    port, site = server
    record = site / LAM_DONG
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("count: 145,", "count: 1.450,"), encoding="utf-8")
    error = "2019.yaml:33:21: error: &#x27;count: 1.450&#x27; is written with a thousands separator"
    try:
        # Waits for this very error: on a busy machine a build may first read the file half written
        # (emptied, not yet filled) and show that, until the write's own change rebuilds it.
        wait_for(lambda: _shown(port, error))
        page = get(port, "/portal/provinces/lam-dong/")[1]
        assert "build-errors" in page and error in page
        assert "145 đảng viên" in page  # the last good site is still served
    finally:
        record.write_text(good, encoding="utf-8")
    wait_for(lambda: not _shown(port, "build-errors"))


@pytest.mark.parametrize("path", ["/../etc/passwd", "/portal/../../etc/passwd", "/portal/%2e%2e/%2e%2e/etc/passwd",
                                  "/portal/..%2f..%2fetc%2fpasswd", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/portal/%00",
                                  "/portal/..\\..\\etc\\passwd"])
def test_paths_outside_the_output_are_404(server: tuple[int, Path], path: str) -> None:
    port, _ = server
    status, body = get(port, path)
    assert status == 404
    assert "root:" not in body


def test_site_is_served_under_its_base_path_only(server: tuple[int, Path]) -> None:
    port, _ = server
    assert get(port, "/portal/static/style.css")[0] == 200
    assert get(port, "/provinces/lam-dong/")[0] == 404


# --- hardening: checked on the WSGI app in-process, and once on a real server -------------------

def _call(app, path: str, host: str = "127.0.0.1:8000", method: str = "GET") -> tuple[str, bytes]:
    seen: dict = {}

    def start_response(status: str, headers: list) -> None:
        seen["status"] = status

    body = b"".join(app({"PATH_INFO": path, "HTTP_HOST": host, "REQUEST_METHOD": method}, start_response))
    return seen["status"], body


@pytest.fixture
def broken_dev(site: Path, tmp_path: Path):
    from generator.livereload.server import DevSite, allowed_hosts, make_app

    record = site / LAM_DONG
    record.write_text(record.read_text(encoding="utf-8").replace("count: 145,", "count: 1.450,"), encoding="utf-8")
    dev = DevSite(site, tmp_path / "www", "/")
    assert dev.rebuild() is False  # the very first build fails
    return make_app(dev, allowed_hosts("127.0.0.1", 8000))


def test_first_failed_build_shows_the_errors(broken_dev) -> None:
    status, body = _call(broken_dev, "/")
    assert status.startswith("404") and b"build-errors" in body
    assert b"2019.yaml:33:21: error:" in body


@pytest.mark.parametrize("host,ok", [("127.0.0.1:8000", True), ("localhost:8000", True), ("[::1]:8000", True),
                                     ("evil.example:8000", False), ("evil.example", False), ("", False),
                                     ("127.0.0.1.evil.example:8000", False)])
def test_host_header_is_checked(broken_dev, host: str, ok: bool) -> None:
    status, _ = _call(broken_dev, "/", host=host)
    assert status.startswith("404") if ok else status.startswith("421")


def test_head_and_long_segments(broken_dev) -> None:
    status, body = _call(broken_dev, "/", method="HEAD")
    assert status.startswith("404") and body == b""
    assert _call(broken_dev, "/" + "a" * 300 + "/index.html")[0].startswith("404")
    assert _call(broken_dev, "/", method="POST")[0].startswith("405")


def test_any_host_when_bound_to_every_address(capsys: pytest.CaptureFixture[str]) -> None:
    from generator.livereload.server import _announce, allowed_hosts

    assert allowed_hosts("0.0.0.0", 8000) is None
    assert "evil.example:8000" not in (allowed_hosts("192.168.1.5", 8000) or ())
    _announce("0.0.0.0", 8000, 8000, "/")
    assert "WARNING: listening on 0.0.0.0" in capsys.readouterr().err
    _announce("127.0.0.1", 8000, 8000, "/")
    assert "WARNING" not in capsys.readouterr().err


def test_all_ports_busy_exits_2(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main
    from generator.livereload.server import PORTS_TO_TRY

    held: list[socket.socket] = []
    try:
        for _ in range(50):  # other tests' connections come and go in the same range: try other ranges
            start = free_port()
            for port in range(start, start + PORTS_TO_TRY):
                s = socket.socket()
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    s.close()
                    break
                s.listen()
                held.append(s)
            if len(held) == PORTS_TO_TRY:
                break
            for s in held:
                s.close()
            held = []
        if len(held) < PORTS_TO_TRY:
            pytest.skip("another program holds one of the ports")  # pragma: no cover
        assert main(["serve", "--site", str(site), "--port", str(start)]) == 2
    finally:
        for s in held:
            s.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "are all busy" in err[0]


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in browser is a shell script")
def test_busy_port_open_and_clean_exit(test_site_at_root: Path, tmp_path: Path) -> None:
    """A busy port moves to the next one and says so; --open opens the real address; Ctrl+C leaves
    no temporary folder and no traceback. (The small test site, served at / as the portal is.)"""
    site = test_site_at_root
    import signal

    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    temp = tmp_path / "tmp"
    temp.mkdir()
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    log = tmp_path / "serve.log"
    with open(log, "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port),
                                 "--open"], stdout=subprocess.DEVNULL, stderr=err,
                                env={**os.environ, "BROWSER": str(browser), "TMPDIR": str(temp),
                                     "PYTHONFAULTHANDLER": "1"},  # SIGABRT prints where every thread is
                                # Ctrl+C as in a terminal, even when these tests run as a background job (which
                                # starts with SIGINT ignored, and a child keeps an ignored signal ignored).
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            wait_for(lambda: opened.exists() and opened.read_text().strip() != "")
            assert list(temp.glob("portal-serve-*"))
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                code = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:  # fail without leaving the server running, showing where it hung
                proc.send_signal(signal.SIGABRT)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                pytest.fail("serve did not stop on Ctrl+C within 20 s:\n" + log.read_text(encoding="utf-8"))
            finally:
                busy.close()
    text = log.read_text(encoding="utf-8")
    assert f"Port {port} is busy" in text and "Traceback" not in text
    served = int(text.split("serving on port ")[1].split(" ")[0])
    assert opened.read_text().strip() == f"http://127.0.0.1:{served}/"
    assert code == 0 and not list(temp.iterdir())  # nor the build's lock file, nor anything beside the output


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is not sent to processes on Windows")
def test_a_stop_by_sigterm_leaves_nothing_behind(test_site_at_root: Path, tmp_path: Path) -> None:
    """`kill` (or a service manager stopping it) ends `serve` as Ctrl+C does: it exits 0 and leaves no
    temporary folder (at national scale, tens of megabytes)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(test_site_at_root),
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "TMPDIR": str(temp)})
    try:
        wait_for(lambda: _up(port, "/"))
        assert list(temp.iterdir())
    finally:
        proc.terminate()
        code = proc.wait(timeout=20)
    errors = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    assert code == 0 and "Traceback" not in errors, errors
    assert not list(temp.iterdir())


@pytest.fixture
def event_loop_thread() -> Iterator[ioloop.IOLoop]:
    """A Tornado event loop running in its own thread, as the server's runs in the main one."""
    ready: list[ioloop.IOLoop] = []

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        ready.append(ioloop.IOLoop.current())
        ready[0].start()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    wait_for(lambda: bool(ready), timeout=5)
    yield ready[0]
    ready[0].add_callback(ready[0].stop)
    thread.join(timeout=5)


def test_saving_a_watched_file_rebuilds_at_once_and_reading_does_not(tmp_path: Path,
                                                                     event_loop_thread: ioloop.IOLoop) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: x\n", encoding="utf-8")
    (site / "content" / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    rebuilds: list[float] = []
    watch = Watch(site, WATCHED, lambda: rebuilds.append(time.monotonic()), event_loop_thread)
    watch.start()
    try:
        (site / "content" / "a.yaml").read_text(encoding="utf-8")  # what every build does
        (site / ".portal-cache").mkdir()  # what `build` keeps beside the site
        (site / ".portal-cache" / "build.pickle").write_bytes(b"kept")
        (site / "output").mkdir()
        (site / "output" / "index.html").write_bytes(b"built")
        time.sleep(0.3)
        assert rebuilds == []
        (site / "content" / "a.yaml").write_text("a: 2\n", encoding="utf-8")
        wait_for(lambda: bool(rebuilds), timeout=5)
        time.sleep(0.3)
        assert len(rebuilds) == 1  # one save, one rebuild
        (site / "site.yaml").write_text("title: y\n", encoding="utf-8")
        wait_for(lambda: len(rebuilds) == 2, timeout=5)
    finally:
        watch.stop()


def _new_static(site: Path) -> list[Path]:
    (site / "static").mkdir()
    return [site / "static" / "style.css"]


def _content_made_again(site: Path) -> list[Path]:
    shutil.rmtree(site / "content")
    (site / "content").mkdir()  # on most file systems, with the inode the old folder had
    return [site / "content" / "a.yaml", site / "content" / "b.yaml"]


def _templates_moved_in(site: Path) -> list[Path]:
    made = site.parent / "made-elsewhere"
    made.mkdir()
    (made / "province.html").write_text("x", encoding="utf-8")
    os.rename(made, site / "templates")
    return [site / "templates" / "province.html"]


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
@pytest.mark.parametrize("change", [_new_static, _content_made_again, _templates_moved_in])
def test_a_watched_folder_made_or_replaced_while_serving_is_watched(
        tmp_path: Path, event_loop_thread: ioloop.IOLoop, change, poll: bool) -> None:
    """A watch holds a folder, not its name: `static/` or `templates/` made after the start (as
    `templates/README.md` tells maintainers to), or `content/` replaced, must still rebuild on each save."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: x\n", encoding="utf-8")
    rebuilds: list[float] = []
    watch = Watch(site, WATCHED, lambda: rebuilds.append(time.monotonic()), event_loop_thread, poll=poll)
    watch.start()
    try:
        files = change(site)
        wait_for(lambda: bool(rebuilds), timeout=5)
        for n, path in enumerate(files * 2):  # each file made, then saved again
            time.sleep(0.1)  # the change's own events are past
            before = len(rebuilds)
            path.write_text(f"a: {n}\n", encoding="utf-8")
            wait_for(lambda before=before: len(rebuilds) > before, timeout=5)
    finally:
        watch.stop()


class _Deaf(EventEmitter):
    """An emitter that hears nothing, as on a network drive or a Windows folder seen from WSL."""

    def queue_events(self, timeout: float) -> None:
        time.sleep(timeout)


def test_a_file_system_that_sends_no_events_is_polled(tmp_path: Path, event_loop_thread: ioloop.IOLoop,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """No event comes for the probe written at the start: the files are then looked at instead, and a save
    rebuilds. The probe is gone afterwards and rebuilt nothing."""
    monkeypatch.setattr(watch_module, "PROBE_WAIT", 0.3)  # nothing can hear it here: no need to wait long
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: x\n", encoding="utf-8")
    rebuilds: list[float] = []
    watch = Watch(site, WATCHED, lambda: rebuilds.append(time.monotonic()), event_loop_thread,
                  observer=lambda: BaseObserver(_Deaf))
    watch.start()
    try:
        assert watch.polling
        assert sorted(p.name for p in site.iterdir()) == ["content", "site.yaml"]
        time.sleep(2.2 * watch_module.POLL_EVERY)  # two looks at the files
        assert rebuilds == []
        (site / "content" / "a.yaml").write_text("a: 1\n", encoding="utf-8")
        wait_for(lambda: bool(rebuilds), timeout=5)
    finally:
        watch.stop()


def test_a_file_system_that_sends_events_is_not_polled(tmp_path: Path, event_loop_thread: ioloop.IOLoop,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch_module, "PROBE_WAIT", 10.0)  # a busy machine is not a file system without events
    site = tmp_path / "site"
    site.mkdir()
    watch = Watch(site, WATCHED, lambda: None, event_loop_thread)
    watch.start()
    try:
        assert not watch.polling
        assert list(site.iterdir()) == []
    finally:
        watch.stop()


def test_the_downloads_a_rebuild_replaced_are_removed_once_the_pages_were_told(
        test_site: Path, tmp_path: Path, event_loop_thread: ioloop.IOLoop, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild in `serve` does not free the downloads it replaced on the way to the reload (at
    national scale tens of megabytes, which took 27 ms of a 0.5 s rebuild to free): their old files
    wait beside the output under second names until the open pages were told to reload, then go."""
    from generator.livereload import server as server_module

    monkeypatch.setattr(server_module, "TIDY_AFTER", 3.0)
    dev = server_module.DevSite(test_site, tmp_path / "www", "/")
    assert dev.rebuild()
    before = (dev.output / "data/figures.csv").read_bytes()
    record = test_site / LAM_DONG
    record.write_text(record.read_text(encoding="utf-8").replace("count: 145,", "count: 146,"), encoding="utf-8")
    event_loop_thread.add_callback(dev.rebuild_and_reload)
    wait_for(lambda: dev.builds == 2, timeout=30)
    assert (dev.output / "data/figures.csv").read_bytes() != before
    old = [p for p in tmp_path.iterdir() if ".old-" in p.name]
    assert len(old) == 1 and before in [f.read_bytes() for f in old[0].iterdir()]
    wait_for(lambda: not [p for p in tmp_path.iterdir() if ".old-" in p.name], timeout=10)
