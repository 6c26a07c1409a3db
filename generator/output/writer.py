"""Write the built site as it is made, file by file, never holding the whole output in memory.

A one-off build writes into a staging folder and swaps it in at the end (see `atomic`); a file the last
build wrote with the same bytes is hard-linked from the old output instead of written again. With a
cache, the staging folder is the spare: the site before the last one, kept after the last swap, filled
again. Its folders are there already (making a national site's 1,400 folders was a sixth of a one-off
build), and so are its files that have not changed since.
`serve` updates its folder in place, rewriting only what changed, once the whole build has passed.
Either way, a build that fails leaves the previous output exactly as it was.
"""
from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol

from generator.output import atomic


@dataclass(frozen=True)
class Kept:
    """A file as the last build left it: its bytes' digest, and its size and time on disk (so a file
    changed since, by hand or by another build, is never taken for the one this build wrote)."""

    digest: str
    size: int
    mtime_ns: int


@dataclass
class WrittenFiles:
    """The files the last build wrote to its output folder (kept by `serve`, and by `build` on disk)."""

    folder: str = ""
    files: dict[str, Kept] = field(default_factory=dict)
    spare: dict[str, Kept] = field(default_factory=dict)  # the files in the spare beside `folder` (see `Staging`)


class Output(Protocol):
    """Where the build puts each file as it is made."""

    def put(self, relative: str, data: bytes, digest: str) -> None:
        """A file of the output, with the digest of its bytes."""

    def reuse(self, relative: str, digest: str) -> bool:
        """Take the file from the last build's output when it had exactly these bytes; False when not."""

    def put_file(self, relative: str, path: Path, digest: str) -> None:
        """A file of the output already written to disk (a download streamed to a scratch folder on the
        output's file system): moved in, never read into memory where the output is a folder."""

    def kept(self, relative: str, digest: str) -> Path | None:
        """The last build's file at `relative`, when the output still holds it with these bytes (a
        download read piece by piece while its successor is written); None when not."""


class Nowhere:
    """The output of `check`, which writes nothing: each file is dropped as it is made (the link check
    keeps what it needs of it), and an unchanged one is taken as the last build made it, which the link
    check answers for (`pipeline._Checked.reuse`: a page is reused only when its links were kept)."""

    def put(self, relative: str, data: bytes, digest: str) -> None:
        pass

    def reuse(self, relative: str, digest: str) -> bool:
        return True

    def put_file(self, relative: str, path: Path, digest: str) -> None:
        pass  # made in a scratch folder, which is removed with it

    def kept(self, relative: str, digest: str) -> Path | None:
        return None


def _unchanged(folder: Path, relative: str, kept: Kept | None, digest: str) -> bool:
    """Whether `folder/relative` still holds the file the last build wrote, with these bytes."""
    if kept is None or kept.digest != digest:
        return False
    try:
        found = os.stat(folder / relative)
    except OSError:
        return False
    return found.st_size == kept.size and found.st_mtime_ns == kept.mtime_ns


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _kept(path: Path, digest: str) -> Kept:
    found = os.stat(path)
    return Kept(digest, found.st_size, found.st_mtime_ns)


class Staging:
    """A folder beside the output, filled as the build goes and swapped in by `commit`; removed if the
    build stops before (an error, Ctrl+C). Holds the output's lock from start to end.

    A fresh folder, or the spare (see `atomic.spare`) when the last build kept one and said what it
    holds. A file in the spare may be the same file as one in the output (hard-linked there by an
    earlier build): files in it are only ever replaced by renaming or removed, never written into."""

    def __init__(self, target: Path, written: WrittenFiles | None = None) -> None:
        self.target = target
        self.written = written
        mine = written if written is not None and written.folder == str(target) else None
        self.previous = mine.files if mine else {}
        self.described = mine.spare if mine else {}  # the spare's files, as left
        self.files: dict[str, Kept] = {}
        self.staged: Path | None = None
        self.present: set[str] = set()  # files found in the staging folder when it was the spare
        self._folders: set[str] = set()  # folders there: a national site has ~1,400
        self._lock = atomic.locked(target)

    def __enter__(self) -> Staging:
        self._lock.__enter__()
        try:
            atomic.clean_stale(self.target)
            refused = atomic.refusal(self.target)
            if refused:
                raise atomic.OutputRefused(refused)
            self.staged = self._spare() or atomic.staging_dir(self.target)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def _spare(self) -> Path | None:
        """The spare, renamed to this build's staging folder, with what is in it; None (and the spare
        removed) when there is none or nothing says what it holds."""
        spare = atomic.spare(self.target)
        if not spare.is_dir() or spare.is_symlink():
            return None
        if not self.described:
            shutil.rmtree(spare, ignore_errors=True)
            return None
        staged = atomic.staging_path(self.target)
        if staged.exists():
            shutil.rmtree(staged)
        try:
            os.rename(spare, staged)
        except OSError:  # a file in it held open (Windows): a fresh folder instead
            shutil.rmtree(spare, ignore_errors=True)
            return None
        for folder, _, names in os.walk(staged):
            relative = Path(folder).relative_to(staged).as_posix()
            prefix = "" if relative == "." else relative + "/"
            self._folders.add(prefix.rstrip("/"))
            self.present.update(prefix + name for name in names)
        return staged

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self.staged is not None:
                shutil.rmtree(self.staged, ignore_errors=True)  # not committed: the old output stays
        finally:
            self._lock.__exit__(kind, exc, tb)

    def _path(self, relative: str) -> Path:
        assert self.staged is not None, "use Staging as a context manager"
        path = self.staged / relative
        folder = relative.rpartition("/")[0]
        if folder not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return path

    def _kept_here(self, relative: str, digest: str) -> bool:
        """Whether the spare already holds this file with these bytes, as the build before left it."""
        if relative not in self.present:
            return False
        assert self.staged is not None
        kept = self.described.get(relative)
        if not _unchanged(self.staged, relative, kept, digest):
            return False
        assert kept is not None
        self.files[relative] = kept
        return True

    def _fresh(self, relative: str) -> Path:
        """Where to make a file: its own path when nothing is there, else a name beside it (renamed over
        it by `_placed`: a file in the spare is never written into)."""
        path = self._path(relative)
        return path if relative not in self.present else path.with_name(f".{path.name}.{os.getpid()}.tmp")

    def _placed(self, relative: str, made: Path) -> Path:
        path = self._path(relative)
        if made != path:
            os.replace(made, path)
        return path

    def put(self, relative: str, data: bytes, digest: str) -> None:
        if self.reuse(relative, digest):
            return
        made = self._fresh(relative)
        made.write_bytes(data)
        self.files[relative] = _kept(self._placed(relative, made), digest)

    def put_file(self, relative: str, path: Path, digest: str) -> None:
        if self.reuse(relative, digest):
            return
        new = self._path(relative)
        os.replace(path, new)
        self.files[relative] = _kept(new, digest)

    def kept(self, relative: str, digest: str) -> Path | None:
        path = self.target / relative
        return path if _unchanged(self.target, relative, self.previous.get(relative), digest) else None

    def reuse(self, relative: str, digest: str) -> bool:
        """Keep the spare's file, or hard-link the old output's (a copy where links are not possible).
        Safe with the swap: the old folder's names are removed afterwards, the new folder's stay, and no
        build ever writes into an existing file (new files are new; others are replaced by renaming)."""
        if self._kept_here(relative, digest):
            return True
        kept = self.previous.get(relative)
        if kept is None or not _unchanged(self.target, relative, kept, digest):
            return False
        if relative in self.present and _same_file(self.target / relative, self._path(relative)):
            self.files[relative] = kept  # linked there by an earlier build (renaming it over itself does nothing)
            return True
        made = self._fresh(relative)
        try:
            os.link(self.target / relative, made)
        except OSError:  # only the link: a copy must never be made onto the old output's own file
            shutil.copy2(self.target / relative, made)
            self.files[relative] = _kept(self._placed(relative, made), digest)
            return True
        self._placed(relative, made)
        self.files[relative] = kept  # the same file under a second name: its size and time are the old's
        return True

    def commit(self, on_stage: atomic.OnStage = atomic.no_stage) -> None:
        """Remove what the spare held that this build did not make, write the output marker, and swap
        the staged folder in; with a cache, the old output becomes the spare."""
        staged = self.staged
        assert staged is not None, "use Staging as a context manager"
        for gone in sorted(self.present - set(self.files)):
            (staged / gone).unlink(missing_ok=True)
            _remove_empty_folders(staged, (staged / gone).parent)
        atomic.write_file(staged, atomic.MARKER, atomic.MARKER_TEXT)
        on_stage("staged")
        kept = atomic.swap_in(staged, self.target, on_stage, keep=bool(self.previous))
        self.staged = None
        if self.written is not None:
            self.written.folder, self.written.files = str(self.target), self.files
            self.written.spare = self.previous if kept else {}


class InPlace:
    """`serve`'s folder, updated in place: files whose bytes changed are held until `commit` (which
    runs only when the whole build passed), then each replaced atomically; files gone are removed.

    A replaced download keeps a second name in a folder beside the output (`.<output>.old-<pid>`), so
    the rename does not free its tens of megabytes: that folder is removed by `atomic.clean_stale`,
    which `serve` calls once the open pages were told to reload (and the next build calls first)."""

    def __init__(self, target: Path, written: WrittenFiles) -> None:
        self.target = target
        self.written = written
        self.files: dict[str, str] = {}  # every file of this build -> its digest
        self.changed: dict[str, bytes] = {}
        self.moved: dict[str, Path] = {}  # changed files made on disk (downloads), held beside the output
        self._held: Path | None = None
        self._lock = atomic.locked(target)

    def __enter__(self) -> InPlace:
        self._lock.__enter__()
        try:
            atomic.clean_stale(self.target)  # what a killed build left beside the output
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self._held is not None:
                shutil.rmtree(self._held, ignore_errors=True)  # not committed: the output stays as it was
        finally:
            self._lock.__exit__(kind, exc, tb)

    def put(self, relative: str, data: bytes, digest: str) -> None:
        if not self.reuse(relative, digest):
            self.files[relative] = digest
            self.changed[relative] = data

    def put_file(self, relative: str, path: Path, digest: str) -> None:
        """A changed file made on disk is moved aside (not read: the downloads are tens of megabytes at
        national scale) and renamed into place by `commit`."""
        if self.reuse(relative, digest):
            return
        if self._held is None:
            self._held = atomic.staging_dir(self.target, "held")  # beside the output: a rename moves it
        held = self._held / str(len(self.moved))
        shutil.move(path, held)
        self.files[relative] = digest
        self.moved[relative] = held

    def kept(self, relative: str, digest: str) -> Path | None:
        path = self.target / relative
        return path if _unchanged(self.target, relative, self.written.files.get(relative), digest) else None

    def reuse(self, relative: str, digest: str) -> bool:
        if not _unchanged(self.target, relative, self.written.files.get(relative), digest):
            return False
        self.files[relative] = digest
        return True

    def commit(self, on_stage: atomic.OnStage = atomic.no_stage) -> None:
        kept = dict(self.written.files)
        for relative, data in self.changed.items():
            atomic.replace_file(self.target, relative, data)
            kept[relative] = _kept(self.target / relative, self.files[relative])
        if self.moved:
            self._move_in(kept)
        for gone in sorted(set(kept) - set(self.files)):
            (self.target / gone).unlink(missing_ok=True)
            _remove_empty_folders(self.target, (self.target / gone).parent)
            del kept[gone]
        self.written.files = kept

    def _move_in(self, kept: dict[str, Kept]) -> None:
        """Rename the changed downloads into place, each replaced file kept under a second name in a
        folder beside the output (see the class's docstring)."""
        old = atomic.staging_dir(self.target, "old")
        for n, (relative, held) in enumerate(self.moved.items()):
            path = self.target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):  # no old file, or no links here: the rename below frees it
                os.link(path, old / str(n))
            os.replace(held, path)
            kept[relative] = _kept(path, self.files[relative])


def link_last(written: WrittenFiles, target: Path) -> None:
    """Give `target`, a new empty folder, the files the last build wrote elsewhere (hard links, or copies
    where links cannot be made: another drive), and make `written` describe them there; so a build into
    `target` takes each unchanged file as it would from its own last output (`serve`, starting from what
    the last `build` left). A file changed since that build wrote it (by hand, or by a build meanwhile) is
    left out, and made again. Nothing is written into the files linked: they are only ever replaced."""
    if not written.folder or Path(written.folder) == target:
        return
    source = Path(written.folder)
    found: dict[str, Kept] = {}
    folders: set[Path] = set()
    for relative, kept in written.files.items():
        path = target / relative
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        try:
            try:
                os.link(source / relative, path)
            except OSError:
                shutil.copy2(source / relative, path)  # its time too, which says it is unchanged
        except OSError:  # gone since, or the copy failed
            path.unlink(missing_ok=True)
            continue
        if _unchanged(target, relative, kept, kept.digest):  # after linking: a file replaced meanwhile is not taken
            found[relative] = kept
        else:
            path.unlink()
    if len(found) < len(written.files):
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            _remove_empty_folders(target, folder)
    if found:  # a folder a build made, as a build's own output says (see `atomic.refusal`)
        atomic.write_file(target, atomic.MARKER, atomic.MARKER_TEXT)
    written.folder, written.files, written.spare = str(target), found, {}


def opened(target: Path, written: WrittenFiles | None, in_place: bool) -> Staging | InPlace:
    """Where this build writes: in place when asked and the folder is the one the last build wrote
    (else a folder beside it, swapped in: see `Staging`)."""
    if in_place and written is not None and written.files and written.folder == str(target) and target.is_dir():
        return InPlace(target, written)
    return Staging(target, written)


def _remove_empty_folders(target: Path, folder: Path) -> None:
    """Remove `folder` and its parents inside `target` while they are empty (a page that went away)."""
    while folder != target and folder.is_relative_to(target) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent

