"""How long from saving a record file to the live-reload message reaching the browser.

    python benchmarks/preview_latency.py --records 3000 --edits 9 [--edit figure]

Writes a synthetic site (benchmarks/dataset.py) to a temporary folder, starts `python -m generator
serve` on it, connects as a browser does (the livereload protocol: hello, then info), then saves one
record file at a time with its first source's title changed (or, with `--edit figure`, a block's
excellent count; or, with `--edit record`, adds a record file for a year its committee lacks, then
removes it, in turn) and times until the `reload` message arrives. Prints each time and the median.
A benchmark, not a test: the time depends on the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tornado.websocket import WebSocketClientConnection, websocket_connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.dataset import write  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_up(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)  # noqa: S310
            return
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP error is an answer: the server is up
                return
            time.sleep(0.5)
    raise SystemExit("the preview server did not start")


EXCELLENT = re.compile(r"(good_includes_excellent: true\n  good: [^\n]*\n  excellent: )(\d+)")


def _edited(text: str, n: int, kind: str) -> str:
    """The record with its first source's title changed (shown on its province, committee and year
    pages in both languages), or with a block's excellent count one up, then back (a figure its
    province's, year's and indicator's pages chart): a real edit, which always builds."""
    if kind == "figure":
        changed = EXCELLENT.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + (1 if n % 2 == 0 else -1)}", text, count=1)
    else:
        changed = re.sub(r"(\n    title: [^\n]*?)(?: \(edit \d+\))?\n", lambda m: f"{m.group(1)} (edit {n})\n", text,
                         count=1)
    if changed == text:
        raise SystemExit(f"the record has no {kind} to edit")
    return changed


def _missing_year(record: Path, years: set[int]) -> int | None:
    """One of the site's `years` that the record's committee has no full-year record for."""
    own = {int(p.stem) for p in record.parent.glob("*.yaml") if p.stem.isdigit()}
    return min(years - own, default=None)


def _add_or_remove(record: Path, year: int, n: int) -> None:
    """Save a copy of `record` for `year`, which its committee lacks (even `n`), or remove it (odd `n`)."""
    added = record.parent / f"{year}.yaml"
    if n % 2 == 0:
        added.write_text(record.read_text(encoding="utf-8").replace(f"year: {record.stem}", f"year: {year}", 1),
                         encoding="utf-8")
    else:
        added.unlink()


async def _drain(ws: WebSocketClientConnection) -> None:
    """Read what is left of the previous edit (a second rebuild of the same save reloads again)."""
    while True:
        try:
            await asyncio.wait_for(ws.read_message(), timeout=1.0)
        except asyncio.TimeoutError:
            return


async def _measure(port: int, record: Path, edits: int, kind: str, missing: int | None) -> list[float]:
    ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await ws.write_message(json.dumps({"command": "hello",
                                       "protocols": ["http://livereload.com/protocols/official-7"]}))
    await ws.read_message()
    await ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
    times = []
    for n in range(edits):
        await _drain(ws)
        text = record.read_text(encoding="utf-8")
        started = time.perf_counter()
        if missing is not None:
            _add_or_remove(record, missing, n)
        else:
            record.write_text(_edited(text, n, kind), encoding="utf-8")
        while True:
            message = json.loads(await asyncio.wait_for(ws.read_message(), timeout=120))
            if message.get("command") == "reload":
                break
        times.append(time.perf_counter() - started)
        print(f"edit {n + 1}: {times[-1] * 1000:.0f} ms", flush=True)
    ws.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=9)
    parser.add_argument("--edit", choices=("title", "figure", "record"), default="title",
                        help="what each save changes: a source's title, a block's excellent count, or a "
                             "record added and removed in turn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        write(site, args.records)
        (site / "site.yaml").write_text(re.sub(r"base_url: [^\n]*", "base_url: /",
                                               (site / "site.yaml").read_text(encoding="utf-8")), encoding="utf-8")
        records = sorted((site / "content" / "records").rglob("*.yaml"))
        years = {int(r.stem) for r in records if r.stem.isdigit()}
        record = next((r for r in records if args.edit == "title"
                       or (args.edit == "figure" and EXCELLENT.search(r.read_text(encoding="utf-8")))
                       or (args.edit == "record" and r.stem.isdigit() and _missing_year(r, years) is not None)), None)
        if record is None:
            raise SystemExit(f"no record to make a {args.edit} edit to")
        missing = _missing_year(record, years) if args.edit == "record" else None
        added = f" as {missing}, then removing it" if missing else ""
        print(f"saving {record.relative_to(site)}{added}", flush=True)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site),
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_up(port, timeout=600)
            times = asyncio.run(_measure(port, record, args.edits, args.edit, missing))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"records {args.records}, {args.edit} edits {len(times)}: median {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")


if __name__ == "__main__":
    main()
