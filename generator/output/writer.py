"""Write the built site: a one-off build writes a fresh folder and swaps it in (see `atomic`);
`serve` updates its folder in place, file by file, rewriting only what changed."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.output import atomic


@dataclass
class WrittenFiles:
    """The files `serve` wrote last time, so unchanged files are not rewritten."""

    files: dict[str, bytes] = field(default_factory=dict)
    moved: set[str] = field(default_factory=set)  # the files moved in from a streamed folder (the downloads)


def update(files: dict[str, bytes], target: Path, written: WrittenFiles, streamed: Path | None = None) -> None:
    """Bring `target` in line with `files` and the files already written under `streamed`, writing only
    what changed (each file replaced atomically)."""
    with atomic.locked(target):
        if not target.is_dir() or not written.files:
            moved = set(_streamed(streamed))
            _write_fresh(files, target, atomic.no_stage, streamed)
            written.files = dict(files)
            written.moved = moved
            return
        for relative, data in files.items():
            if written.files.get(relative) != data:
                atomic.replace_file(target, relative, data)
        moved = _move_in(streamed, target)
        for gone in sorted((set(written.files) | written.moved) - set(files) - moved):
            (target / gone).unlink(missing_ok=True)
            _remove_empty_folders(target, (target / gone).parent)
        written.files = dict(files)
        written.moved = moved


def _streamed(folder: Path | None) -> list[str]:
    """The files under `folder`, as paths relative to it."""
    if folder is None:
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _move_in(folder: Path | None, root: Path) -> set[str]:
    """Move every file under `folder` to the same place under `root` (a rename: no copy in memory)."""
    moved = _streamed(folder)
    for relative in moved:
        assert folder is not None
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder / relative, root / relative)
    return set(moved)


def _remove_empty_folders(target: Path, folder: Path) -> None:
    """Remove `folder` and its parents inside `target` while they are empty (a page that went away)."""
    while folder != target and folder.is_relative_to(target) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def write(files: dict[str, bytes], target: Path, on_stage: atomic.OnStage = atomic.no_stage,
          streamed: Path | None = None) -> None:
    """Write all files (and move in those already written under `streamed`) to a fresh folder and swap
    it in under the lock."""
    with atomic.locked(target):
        _write_fresh(files, target, on_stage, streamed)


def _write_fresh(files: dict[str, bytes], target: Path, on_stage: atomic.OnStage,
                 streamed: Path | None = None) -> None:
    """Stage every file and the output marker, then swap; refuse a folder no build made."""
    atomic.clean_stale(target)
    refused = atomic.refusal(target)
    if refused:
        raise atomic.OutputRefused(refused)
    staged = atomic.staging_dir(target)
    try:
        for relative, data in sorted(files.items()):
            atomic.write_file(staged, relative, data)
        _move_in(streamed, staged)
        atomic.write_file(staged, atomic.MARKER, atomic.MARKER_TEXT)
        on_stage("staged")
        atomic.swap_in(staged, target, on_stage)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
