"""What a build keeps between rebuilds, so one edited record costs little: each stage's own cache, typed
and documented where the stage is. `serve` keeps one in memory; `build` keeps one on disk beside the
site, in `.portal-cache/` (safe to delete: the next build is only slower; ignored when unreadable;
neither read nor written by `build --clean`).

The file on disk is named after the generator's version, its code and the Python version, so a cache
made by other code is never read. It holds only what this site's builds made, in the site's own folder.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.hashing import Fingerprints, digest
from generator.load.records import RecordCache
from generator.model.derive import DeriveCache
from generator.output.downloads import RowCache
from generator.output.linkcheck import LinkCache
from generator.output.writer import WrittenFiles
from generator.render.renderer import RenderCache

FOLDER = ".portal-cache"  # beside site.yaml; listed in .gitignore


@dataclass
class BuildCache:
    records: RecordCache = field(default_factory=RecordCache)  # parsed record files
    derived: DeriveCache = field(default_factory=DeriveCache)  # derived records
    rows: RowCache = field(default_factory=RowCache)  # download rows
    render: RenderCache = field(default_factory=RenderCache)  # compiled templates and rendered pages
    links: LinkCache = field(default_factory=dict)  # each page's parsed links
    written: WrittenFiles = field(default_factory=WrittenFiles)  # the files written last time, and where
    fingerprints: Fingerprints = field(default_factory=Fingerprints)  # of what the last build's pages showed


def _code() -> str:
    """A digest of the generator's own files: a changed generator never reads an old cache."""
    package = Path(__file__).resolve().parent
    parts = [f.relative_to(package).as_posix() + digest(f.read_bytes())
             for f in sorted(package.rglob("*")) if f.is_file() and f.suffix in (".py", ".html", ".yaml")]
    return digest("\n".join(parts).encode("utf-8"))[:12]


def cache_file(root: Path) -> Path:
    python = f"py{sys.version_info.major}.{sys.version_info.minor}"
    return root / FOLDER / f"build-{__version__}-{python}-{_code()}.pickle"


def load(root: Path) -> BuildCache:
    """The cache the last build of this site left, or an empty one when there is none, it was made by
    another generator or Python, or it cannot be read (a cache is never worth failing a build for)."""
    try:
        with open(cache_file(root), "rb") as fh:
            kept = pickle.load(fh)
    except Exception:  # missing, truncated, corrupt or from other code: build without it
        return BuildCache()
    return kept if isinstance(kept, BuildCache) else BuildCache()


def save(root: Path, cache: BuildCache) -> None:
    """Keep `cache` for the next build (written aside, then renamed, so a reader never sees half a file);
    older caches of this site are removed. A cache that cannot be written is skipped silently."""
    target = cache_file(root)
    kept = cache
    with contextlib.suppress(OSError):
        target.parent.mkdir(exist_ok=True)
        for old in target.parent.glob("build-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
        aside = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            with open(aside, "wb") as fh:
                pickle.dump(kept, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(aside, target)
        finally:
            aside.unlink(missing_ok=True)

