"""Rebuild as soon as a file of the site changes: operating-system file events (through `watchdog`:
inotify, FSEvents, ReadDirectoryChangesW) instead of looking at every file every 800 ms.

Events arrive on watchdog's own thread; the rebuild and the reload run on the server's event loop,
as livereload's own callbacks do. A burst of events (an editor writing a file in several steps, or
saving many) gives one rebuild; changes made during a rebuild give one more after it.

A folder's watch holds the folder itself, not its name: a `static/` or `templates/` made while `serve`
runs, or a `content/` deleted and made again (restored from a copy, another branch checked out), would
go unwatched. So each watched folder is watched again whenever the site folder shows it changed.

Some file systems send no events at all: a network drive, a Windows folder seen from WSL, a folder shared
into a virtual machine or container. There `serve` would never rebuild. So at the start a file is
written beside site.yaml until its event arrives; when none does within two seconds, the files are looked
at every half second instead (watchdog's polling observer), as `--poll` asks from the start.
"""
from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

from livereload.watcher import Watcher
from tornado import ioloop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

# Only these change what a build reads: reading a file (opened, closed without writing) does not, and
# the build itself reads every file.
CHANGES = frozenset({"created", "modified", "deleted", "moved"})
SETTLE = 0.005  # seconds to wait for the rest of a burst of events before rebuilding
POLL_EVERY = 0.5  # seconds between looks at every watched file, where no events come
PROBE = ".portal-watch-probe"  # written beside site.yaml at the start, to see that events come; then removed
PROBE_WAIT = 2.0  # seconds to wait for the probe's event (a busy machine delivers it late, not never)


class NoPolling(Watcher):  # type: ignore[misc]  # livereload has no type hints
    """livereload's watcher, told that changes are found elsewhere (by `Watch`): it polls nothing and,
    having a task, does not fall back to watching the working directory."""

    def __init__(self) -> None:
        super().__init__()
        self._tasks: dict[str, dict[str, object]] = {
            "file events": {"func": None, "delay": None, "ignore": None, "mtimes": {}}}

    def start(self, callback: Callable[[], None]) -> bool:
        return True  # "started": livereload then sets up no polling of its own

    def examine(self) -> tuple[None, None]:
        return None, None


def _poller() -> BaseObserver:
    """Looks at every watched file each POLL_EVERY seconds: where the file system sends no events."""
    return PollingObserver(timeout=POLL_EVERY)


class _Changes(FileSystemEventHandler):
    def __init__(self, watch: Watch, changed: Callable[[], None]) -> None:
        self.watch = watch
        self.changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        paths = [Path(str(p)).resolve() for p in (event.src_path, getattr(event, "dest_path", "") or "") if p]
        if any(p.name == PROBE for p in paths):
            self.watch.heard.set()
            return
        if any(self.watch.wanted(p) for p in paths):
            # Directly in the site folder: where a watched folder is made, removed or replaced.
            top = frozenset(p.name for p in paths if p.parent == self.watch.site)
            if top:  # before the rebuild is asked for: it reads what a new folder holds
                self.watch.follow(renew=frozenset() if event.event_type == "modified" else top)
            self.changed()


class Watch:
    """Calls `rebuild` on the event loop after the files it watches change."""

    def __init__(self, site: Path, names: tuple[str, ...], rebuild: Callable[[], None],
                 loop: ioloop.IOLoop, poll: bool = False, observer: Callable[[], BaseObserver] = Observer) -> None:
        self.site = site.resolve()
        self.names = names
        self.rebuild = rebuild
        self.loop = loop
        self.pending = False
        self.polling = poll  # looking at the files every POLL_EVERY seconds: asked for, or no events came
        self.observer: BaseObserver = _poller() if poll else observer()
        self.heard = threading.Event()  # the probe's event arrived
        self.handler = _Changes(self, lambda: self.loop.add_callback(self._changed))
        # each watched name that is a folder -> its watch, and the folder it was made for (device, inode)
        self.folders: dict[str, tuple[ObservedWatch, tuple[int, int]]] = {}

    def wanted(self, path: Path) -> bool:
        """Inside one of the watched names (site.yaml, content/, …), not elsewhere in the site folder;
        `path` is resolved."""
        try:
            first = path.relative_to(self.site).parts[:1]
        except ValueError:
            return False
        return bool(first) and first[0] in self.names

    def follow(self, renew: frozenset[str] = frozenset()) -> None:
        """Watch each watched name that is a folder now, the folder it is now: a watch made for a folder
        since removed or replaced is dropped (it would see nothing), one is made for a new folder. The
        names in `renew` were made, removed or moved: their watches are made again whatever the folder
        looks like now (a folder removed and made again at once can have the same inode)."""
        for name in self.names:
            try:
                found = os.stat(self.site / name)
            except OSError:
                found = None
            folder = (found.st_dev, found.st_ino) if found is not None and stat.S_ISDIR(found.st_mode) else None
            held = self.folders.get(name)
            if held is not None and held[1] == folder and name not in renew:
                continue
            if held is not None:
                del self.folders[name]
                with contextlib.suppress(KeyError):  # already dropped by watchdog with its folder
                    self.observer.unschedule(held[0])
            if folder is not None:
                with contextlib.suppress(OSError):  # gone again already: the next event follows it
                    self.folders[name] = (self.observer.schedule(self.handler, str(self.site / name),
                                                                 recursive=True), folder)

    def start(self) -> None:
        """Watch; when the file system sends no events, poll instead (`polling` tells which)."""
        self._observe()
        if not self.polling and not self._events_come():
            self.observer.stop()
            self.observer = _poller()
            self.folders.clear()
            self.polling = True
            self._observe()

    def _observe(self) -> None:
        self.observer.schedule(self.handler, str(self.site), recursive=False)  # site.yaml and new folders
        self.follow()
        self.observer.daemon = True
        self.observer.start()

    def _events_come(self) -> bool:
        """Write the probe file (again and again: the watch may not be in place yet) until its event
        arrives or PROBE_WAIT passed, then remove it. A site folder that cannot be written is trusted."""
        probe = self.site / PROBE
        deadline = time.monotonic() + PROBE_WAIT
        try:
            while not self.heard.wait(0.05 if probe.exists() else 0):
                if time.monotonic() > deadline:
                    return False
                probe.write_bytes(b"")
            return True
        except OSError:
            return True
        finally:
            with contextlib.suppress(OSError):
                probe.unlink()

    def stop(self) -> None:
        self.observer.stop()

    def _changed(self) -> None:
        if not self.pending:
            self.pending = True
            self.loop.call_later(SETTLE, self._run)

    def _run(self) -> None:
        self.pending = False
        self.rebuild()
