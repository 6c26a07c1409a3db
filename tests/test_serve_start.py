"""`serve` starts from what the last `build` left: its cache in `.portal-cache/` (read, never written)
and its output's files, linked into the preview's own folder. Its first build then makes only what
changed since, and what it serves is what a fresh build makes; the site's output and cache stay as they
were, also through the rebuilds that follow.

Random sequences of the maintainers' edits (those of `test_incremental`), of builds and of output files
changed by hand come between the last build and the start of `serve`, and after it.
"""
from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator import cache
from generator.cli import main
from generator.livereload import server
from generator.livereload.server import DevSite
from generator.load.config import load as load_config
from generator.model.problems import Problems
from generator.output import atomic, writer
from tests.goldens import files_under
from tests.test_incremental import EDITS, Edited, _copy, _number, _publisher, _template

OUTPUT = "output"  # the test site's output folder (`output_dir` in its site.yaml)


def _built(site: Edited, n: int) -> None:
    """`build`, which leaves its cache and its output for the next `serve`."""
    main(["build", "--site", str(site.root), "--quiet"])


def _by_hand(site: Edited, n: int) -> None:
    """A built page changed by hand (its size kept): never to be taken for the one the build wrote."""
    page = site.root / OUTPUT / ("index.html" if n % 2 else "en/index.html")
    if page.exists():
        page.write_bytes(page.read_bytes().replace(b"<main", b"<MAIN", 1))


def _gone(site: Edited, n: int) -> None:
    """The output, or the cache, deleted (both are safe to delete)."""
    shutil.rmtree(site.root / (OUTPUT if n % 2 else cache.FOLDER), ignore_errors=True)


CHANGES: tuple[Callable[[Edited, int], None], ...] = (*EDITS, _built, _by_hand, _gone)


def _left(site: Edited) -> dict[str, tuple[int, int, bytes]]:
    """The last build's output and cache, each file with its inode, time and bytes (the share cards
    aside: `serve` draws into that folder as `build` does)."""
    found = {}
    for top in (site.root / OUTPUT, site.root / cache.FOLDER):
        for folder, _, names in os.walk(top):
            for name in names:
                path = Path(folder, name)
                if "cards" not in path.relative_to(site.root).parts:
                    found[path.relative_to(site.root).as_posix()] = (path.stat().st_ino, path.stat().st_mtime_ns,
                                                                     path.read_bytes())
    return found


def _started(site: Edited, folder: Path) -> DevSite:
    """A preview of the site as `serve` starts one, its first build done."""
    config = load_config(site.root, Problems())
    assert config is not None
    dev = DevSite(site.root, folder / "www", config.base_path)
    dev.start_from_last_build()
    dev.rebuild()
    return dev


def _served(dev: DevSite) -> dict[str, bytes] | None:
    return files_under(dev.output) if not dev.errors else None


def _fresh(site: Edited, folder: Path) -> dict[str, bytes] | None:
    """What a build from nothing writes (the site's own output and cache left alone)."""
    out = folder / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    ok = main(["build", "--site", str(site.root), "--output", str(out), "--clean", "--quiet"]) == 0
    return files_under(out) if ok else None


@settings(max_examples=8, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 10**6)), min_size=1, max_size=6),
       st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10**6)), min_size=1, max_size=3))
@example([(_by_hand, 1), (_number, 3)], [(_publisher, 2)])
@example([(_template, 0)], [(_template, 0)])
@example([(_gone, 1), (_number, 2)], [(_number, 3)])
def test_serve_started_after_a_build_serves_what_a_fresh_build_makes(
        before: list[tuple[Callable[[Edited, int], None], int]],
        after: list[tuple[Callable[[Edited, int], None], int]]) -> None:
    with _copy() as site:
        folder = site.root.parent
        _built(site, 0)
        for change, n in before:
            change(site, n)
        left = _left(site)
        dev = _started(site, folder)
        assert _served(dev) == _fresh(site, folder)
        for change, n in after:
            change(site, n)
            dev.rebuild()
            assert _served(dev) == _fresh(site, folder)
        assert _left(site) == left


def test_serve_started_after_a_build_makes_no_page_again() -> None:
    """Nothing edited since the build: the first preview takes every page and download from its output,
    and an edit then makes again only what it changed."""
    with _copy() as site:
        _built(site, 0)
        dev = _started(site, site.root.parent)
        assert dev.builds == 1 and not dev.errors
        assert dev.cache.render.rendered == 0
        _number(site, 4)
        dev.rebuild()
        assert 0 < dev.cache.render.rendered < 30


def test_serve_with_no_build_before_makes_every_page() -> None:
    with _copy() as site:
        dev = _started(site, site.root.parent)
        assert not dev.errors and dev.cache.render.rendered > 100
        assert _served(dev) == _fresh(site, site.root.parent)


def test_files_are_copied_where_they_cannot_be_linked() -> None:
    """The preview's folder on another drive than the site (a link fails): the files are copied, with
    their times, and still taken."""
    with _copy() as site:
        _built(site, 0)
        with mock.patch.object(os, "link", side_effect=OSError("another drive")):
            dev = _started(site, site.root.parent)
        assert dev.cache.render.rendered == 0
        assert _served(dev) == _fresh(site, site.root.parent)


def test_a_file_replaced_while_it_is_linked_is_not_taken(tmp_path: Path) -> None:
    """The last build's file replaced (another build, a hand) between the check of it and the link: what
    was linked is not the file the cache describes, so it is left out, and made again."""
    source, target = tmp_path / "out", tmp_path / "www"
    (source / "a").mkdir(parents=True)
    (source / "a" / "index.html").write_bytes(b"one")
    (source / "b.html").write_bytes(b"two")
    written = writer.WrittenFiles(str(source), {
        name: writer.Kept("d" + name, (source / name).stat().st_size, (source / name).stat().st_mtime_ns)
        for name in ("a/index.html", "b.html")})
    link = os.link

    def replaced_first(src: Path, dst: Path) -> None:
        if Path(src).name == "index.html":
            Path(src).write_bytes(b"ONE, by hand")
        link(src, dst)

    with mock.patch.object(os, "link", replaced_first):
        writer.link_last(written, target)
    assert written.folder == str(target) and sorted(written.files) == ["b.html"]
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        atomic.MARKER, "b.html"]  # no empty folder left


def test_the_serve_command_starts_from_the_last_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` itself reads the last build's cache before its first build (stopped there, as by Ctrl+C)."""
    pages: list[int] = []

    def first(dev: DevSite) -> bool:
        pages.append(len(dev.cache.render.pages))
        raise KeyboardInterrupt

    with _copy() as site:
        _built(site, 0)
        monkeypatch.setattr(DevSite, "rebuild", first)
        handler = signal.getsignal(signal.SIGTERM)
        try:
            with pytest.raises(KeyboardInterrupt):
                server.serve(site.root, "127.0.0.1", 0, False)
        finally:
            signal.signal(signal.SIGTERM, handler)
    assert len(pages) == 1 and pages[0] > 100


def test_a_copy_that_fails_leaves_nothing_behind(tmp_path: Path) -> None:
    """Neither linked nor copied whole (a full disk): the file is left out, and no part of it stays."""
    source, target = tmp_path / "out", tmp_path / "www"
    source.mkdir()
    (source / "a.html").write_bytes(b"one")
    kept = writer.Kept("d", 3, (source / "a.html").stat().st_mtime_ns)
    written = writer.WrittenFiles(str(source), {"a.html": kept})

    def half(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(b"o")
        raise OSError("no space left")

    with mock.patch.object(os, "link", side_effect=OSError("another drive")), mock.patch.object(shutil, "copy2", half):
        writer.link_last(written, target)
    assert written.files == {} and not list(target.rglob("*"))
