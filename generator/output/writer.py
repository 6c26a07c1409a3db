"""Write the built site: a one-off build writes a fresh folder and swaps it in (see `atomic`);
`serve` updates its folder in place, file by file, rewriting only what changed."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.output import atomic


@dataclass
class WrittenFiles:
    """The files `serve` wrote last time, so unchanged files are not rewritten."""

    files: dict[str, bytes] = field(default_factory=dict)


def update(files: dict[str, bytes], target: Path, written: WrittenFiles) -> None:
    """Bring `target` in line with `files`, writing only what changed (each file replaced atomically)."""
    with atomic.locked(target):
        if not target.is_dir() or not written.files:
            _write_fresh(files, target)
            written.files = dict(files)
            return
        for relative, data in files.items():
            if written.files.get(relative) != data:
                atomic.replace_file(target, relative, data)
        for gone in sorted(set(written.files) - set(files)):
            (target / gone).unlink(missing_ok=True)
            _remove_empty_folders(target, (target / gone).parent)
        written.files = dict(files)


def _remove_empty_folders(target: Path, folder: Path) -> None:
    """Remove `folder` and its parents inside `target` while they are empty (a page that went away)."""
    while folder != target and folder.is_relative_to(target) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write(files: dict[str, bytes], target: Path) -> None:
    """Write all files to a fresh folder and swap it in under the lock."""
    with atomic.locked(target):
        _write_fresh(files, target)


def _write_fresh(files: dict[str, bytes], target: Path) -> None:
    atomic.clean_stale(target)
    staged = atomic.staging_dir(target)
    try:
        for relative, data in sorted(files.items()):
            atomic.write_file(staged, relative, data)
        atomic.swap_in(staged, target)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
