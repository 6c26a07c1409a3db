"""`generator serve`: live rebuild and reload, errors on the page, last good site kept, no traversal."""
from __future__ import annotations

import asyncio
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

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


@pytest.fixture
def server(site: Path) -> Iterator[tuple[int, Path]]:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://example.org/portal/"),
                      encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _up(port))
        yield port, site
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _up(port: int) -> bool:
    try:
        return get(port, "/portal/")[0] == 200
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

    def change() -> None:
        record.write_text(record.read_text(encoding="utf-8").replace("count: 145,", "count: 146,"), encoding="utf-8")

    message = run_in_own_loop(_reload_after(port, change))
    assert message["command"] == "reload"
    assert "146 đảng viên" in get(port, "/portal/provinces/lam-dong/")[1]


def test_broken_record_shows_errors_and_keeps_last_good_site(server: tuple[int, Path]) -> None:
    port, site = server
    record = site / LAM_DONG
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("count: 145,", "count: 1.450,"), encoding="utf-8")
    wait_for(lambda: "build-errors" in get(port, "/portal/provinces/lam-dong/")[1])
    page = get(port, "/portal/provinces/lam-dong/")[1]
    assert "2019.yaml:33:21: error: &#x27;count: 1.450&#x27; is written with a thousands separator" in page
    assert "145 đảng viên" in page  # the last good site is still served
    record.write_text(good, encoding="utf-8")
    wait_for(lambda: "build-errors" not in get(port, "/portal/provinces/lam-dong/")[1])


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
