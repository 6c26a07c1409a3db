"""What a build keeps between rebuilds, so one edited record costs little: each stage's own cache, typed
and documented where the stage is. `serve` keeps one in memory; `build` keeps one on disk beside the
site, in `.portal-cache/` (safe to delete: the next build is only slower; ignored when unreadable;
neither read nor written by `build --clean`; read, never written, by `check`, and by `serve` as it
starts, which then keeps its own in memory).

On disk it is a folder named after the generator's version, its code and the Python version (so a
cache made by other code is never read), holding three files read and written independently: the
parsed records with each one's own problems, the registry, articles read and content pages as last read
(`load.site.InputCache`), the derived records and the derived records'
fingerprints (one file, since the fingerprints refer to the derived records, and those to the parsed
records: each derived record is pickled as its record and derived again when read, all of a file's
with one `Shared` as `derive_all` derives them, which takes less time than reading their values
back), the download rows, and the pages' index (each page's key and the digest of its bytes, its
links, and the files written where). Pages' HTML is not kept: the last
output holds it, and an unchanged page is linked from there.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from generator import __version__
from generator.hashing import Fingerprints, digest
from generator.load.records import RecordCache
from generator.load.site import InputCache
from generator.load.validate import Checked
from generator.model.derive import DeriveCache, Shared, derive_record
from generator.output.downloads import RowCache
from generator.output.linkcheck import LinkCache
from generator.output.writer import WrittenFiles
from generator.pickling import Pickler
from generator.plan.memo import PlanMemo
from generator.render.renderer import Fragments, RenderCache

FOLDER = ".portal-cache"  # beside site.yaml; listed in .gitignore


@dataclass
class BuildCache:
    records: RecordCache = field(default_factory=RecordCache)  # parsed record files
    inputs: InputCache = field(default_factory=InputCache)  # the registry, articles read and content pages
    checked: Checked = field(default_factory=Checked)  # each record's own problems
    derived: DeriveCache = field(default_factory=DeriveCache)  # derived records
    rows: RowCache = field(default_factory=RowCache)  # download rows
    render: RenderCache = field(default_factory=RenderCache)  # compiled templates, pages' keys and digests
    links: LinkCache = field(default_factory=LinkCache)  # each page's parsed links, and the last check's answer
    written: WrittenFiles = field(default_factory=WrittenFiles)  # the files written last time, and where
    fingerprints: Fingerprints = field(default_factory=Fingerprints)  # of the derived records
    # `serve` only: each edition's pages as last planned (in memory, never on disk: see `plan.memo`)
    plans: dict[str, PlanMemo] | None = None
    read: bool = False  # whether `load` found any of it on disk

    @classmethod
    def in_memory(cls) -> BuildCache:
        """An empty cache as `serve` keeps it (see `serving`)."""
        return cls().serving()

    def serving(self) -> BuildCache:
        """This cache as `serve` keeps it between rebuilds: with each edition's pages as last planned
        (`plan.memo`) and pieces of pages (`renderer.Fragments`), which a one-off build, planning and
        rendering once, has no use for."""
        if self.plans is None:
            self.plans = {}
        if self.render.fragments is None:
            self.render.fragments = Fragments()
        return self


# Each file on disk -> the fields of `BuildCache` it holds.
PARTS: dict[str, tuple[str, ...]] = {
    "records": ("records", "inputs", "checked", "derived", "fingerprints"),
    "rows": ("rows",),
    "pages": ("render", "links", "written"),
}


def _code() -> str:
    """A digest of the generator's own files: a changed generator never reads an old cache."""
    package = Path(__file__).resolve().parent
    parts = [f.relative_to(package).as_posix() + digest(f.read_bytes())
             for f in sorted(package.rglob("*")) if f.is_file() and f.suffix in (".py", ".html", ".yaml")]
    return digest("\n".join(parts).encode("utf-8"))[:12]


def cache_folder(root: Path) -> Path:
    python = f"py{sys.version_info.major}.{sys.version_info.minor}"
    return root / FOLDER / f"build-{__version__}-{python}-{_code()}"


def load(root: Path) -> BuildCache:
    """The cache the last build of this site left: each part that can be read, the others empty (none
    at all, another generator or Python, or a damaged file: a cache is never worth failing a build for).
    What was read is left out of the cycle collector's walks (`gc.freeze`) until the build ends."""
    cache = BuildCache()
    folder = cache_folder(root)
    with collector_paused():
        for part, names in PARTS.items():
            cache.read = _read(folder / f"{part}.pickle", cache, names) or cache.read
        # What was read lasts the whole build: left out of collection at once, or the collector's first
        # pass would walk all of it (a third of a second at national scale); the build's end undoes it.
        gc.freeze()
    return cache


class _Unpickler(pickle.Unpickler):
    """Reads a part back. Derived records are written as their records (`Derived.__reduce__`) and derived
    again here, all with one `Shared`, so their equal values are one object each, as `derive_all` makes
    them (at 30,000 records, derived alone they hold about 300 MB instead of 160)."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file)
        self.shared = Shared()

    def find_class(self, module: str, name: str) -> Any:
        found = super().find_class(module, name)
        return functools.partial(derive_record, shared=self.shared) if found is derive_record else found


def _read(path: Path, cache: BuildCache, names: tuple[str, ...]) -> bool:
    """Whether the part at `path` was read into `cache`."""
    try:
        with open(path, "rb") as fh:
            kept = _Unpickler(fh).load()
    except Exception:  # missing, truncated, corrupt or from other code: build without it
        return False
    defaults = [getattr(cache, name) for name in names]
    if (isinstance(kept, tuple) and len(kept) == len(names)
            and all(type(value) is type(default) for value, default in zip(kept, defaults, strict=True))):
        for name, value in zip(names, kept, strict=True):
            setattr(cache, name, value)
        return True
    return False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: reading a cache back makes a hundred thousand objects and no
    garbage, and the collector would walk all of them again and again while they are being made (and,
    while the cache is written, the objects the build left, which the build kept it from walking)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def save(root: Path, cache: BuildCache) -> None:
    """Keep `cache` for the next build (each file written aside, then renamed, so a reader never sees
    half a file); older caches of this site are removed. A cache that cannot be written is skipped."""
    folder = cache_folder(root)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.parent.glob("build-*"):
            if old.is_dir() and old != folder:
                shutil.rmtree(old)
            elif old.is_file():  # a single-file cache of earlier versions
                old.unlink(missing_ok=True)
        with collector_paused():  # writing makes no garbage either
            for part, names in PARTS.items():
                _write(folder / f"{part}.pickle", tuple(getattr(cache, name) for name in names))


def _write(target: Path, value: object) -> None:
    aside = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with open(aside, "wb") as fh:
            Pickler(fh).dump(value)
        os.replace(aside, target)
    finally:
        aside.unlink(missing_ok=True)
