"""Rebuild as soon as a file of the site changes: operating-system file events (through `watchdog`:
inotify, FSEvents, ReadDirectoryChangesW) instead of looking at every file every 800 ms.

Events arrive on watchdog's own thread; the rebuild and the reload run on the server's event loop,
as livereload's own callbacks do. A burst of events (an editor writing a file in several steps, or
saving many) gives one rebuild; changes made during a rebuild give one more after it.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from livereload.watcher import Watcher
from tornado import ioloop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

# Only these change what a build reads: reading a file (opened, closed without writing) does not, and
# the build itself reads every file.
CHANGES = frozenset({"created", "modified", "deleted", "moved"})
SETTLE = 0.005  # seconds to wait for the rest of a burst of events before rebuilding


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


class _Changes(FileSystemEventHandler):
    def __init__(self, wanted: Callable[[str], bool], changed: Callable[[], None]) -> None:
        self.wanted = wanted
        self.changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        if any(p and self.wanted(str(p)) for p in paths):
            self.changed()


class Watch:
    """Calls `rebuild` on the event loop after the files it watches change."""

    def __init__(self, site: Path, names: tuple[str, ...], rebuild: Callable[[], None],
                 loop: ioloop.IOLoop) -> None:
        self.site = site.resolve()
        self.names = names
        self.rebuild = rebuild
        self.loop = loop
        self.pending = False
        self.observer = Observer()

    def wanted(self, path: str) -> bool:
        """Inside one of the watched names (site.yaml, content/, …), not elsewhere in the site folder."""
        try:
            first = Path(path).resolve().relative_to(self.site).parts[:1]
        except ValueError:
            return False
        return bool(first) and first[0] in self.names

    def start(self) -> None:
        handler = _Changes(self.wanted, lambda: self.loop.add_callback(self._changed))
        self.observer.schedule(handler, str(self.site), recursive=False)  # site.yaml and new folders
        for name in self.names:
            if (self.site / name).is_dir():
                self.observer.schedule(handler, str(self.site / name), recursive=True)
        self.observer.daemon = True
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()

    def _changed(self) -> None:
        if not self.pending:
            self.pending = True
            self.loop.call_later(SETTLE, self._run)

    def _run(self) -> None:
        self.pending = False
        self.rebuild()
