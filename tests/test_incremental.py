"""A rebuild that reuses what it kept gives exactly what a fresh build of the same inputs gives.

Random sequences of the edits a maintainer makes (a number, a qualifier, a committee name, a label,
a record removed or added back, a template, a content page, site.yaml; and a province's name in the
registry, an article's publisher, whether "good" includes "excellent", a record turned into a
half-year one under its new file name, a stylesheet in `static/`, an English page) are applied to a
copy of the test site; after each, the serve path (`pipeline.build` with a `BuildCache`) must write the same
bytes as a build that kept nothing. Pages need no list of what they depend on for this to hold.
"""
from __future__ import annotations

import os
import pickle
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator import __version__, cache, pipeline
from generator.cache import BuildCache
from generator.cli import main
from generator.hashing import digest
from generator.load import records, registry
from generator.load.site import load_site
from generator.model.problems import Problems
from generator.output import downloads, writer
from generator.output.atomic import MARKER, MARKER_TEXT
from generator.plan import planner
from generator.render.labels import THEME, load_labels
from generator.render.renderer import Fragments, MemoryBytecodeCache, RenderCache
from tests.goldens import SITE, files_under

LAM_DONG_2019 = "content/records/lam-dong/khoi-cac-co-quan/2019.yaml"
RECORDS = ("content/records/tuyen-quang/khoi-doanh-nghiep/2019.yaml",
           "content/records/tra-vinh/khoi-co-quan-va-doanh-nghiep/2022.yaml",
           "content/records/lam-dong/khoi-cac-co-quan/2020.yaml")
TEMPLATES = ("_head.html", "embed.html", "province.html", "macros.html")


@dataclass
class Edited:
    """A copy of the test site being edited, with what the edits keep outside it."""

    root: Path
    labels: dict[str, str] = field(default_factory=dict)  # label changed -> its new text
    removed: dict[str, bytes] = field(default_factory=dict)  # record files taken out, to put back

    def edit(self, relative: str, change: Callable[[str], str]) -> None:
        path = self.root / relative
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    def load_labels(self, lang: Any) -> Any:
        labels = load_labels(lang)
        for key, text in self.labels.items():
            labels["site"][key] = text
        return labels


def _number(site: Edited, n: int) -> None:
    site.edit(LAM_DONG_2019, lambda text: re.sub(r"admitted: \{count: \d+", f"admitted: {{count: {100 + n % 900}",
                                                   text))


def _qualifier(site: Edited, n: int) -> None:
    def toggle(text: str) -> str:
        if "qualifier: gần, " in text:
            return text.replace("qualifier: gần, ", "")
        return re.sub(r"(admitted: \{count: \d+, )", r"\1qualifier: gần, ", text)
    site.edit(LAM_DONG_2019, toggle)


def _committee_name(site: Edited, n: int) -> None:
    site.edit("content/committees.yaml", lambda text: re.sub(
        r"(name: Đảng bộ Khối các cơ quan tỉnh Vĩnh Long)[^\n]*", rf"\1 {n}", text, count=1))


def _label(site: Edited, n: int) -> None:
    site.labels["nav_data" if n % 2 else "footer"] = f"Nhãn {n}"  # shown on every page, not in any context


def _record(site: Edited, n: int) -> None:
    relative = RECORDS[n % len(RECORDS)]
    path = site.root / relative
    if relative in site.removed:
        path.write_bytes(site.removed.pop(relative))
    else:
        site.removed[relative] = path.read_bytes()
        path.unlink()


def _template(site: Edited, n: int) -> None:
    name = TEMPLATES[n % len(TEMPLATES)]
    (site.root / "templates").mkdir(exist_ok=True)
    theme = (THEME / "templates" / name).read_text(encoding="utf-8")
    (site.root / "templates" / name).write_text(f"{theme}\n{{# {n} #}}<!-- {n} -->\n", encoding="utf-8")


def _content_page(site: Edited, n: int) -> None:
    site.edit("content/pages/about.md", lambda text: text + f"\nĐoạn thêm số {n}.\n")


def _site_yaml(site: Edited, n: int) -> None:
    site.edit("site.yaml", lambda text: re.sub(r"description: [^\n]*", f"description: Mô tả số {n}", text))


def _province_name(site: Edited, n: int) -> None:
    site.edit("content/provinces.yaml", lambda text: re.sub(r"(name: Lâm Đồng)[^\n]*", rf"\1 {n % 7}", text, count=1))


def _publisher(site: Edited, n: int) -> None:
    site.edit(LAM_DONG_2019, lambda text: re.sub(r"(publisher: Báo Lâm Đồng)[^\n]*", rf"\1 {n % 9}", text, count=1))


def _includes(site: Edited, n: int) -> None:
    """Swap which blocks' "good" includes "excellent": their derived counts and shares change."""
    site.edit(LAM_DONG_2019, lambda text: text.replace("good_includes_excellent: false", "good_includes_excellent: ?")
              .replace("good_includes_excellent: true", "good_includes_excellent: false", 1)
              .replace("good_includes_excellent: ?", "good_includes_excellent: true"))


HALF_YEAR = "period:\n  kind: half_year\n  number: 1\n  until: 2019-06-30\n  as_written: 6 tháng đầu năm\n"


def _period(site: Edited, n: int) -> None:
    """A full-year record becomes the year's first half (so it leaves the trends), its file renamed as a
    maintainer must; and back."""
    full = site.root / "content/records/tuyen-quang/khoi-cac-co-quan/2019.yaml"
    half = full.with_name("2019-h1.yaml")
    if full.exists():
        half.write_text(full.read_text(encoding="utf-8").replace("year: 2019\n", "year: 2019\n" + HALF_YEAR, 1),
                        encoding="utf-8")
        full.unlink()
    else:
        full.write_text(half.read_text(encoding="utf-8").replace(HALF_YEAR, ""), encoding="utf-8")
        half.unlink()


def _static(site: Edited, n: int) -> None:
    (site.root / "static").mkdir(exist_ok=True)
    theme = (THEME / "static" / "style.css").read_text(encoding="utf-8")
    (site.root / "static" / "style.css").write_text(f"{theme}\n/* {n} */\n", encoding="utf-8")


def _english_page(site: Edited, n: int) -> None:
    site.edit("content/pages/about.en.md", lambda text: text + f"\nOne more paragraph, {n}.\n")


EDITS: tuple[Callable[[Edited, int], None], ...] = (
    _number, _qualifier, _committee_name, _label, _record, _template, _content_page, _site_yaml,
    _province_name, _publisher, _includes, _period, _static, _english_page)


@contextmanager
def _copy() -> Iterator[Edited]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        shutil.copytree(SITE, root, ignore=shutil.ignore_patterns(".portal-cache", "output"))  # the sources alone
        site = Edited(root)
        # Blocks of three records: the test site's downloads in several pieces, most of them copied from
        # the last output's files after an edit (see `downloads._Text`), as at national scale.
        with mock.patch.object(pipeline, "load_labels", site.load_labels), mock.patch.object(downloads, "BLOCK", 3):
            yield site


@pytest.fixture(scope="session")
def compiled() -> MemoryBytecodeCache:
    """Compiled templates shared by every build here (Jinja checks each against its source)."""
    return MemoryBytecodeCache()


def _cache(compiled: MemoryBytecodeCache) -> BuildCache:
    return BuildCache(render=RenderCache(bytecode=compiled, fragments=Fragments()), plans={})  # as `serve` keeps it


def _build(site: Edited, output: str, cache: BuildCache, workers: int = 1) -> dict[str, bytes] | None:
    """What the build wrote, or None when it failed."""
    result = pipeline.build(site.root, Problems(), output=site.root.parent / output, cache=cache, workers=workers)
    return files_under(site.root.parent / output) if result else None


def _fresh(site: Edited, compiled: MemoryBytecodeCache) -> dict[str, bytes] | None:
    """What a build that keeps nothing from before but compiled templates writes, into a new folder."""
    with tempfile.TemporaryDirectory(dir=site.root.parent) as folder:
        return _build(site, str(Path(folder) / "out"), _cache(compiled))


def _assert_same(cached: dict[str, bytes] | None, fresh: dict[str, bytes] | None) -> None:
    assert (cached is None) == (fresh is None)
    if cached is not None and fresh is not None:
        assert sorted(cached) == sorted(fresh)
        assert [name for name in fresh if cached[name] != fresh[name]] == []


def test_a_qualifier_added_shows_on_every_page_after_a_cached_rebuild(compiled: MemoryBytecodeCache) -> None:
    """The known case: `qualifier: gần` on an admitted figure once left `145` on the admissions
    indicator and embed pages of a cached rebuild where a fresh build shows `gần 145`."""
    with _copy() as site:
        cache = _cache(compiled)
        _build(site, "cached", cache)
        _qualifier(site, 0)
        cached = _build(site, "cached", cache)
        _assert_same(cached, _fresh(site, compiled))
        assert cached is not None
        assert "gần 145" in cached["indicators/admissions/index.html"].decode()


def _all_records_changed_at(site: Edited, ns: int) -> None:
    for path in (site.root / "content/records").rglob("*.yaml"):
        os.utime(path, ns=(ns, ns))


def test_an_edit_of_the_same_length_in_the_same_clock_tick_is_seen(compiled: MemoryBytecodeCache) -> None:
    """On a FAT-formatted USB stick a file's time moves in 2 s steps: a figure corrected to one of the same
    length within a step leaves the file's size and time as they were. The rebuild must still show it."""
    with _copy() as site:
        tick = time.time_ns()  # the time a coarse clock gives both saves
        _all_records_changed_at(site, tick)
        cache = _cache(compiled)
        first = _build(site, "cached", cache)
        site.edit(LAM_DONG_2019, lambda text: text.replace("admitted: {count: 145", "admitted: {count: 146"))
        _all_records_changed_at(site, tick)
        cached = _build(site, "cached", cache)
        fresh = _fresh(site, compiled)
        assert first is not None and fresh is not None
        page = "indicators/admissions/index.html"
        assert first[page] != fresh[page]  # the edit shows
        _assert_same(cached, fresh)


def test_a_file_found_unchanged_within_its_clock_tick_is_still_not_trusted(compiled: MemoryBytecodeCache) -> None:
    """A file whose bytes were compared (not parsed) while its time was still too recent stays untrusted:
    an edit of the same length later in the same tick must show."""
    with _copy() as site:
        tick = time.time_ns()
        _all_records_changed_at(site, tick)
        cache = _cache(compiled)
        _build(site, "cached", cache)
        _build(site, "cached", cache)  # each file's bytes compared, found as they were
        site.edit(LAM_DONG_2019, lambda text: text.replace("admitted: {count: 145", "admitted: {count: 146"))
        _all_records_changed_at(site, tick)
        cached = _build(site, "cached", cache)
        assert cached is not None and "146" in cached["indicators/admissions/index.html"].decode()
        _assert_same(cached, _fresh(site, compiled))


def test_a_record_file_unchanged_since_long_before_is_not_read_again(compiled: MemoryBytecodeCache) -> None:
    """Only files whose time is too recent to tell a later save apart are read again, and parsed again
    only when their bytes changed."""
    with _copy() as site:
        _all_records_changed_at(site, time.time_ns() - 3600 * 10**9)
        cache = _cache(compiled)
        _build(site, "cached", cache)
        with mock.patch.object(records, "_load_one", wraps=records._load_one) as parse, \
                mock.patch.object(records.yamlfile, "read_input", wraps=records.yamlfile.read_input) as read:
            def records_read() -> list[str]:  # other inputs (site.yaml, the registry) are read at each build
                return [Path(call.args[0]).relative_to(site.root).as_posix() for call in read.call_args_list
                        if "records" in Path(call.args[0]).parts]

            _build(site, "cached", cache)
            assert parse.call_count == 0 and records_read() == []
            _number(site, 3)  # saved now: parsed, and read again next time, when it may have changed unseen
            _build(site, "cached", cache)
            _build(site, "cached", cache)
            assert [call.args[1] for call in parse.call_args_list] == [LAM_DONG_2019]
            assert records_read() == [LAM_DONG_2019] * 3  # compared (changed), parsed; compared (the same)


def test_record_files_written_just_before_a_build_are_not_parsed_again(compiled: MemoryBytecodeCache) -> None:
    """A site copied, a branch checked out or `serve` started right after: every file's time is too
    recent to trust, so the next build compares their bytes, and parses only the one edited meanwhile.
    Files saved again as they were (their times changed) are not parsed either. Each build writes what
    a fresh build writes."""
    with _copy() as site:
        _all_records_changed_at(site, time.time_ns())
        cache = _cache(compiled)
        _build(site, "cached", cache)
        count = len(list((site.root / "content/records").rglob("*.yaml")))
        with mock.patch.object(records, "_load_one", wraps=records._load_one) as parse:
            _number(site, 7)
            _all_records_changed_at(site, time.time_ns() - 3600 * 10**9)  # saved again as they were, long ago
            cached = _build(site, "cached", cache)
            assert [call.args[1] for call in parse.call_args_list] == [LAM_DONG_2019]
        with mock.patch.object(records.yamlfile, "read_input", wraps=records.yamlfile.read_input) as read:
            _build(site, "cached", cache)
            assert [call for call in read.call_args_list if "records" in Path(call.args[0]).parts] == []  # trusted
        assert count > 10 and cached is not None
        _assert_same(cached, _fresh(site, compiled))


@settings(max_examples=2, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(EDITS), st.lists(st.integers(0, 10**6), min_size=len(EDITS), max_size=len(EDITS)))
def test_a_cached_rebuild_writes_what_a_fresh_build_writes(
        compiled: MemoryBytecodeCache, edits: list[Callable[[Edited, int], None]], numbers: list[int]) -> None:
    """Every kind of edit in each example, in a drawn order, compared after each one."""
    with _copy() as site:
        cache = _cache(compiled)
        _build(site, "cached", cache)
        for edit, n in zip(edits, numbers, strict=True):
            edit(site, n)
            _assert_same(_build(site, "cached", cache), _fresh(site, compiled))


def test_a_cached_rebuild_of_a_national_site_writes_what_a_fresh_build_writes(compiled: MemoryBytecodeCache) -> None:
    """The same with every split a national site gets (provinces paged by years, indicators charted by
    province, a search page without records): every kind of edit once, compared after each."""
    with _copy() as site, mock.patch.object(planner, "PROVINCE_PAGE_SIZE", 1), \
            mock.patch.object(planner, "INDICATOR_PAGE_FIGURES", 0), mock.patch.object(planner, "SEARCH_PAGE_RECORDS", 0):
        cache = _cache(compiled)
        first = _build(site, "cached", cache)
        assert first is not None and "indicators/organizations-excellent/tra-vinh/index.html" in first
        for n, edit in enumerate(EDITS):
            edit(site, 1000 + n)
            _assert_same(_build(site, "cached", cache), _fresh(site, compiled))


def test_changed_downloads_wait_beside_the_output_until_the_build_passed(compiled: MemoryBytecodeCache) -> None:
    """`serve` moves changed downloads in only once the whole build passed: a build that fails after
    writing them (a broken link) leaves the last good ones, and nothing held beside the output."""
    with _copy() as site:
        cache = _cache(compiled)
        first = _build(site, "served", cache)
        assert first is not None
        _number(site, 7)
        page = next((site.root / "content/pages").glob("*.md"))
        good = page.read_text(encoding="utf-8")
        page.write_text(good + "\n[gone](/nowhere/)\n", encoding="utf-8")
        assert _build(site, "served", cache) is None
        assert files_under(site.root.parent / "served") == first
        assert [p.name for p in site.root.parent.iterdir() if p.name.startswith(".served.held")] == []
        page.write_text(good, encoding="utf-8")
        _assert_same(_build(site, "served", cache), _fresh(site, compiled))
        assert files_under(site.root.parent / "served")["data/figures.csv"] != first["data/figures.csv"]


def test_downloads_replaced_where_files_cannot_be_linked_are_simply_replaced(compiled: MemoryBytecodeCache) -> None:
    """`serve` keeps a second name of each download it replaces until the pages reloaded; where the
    file system has no links (a FAT drive), the replacement frees the old file at once instead, and the
    output is the same."""
    with _copy() as site:
        cache = _cache(compiled)
        _build(site, "served", cache)
        _number(site, 5)
        with mock.patch.object(writer.os, "link", side_effect=OSError("no links here")):
            served = _build(site, "served", cache)
        _assert_same(served, _fresh(site, compiled))
        old = [p for p in site.root.parent.iterdir() if p.name.startswith(".served.old-")]
        assert len(old) == 1 and not any(old[0].iterdir())


def test_serve_takes_the_unchanged_rows_of_a_chart_from_its_fragments(compiled: MemoryBytecodeCache) -> None:
    """A national trend's table has a row per committee; after an edit, `serve` renders the rows whose
    arguments changed and takes the others as the last build made them (`renderer.Fragments`). Here
    the kept rows are marked, so the page shows which were taken: all but the edited committee's."""
    with _copy() as site:
        cache = _cache(compiled)
        _build(site, "served", cache)
        fragments = cache.render.fragments
        assert fragments is not None and fragments.kept
        fragments.kept = {key: Markup('<tr data-kept="yes"></tr>') for key in fragments.kept}
        _number(site, 7)
        served = _build(site, "served", cache)
        assert served is not None
        page = served["indicators/admissions/index.html"].decode()
        # The trend's row of the edited committee is made again; the latest ranking's rows (Lâm Đồng's
        # latest year is not the one edited) are taken.
        assert re.findall(r'<tr data-key="([^"]*)"', page) == ["lam-dong"]
        assert page.count('<tr data-kept="yes">') >= 2


def test_a_fragment_is_kept_while_a_page_that_used_it_last_is_there() -> None:
    """A page that an edit does not render keeps its rows for the next edit that does; the rows of a
    page gone, or that a page no longer uses, are let go."""
    fragments = Fragments()

    def render(page: str, *keys: str) -> list[bool]:
        fragments.rendering(page)
        found = [fragments.get(key) is not None for key in keys]
        for key in keys:
            fragments.kept.setdefault(key, Markup(key))
        return found

    assert render("a", "x") == [False] and render("b", "y") == [False]
    fragments.end_build({"a", "b"})
    assert render("b", "y") == [True]  # a is not rendered by this build
    fragments.end_build({"a", "b"})
    assert render("a", "x") == [True] and render("b", "z") == [False]
    fragments.end_build({"a", "b"})
    assert set(fragments.kept) == {"x", "z"}  # y: b no longer uses it
    fragments.end_build({"b"})
    assert set(fragments.kept) == {"z"}  # x: a is gone


def test_two_workers_build_what_one_builds(compiled: MemoryBytecodeCache) -> None:
    with _copy() as site:
        one = _build(site, "one", _cache(compiled), workers=1)
        two_cache = _cache(compiled)
        two = _build(site, "two", two_cache, workers=2)
        assert two_cache.render.rendered >= 24  # enough pages for the workers to be used
        assert one is not None
        _assert_same(two, one)


def _cli_build(root: Path, output: str, *extra: str) -> dict[str, bytes]:
    assert main(["build", "--site", str(root), "--output", str(root.parent / output), *extra]) == 0
    return files_under(root.parent / output)


DAMAGES = (b"", b"not a cache", pickle.dumps({"records": 1}), pickle.dumps((1, 2, 3)))


def test_a_build_after_an_edit_writes_what_a_clean_build_writes() -> None:
    """`build` keeps its caches in .portal-cache/ beside the site and uses them next time; what it
    writes is what `build --clean` writes. A damaged cache file is ignored. Each kind of damage in turn,
    after an edit, on the cache the build before it left."""
    with _copy() as site:
        _cli_build(site.root, "kept")
        assert sorted(p.name for p in cache.cache_folder(site.root).iterdir()) == [
            f"{part}.pickle" for part in sorted(cache.PARTS)]
        assert cache.load(site.root).render.pages  # the next build starts from what this one made
        _qualifier(site, 0)
        _cli_build(site.root, "kept")
        assert cache.load(site.root).render.rendered < 30  # only the pages that show the record
        for n, damage in enumerate(DAMAGES):
            _number(site, 7 + n)
            if damage != b"":
                for part in cache.cache_folder(site.root).iterdir():
                    part.write_bytes(damage)
            assert _cli_build(site.root, "kept") == _cli_build(site.root, "clean", "--clean"), damage


def test_the_cache_on_disk_keeps_the_registry_and_pages_until_one_of_their_files_changes() -> None:
    """`build` keeps the registry, the articles read and the content pages in its cache on disk too:
    read back, they are used while no file of theirs changed, and an edited committee name or content
    page is read again (the output equals a clean build's)."""
    with _copy() as site:
        _cli_build(site.root, "kept")
        assert sorted(cache.load(site.root).inputs.kept) == ["pages", "registry", "reviewed"]
        with mock.patch.object(registry, "load", wraps=registry.load) as read:
            _number(site, 3)
            _cli_build(site.root, "kept")
            assert read.call_count == 0
            _committee_name(site, 3)
            _content_page(site, 3)
            assert _cli_build(site.root, "kept") == _cli_build(site.root, "clean", "--clean")
            assert read.call_count == 2  # the kept build, then the clean one


def test_a_cache_is_never_read_by_other_code(tmp_path: Path) -> None:
    """The cache file's name changes with the generator's code and the Python version."""
    root = tmp_path / "site"
    name = cache.cache_folder(root).name
    assert f"py{sys.version_info.major}.{sys.version_info.minor}" in name and __version__ in name
    with mock.patch.object(cache, "_code", lambda: "other"):
        assert cache.cache_folder(root).name != name


TAMPERED = {"index.html": (b"<main", b"<main data-edited-by-hand"),  # a page
            # a download of a province the edit leaves alone, and the whole table: the same size, changed
            "data/provinces/vinh-long.csv": (b"vinh-long", b"VINH-LONG"),
            "data/figures.csv": (b"vinh-long", b"VINH-LONG")}


def _tamper(output: Path, name: str) -> None:
    """Change a built file by hand (as a maintainer might, or another program)."""
    before, after = TAMPERED[name]
    data = (output / name).read_bytes()
    assert before in data
    (output / name).write_bytes(data.replace(before, after, 1))


@pytest.mark.parametrize("name", list(TAMPERED))
@pytest.mark.parametrize("path", ["serve", "build"])
def test_an_output_file_changed_by_hand_is_made_again(compiled: MemoryBytecodeCache, path: str, name: str) -> None:
    """An unchanged page is taken from the last output, and a download's unchanged pieces are copied
    from it, only while that file is still the one the last build wrote: one changed since is made
    again whole."""
    with _copy() as site:
        output = site.root.parent / "kept"
        if path == "serve":
            kept = _cache(compiled)
            _build(site, "kept", kept)
            _tamper(output, name)
            _number(site, 3)
            cached = _build(site, "kept", kept)
        else:
            _cli_build(site.root, "kept")
            _tamper(output, name)
            _number(site, 3)
            cached = _cli_build(site.root, "kept")
        assert cached is not None and TAMPERED[name][1] not in cached[name]
        _assert_same(cached, _fresh(site, compiled))


def test_unchanged_pages_are_linked_from_the_last_output_not_written(compiled: MemoryBytecodeCache) -> None:
    """A one-off build with the cache writes only the pages an edit changed; the others are the last
    output's files (hard links, so the same file on disk until the old folder is removed), also when
    they were linked from the output before it."""
    with _copy() as site:
        _cli_build(site.root, "kept")
        out = site.root.parent / "kept"
        before = {p: p.stat().st_ino for p in out.rglob("*.html")}
        for n in (5, 6):
            _number(site, n)
            _cli_build(site.root, "kept")
            same = [p for p, inode in before.items() if p.is_file() and p.stat().st_ino == inode]
            rendered = cache.load(site.root).render.rendered
            assert 0 < rendered < 30 and len(same) >= len(before) - 2 * rendered


def _beside(site: Edited, output: str) -> list[str]:
    """What lies beside the output folder besides its lock."""
    return sorted(p.name for p in site.root.parent.iterdir() if p.name.startswith(f".{output}.")
                  and not p.name.endswith(".lock"))


def test_a_one_off_build_fills_the_spare_instead_of_making_every_folder(compiled: MemoryBytecodeCache) -> None:
    """The old output, swapped out, is kept beside the new one (the spare); the next build fills it
    again, so its folders are not made anew, and it still writes what a clean build writes: also when
    the spare was changed by hand (a page edited, a file added). A build without the cache keeps none."""
    with _copy() as site:
        _cli_build(site.root, "kept")
        assert _beside(site, "kept") == []  # nothing to keep the first time: there was no output
        _number(site, 1)
        _cli_build(site.root, "kept")
        assert _beside(site, "kept") == [".kept.spare"]
        spare = site.root.parent / ".kept.spare"
        folders = sum(1 for p in spare.rglob("*") if p.is_dir())
        _tamper(spare / "about", "index.html")  # a page the edit below does not change
        (spare / "provinces" / "stray.html").write_text("left here by hand", encoding="utf-8")
        _number(site, 2)
        with mock.patch("pathlib.Path.mkdir", autospec=True, side_effect=Path.mkdir) as made:
            cached = _cli_build(site.root, "kept")
        assert folders > 20 and made.call_count < folders / 4
        assert cached == _cli_build(site.root, "clean", "--clean")
        assert _beside(site, "kept") == [".kept.spare"] and _beside(site, "clean") == []


@pytest.mark.parametrize("links", [True, False])
def test_a_failed_build_on_the_spare_leaves_the_output_as_it_was(compiled: MemoryBytecodeCache, links: bool) -> None:
    """Files in the spare may be the output's own files (linked there by the build before): a build
    filling the spare replaces them and never writes into them, so one that fails leaves the output
    exactly as it was. Here the pages of Lâm Đồng, unchanged by the second build, are shared. Where
    files cannot be linked (a FAT-formatted drive), they are copied, and the same holds."""
    linking = mock.patch("os.link", wraps=os.link) if links else mock.patch("os.link", side_effect=OSError("no links"))
    with _copy() as site, linking as linked:
        _cli_build(site.root, "kept")
        _committee_name(site, 1)
        before = _cli_build(site.root, "kept")
        _number(site, 2)
        page = next((site.root / "content/pages").glob("*.md"))
        good = page.read_text(encoding="utf-8")
        page.write_text(good + "\n[gone](/nowhere/)\n", encoding="utf-8")
        assert main(["build", "--site", str(site.root), "--output", str(site.root.parent / "kept"), "-q"]) == 1
        assert files_under(site.root.parent / "kept") == before
        page.write_text(good, encoding="utf-8")
        assert _cli_build(site.root, "kept") == _cli_build(site.root, "clean", "--clean")
        assert linked.call_count > 0


def test_a_file_of_the_spare_that_is_the_outputs_own_is_not_linked_over_itself(tmp_path: Path) -> None:
    """When what was said of the spare is out of date (a build killed after keeping it), a file there
    may already be the output's own file, which the build would link in: renaming a link over the same
    file does nothing, so the build keeps it as it is instead of leaving the link's name behind."""
    out, spare = tmp_path / "out", tmp_path / ".out.spare"
    out.mkdir()
    spare.mkdir()
    page = b"<p>the same page</p>"
    (out / "page.html").write_bytes(page)
    (out / MARKER).write_bytes(MARKER_TEXT)
    os.link(out / "page.html", spare / "page.html")
    (spare / "old.html").write_bytes(b"<p>old</p>")
    written = writer.WrittenFiles(str(out), {"page.html": writer._kept(out / "page.html", digest(page))},
                                  {"old.html": writer._kept(spare / "old.html", digest(b"<p>old</p>"))})
    with writer.Staging(out, written) as staging:
        staging.put("page.html", page, digest(page))
        staging.commit()
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "page.html"]
    assert (out / "page.html").read_bytes() == page


def test_downloads_are_made_again_only_when_their_records_or_settings_change(compiled: MemoryBytecodeCache) -> None:
    """A template edit changes no download: they are not made again but taken from the last output; a
    changed figure makes them again. The rows cache keeps only the current records' rows."""
    with _copy() as site:
        kept = _cache(compiled)
        _build(site, "kept", kept)
        with mock.patch.object(pipeline.downloads, "write", wraps=pipeline.downloads.write) as made:
            _template(site, 1)
            _content_page(site, 1)
            assert _build(site, "kept", kept) is not None and made.call_count == 0
            _number(site, 4)
            _record(site, 0)  # one record fewer
            assert _build(site, "kept", kept) is not None and made.call_count == 1
        site_records = load_site(site.root, Problems())
        assert site_records is not None and len(kept.rows.rows) == len(site_records.records)


def _rendered_by_build(site: Edited, kept: BuildCache) -> tuple[list[str], dict[str, bytes] | None]:
    """The pages a cached build rendered (not taken from the last output), by address, and what it wrote."""
    rendered: list[str] = []
    render_one = pipeline.Renderer.render_one

    def spy(renderer: pipeline.Renderer, page: Any) -> Any:
        rendered.append(renderer.prefix + page.url)
        return render_one(renderer, page)
    with mock.patch.object(pipeline.Renderer, "render_one", spy):
        return rendered, _build(site, "kept", kept)


def test_a_title_edit_makes_again_only_the_pages_that_show_titles(compiled: MemoryBytecodeCache) -> None:
    """Charts show an article's newspaper, date and address, not its title: the indicator pages (all
    charts) are not rendered again when only a title changes; the record's own pages are."""
    with _copy() as site:
        kept = _cache(compiled)
        _build(site, "kept", kept)
        site.edit(LAM_DONG_2019, lambda text: re.sub(r"(\n    title: [^\n]*)", r"\1 (sửa)", text, count=1))
        rendered, built = _rendered_by_build(site, kept)
        assert built is not None
        assert "provinces/lam-dong/" in rendered and "en/provinces/lam-dong/" in rendered
        assert [url for url in rendered if "indicators/" in url] == []


def test_a_title_edit_leaves_the_pages_that_only_list_the_record(compiled: MemoryBytecodeCache) -> None:
    """At national scale a province's first page lists its older records as lines, and a year's page lists
    its records by province: lines that name a record by place and period. A title edit renders the
    record's own page of its years again, not those two."""
    with _copy() as site, mock.patch.object(planner, "PROVINCE_PAGE_SIZE", 1), \
            mock.patch.object(planner, "YEAR_PAGE_SIZE", 1):
        kept = _cache(compiled)
        first = _build(site, "kept", kept)
        assert first is not None and 'id="other-years"' in first["provinces/lam-dong/index.html"].decode()
        assert 'class="year-records"' in first["years/2019/index.html"].decode()
        site.edit(LAM_DONG_2019, lambda text: re.sub(r"(\n    title: [^\n]*)", r"\1 (sửa)", text, count=1))
        rendered, built = _rendered_by_build(site, kept)
        assert built is not None and built != first
        for prefix in ("", "en/"):
            assert f"{prefix}provinces/lam-dong/2015-2019/" in rendered, rendered
            assert f"{prefix}provinces/lam-dong/" not in rendered and f"{prefix}years/2019/" not in rendered, rendered
        _assert_same(built, _fresh(site, compiled))


def test_a_figure_edit_renders_only_its_provinces_page_of_an_indicator_charted_by_province(
        compiled: MemoryBytecodeCache) -> None:
    """At national scale an indicator's trend is charted province by province: a figure edit renders that
    province's page of it again (and the indicator's first page, whose ranking shows the figure), not the
    other provinces' pages; the build still writes what a fresh build writes."""
    with _copy() as site, mock.patch.object(planner, "INDICATOR_PAGE_FIGURES", 0):
        kept = _cache(compiled)
        first = _build(site, "kept", kept)
        assert first is not None
        pages = {path for path in first if re.fullmatch(r"indicators/[a-z-]+/[a-z-]+/index\.html", path)}
        assert {"indicators/organizations-excellent/lam-dong/index.html",
                "indicators/organizations-excellent/tra-vinh/index.html"} <= pages
        site.edit(LAM_DONG_2019, lambda text: text.replace('excellent: {count: 17, of: 62, quote: "17/62',
                                                           'excellent: {count: 18, of: 62, quote: "18/62'))
        rendered, after = _rendered_by_build(site, kept)
        assert after is not None and after != first
        for prefix in ("", "en/"):
            shown = [url for url in rendered if re.fullmatch(rf"{prefix}indicators/[a-z-]+/[a-z-]+/", url)]
            assert f"{prefix}indicators/organizations-excellent/lam-dong/" in shown, rendered
            assert all(url.endswith("/lam-dong/") for url in shown), rendered
        _assert_same(after, _fresh(site, compiled))


def test_a_figure_edit_makes_the_sources_page_again_only_if_it_shows_it(compiled: MemoryBytecodeCache) -> None:
    """The sources page names each record by its place and period, never its figures: a figure edit
    does not render it again (in either edition), while the pages that show the figure are."""
    with _copy() as site:
        kept = _cache(compiled)
        first = _build(site, "kept", kept)
        assert first is not None
        before = {p: first[p] for p in ("sources/index.html", "en/sources/index.html")}
        _number(site, 4)
        rendered, after = _rendered_by_build(site, kept)
        assert after is not None and after != first
        assert any("indicators/" in url for url in rendered), rendered
        assert "sources/" not in rendered and "en/sources/" not in rendered, rendered
        assert {p: after[p] for p in before} == before
