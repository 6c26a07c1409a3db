"""Write the built site atomically: into a folder beside `output/`, swapped in at the end.

A build that fails or is killed leaves the previous output exactly as it was; a lock (through the
`filelock` library, so it works on Windows too) stops two builds from swapping at once.

The swap. Where Linux's renameat2 can exchange the two folders, one call does it. Elsewhere (macOS,
Windows, older kernels) the old site is renamed aside to `.output.previous` only once the new one is
complete, and the new one is renamed into place. A build killed between those two renames leaves the
old site in `.output.previous`; the next build, before anything else, renames it back. So at every
moment either the old or the new site exists complete, and nothing ever deletes the aside copy while
`output/` is missing.

A build with a cache keeps the old site, once swapped out, in `.output.spare`: the next one fills that
folder again instead of making every folder anew (see `writer.Staging`). It is never served; a build
that cannot use it removes it.

The build replaces only a folder it made itself: every output carries a marker file, and a folder
without it (the site, a colleague's documents) is refused with a message instead of deleted.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from generator.i18n import Text, later

_RENAME_EXCHANGE = 2
MARKER = ".portal-output"  # written into every output folder a build makes
MARKER_TEXT = b"Made by the portal's build; the next build replaces this whole folder.\n"

OnStage = Callable[[str], None]


def no_stage(name: str) -> None:
    """The default stage callback: nothing to do."""


class OutputRefused(Exception):
    """The output folder exists but was not made by a build: it is never replaced."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


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
    with FileLock(str(output.parent / f".{output.name}.lock")):
        yield


def aside(output: Path) -> Path:
    """Where the fallback swap keeps the old site while the new one is renamed in."""
    return output.parent / f".{output.name}.previous"


def spare(output: Path) -> Path:
    """Where the old site is kept after a swap, for the next build to fill again (see `writer.Staging`)."""
    return output.parent / f".{output.name}.spare"


def recover(output: Path) -> None:
    """Put the old site back if a build was killed between the two renames of the fallback swap."""
    previous = aside(output)
    if previous.is_dir() and not previous.is_symlink() and not os.path.lexists(output):
        os.rename(previous, output)


def clean_stale(output: Path) -> None:
    """Recover an interrupted swap, then remove folders left by builds that were killed (not the spare:
    a complete old site, which the next build fills again or removes)."""
    recover(output)
    kept = spare(output)
    for stale in output.parent.glob(f".{output.name}.*"):
        if stale != kept and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def refusal(output: Path) -> Text | None:
    """Why `output` may not be replaced (it is not a folder a build made), or None."""
    if output.is_symlink():
        return later("the output folder is a link; a build never replaces what a link points at")
    if not output.exists():
        return None
    if not output.is_dir():
        return later("the output path is a file, not a folder a build made")
    if (output / MARKER).is_file() or not any(output.iterdir()):
        return None
    return later("the folder {folder} was not made by a build (it has no {marker} file), so it is not replaced; "
                 "move it away or delete it yourself if it is an old output, or choose another output folder",
                 folder=output, marker=MARKER)


def staging_dir(output: Path, kind: str = "build") -> Path:
    """A fresh folder beside the output for this process: `build`, the whole site being staged; `held`,
    the files `serve` holds until its build passed; `old`, second names of the files it replaced.
    `clean_stale` removes it (the first two only if the build was killed)."""
    path = staging_path(output, kind)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def staging_path(output: Path, kind: str = "build") -> Path:
    """Where `staging_dir` makes its folder."""
    return output.parent / f".{output.name}.{kind}-{os.getpid()}"


def write_file(root: Path, relative: str, data: bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def swap_in(staged: Path, output: Path, on_stage: OnStage = no_stage, keep: bool = False) -> bool:
    """Make `staged` the new `output`; the old one is removed afterwards (see the module docstring), or,
    with `keep`, kept as the spare. Returns whether the spare now holds the old site."""
    if not output.is_dir():
        os.rename(staged, output)
        on_stage("swapped")
        return False
    if _exchange(staged, output):
        on_stage("swapped")
        return _done_with(staged, output, keep)  # it now holds the previous site
    previous = aside(output)
    if os.path.lexists(previous):  # left by a build killed after its swap: output/ is complete
        shutil.rmtree(previous)
    os.rename(output, previous)
    try:
        on_stage("aside")
        os.rename(staged, output)
    except BaseException:  # Ctrl+C or a failed rename: put the old site straight back
        recover(output)
        raise
    on_stage("swapped")
    return _done_with(previous, output, keep)


def _done_with(old: Path, output: Path, keep: bool) -> bool:
    """The old site, swapped out: removed, or kept as the spare."""
    if keep:
        kept = spare(output)
        shutil.rmtree(kept, ignore_errors=True)
        try:
            os.rename(old, kept)
            return True
        except OSError:  # a file held open (Windows): removed instead, as without a cache
            pass
    shutil.rmtree(old, ignore_errors=True)
    return False


def replace_file(root: Path, relative: str, data: bytes) -> None:
    """Replace one file atomically (write beside it, then rename over it)."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, target)
