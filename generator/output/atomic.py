"""Write the built site atomically: into a fresh folder beside `output/`, swapped in at the end.

A build that fails or is killed leaves the previous output exactly as it was; a lock stops two builds
from swapping at once.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2); False where that is not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@contextmanager
def locked(output: Path) -> Iterator[None]:
    """Hold an exclusive lock for `output` (a lock file beside it) while building."""
    output.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output.parent / f".{output.name}.lock"
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def clean_stale(output: Path) -> None:
    """Remove folders left by builds that were killed before they finished."""
    for stale in output.parent.glob(f".{output.name}.*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def staging_dir(output: Path) -> Path:
    path = output.parent / f".{output.name}.build-{os.getpid()}"
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def write_file(root: Path, relative: str, data: bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def swap_in(staged: Path, output: Path) -> None:
    """Make `staged` the new `output`; the old one is removed afterwards."""
    if output.is_dir() and not output.is_symlink():
        if _exchange(staged, output):
            shutil.rmtree(staged, ignore_errors=True)  # now holds the previous site
            return
        previous = output.parent / f".{output.name}.old-{os.getpid()}"
        os.rename(output, previous)
        os.rename(staged, output)
        shutil.rmtree(previous, ignore_errors=True)
        return
    if output.exists() or output.is_symlink():
        output.unlink()
    os.rename(staged, output)


def replace_file(root: Path, relative: str, data: bytes) -> None:
    """Replace one file atomically (write beside it, then rename over it)."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, target)
