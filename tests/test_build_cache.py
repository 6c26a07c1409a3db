"""What the build cache on disk keeps, and what it leaves to be made again.

`tests/test_incremental.py` checks that a cached rebuild writes what a fresh build writes; these check
that each saving the cache makes is really made (each fails when the code that makes it is taken out).
"""
from __future__ import annotations

import gc
import io
import pickle
from pathlib import Path
from typing import Any

import pytest

from generator import cache, hashing, pipeline
from generator.cli import main
from generator.load.content_pages import for_language
from generator.load.site import load_site
from generator.model.derive import Cited, DeriveCache, Derived, derive_all, derive_record
from generator.model.problems import Problems
from generator.pickling import Pickler
from generator.plan.index import build_index
from generator.plan.page import SourcesContext
from generator.plan.planner import plan
from generator.render.labels import LANGUAGES, load_labels


def _built(root: Path) -> cache.BuildCache:
    """Build the site with its cache on disk, then read that cache back as the next build would."""
    assert main(["build", "--site", str(root), "--output", str(root.parent / "out"), "-q"]) == 0
    return cache.load(root)


def test_a_derived_record_is_pickled_as_its_record_and_derived_again(test_site_at_root: Path) -> None:
    """The cache on disk holds no derived values (deriving again is quicker than reading them back):
    a derived record read back equals the one pickled."""
    loaded = load_site(test_site_at_root, Problems())
    assert loaded is not None
    derived = derive_all(loaded.records)
    written = io.BytesIO()
    Pickler(written).dump(derived)  # as the cache on disk is written
    data = written.getvalue()
    assert b"LevelValues" not in data and b"DerivedBlock" not in data
    assert pickle.loads(data) == derived


def test_derived_records_read_back_share_their_equal_values_as_derive_all_makes_them(
        test_site_at_root: Path) -> None:
    """Read back from disk, the derived records are derived again with one `Shared`: a value two records
    both state (a count, a count ÷ rated share) is one object, and each record derives as it would alone."""
    kept = _built(test_site_at_root)
    derived = list(kept.derived.derived.values())
    made: dict[str, list[object]] = {}
    for d in derived:
        assert repr(d) == repr(derive_record(d.record))
        for block in d.blocks.values():
            for level in block.levels.values():
                if level.count is not None:
                    made.setdefault(repr(level.count), []).append(level.count)
    repeated = [objects for objects in made.values() if len(objects) > 1]
    assert repeated, "the test site has no value two records share"
    assert all(all(o is objects[0] for o in objects) for objects in repeated)


def test_derived_records_of_removed_or_edited_records_are_dropped(test_site_at_root: Path) -> None:
    loaded = load_site(test_site_at_root, Problems())
    assert loaded is not None
    kept = DeriveCache()
    derive_all(loaded.records, kept)
    derive_all(loaded.records[1:], kept)
    assert sorted(kept.derived) == sorted(r.digest for r in loaded.records[1:])


def test_the_fingerprints_of_derived_records_are_read_back_not_walked_again(test_site_at_root: Path) -> None:
    """The cache keeps each derived record's fingerprint (and no more: their parts are not pickled), so
    the next build's page keys do not walk the records again; each kept fingerprint is the record's own."""
    kept = _built(test_site_at_root)
    pairs = kept.fingerprints.__getstate__()
    assert pairs and all(isinstance(value, Derived) for value, _ in pairs)
    assert {id(value) for value, _ in pairs} == {id(d) for d in kept.derived.derived.values()}
    assert all(fp == hashing.fingerprint(value) for value, fp in pairs)
    walked: list[object] = []
    parts = hashing.Fingerprints._parts

    def spy(self: hashing.Fingerprints, value: object) -> str:
        walked.append(value)
        return parts(self, value)
    hashing.Fingerprints._parts = spy  # type: ignore[method-assign]
    try:
        assert main(["build", "--site", str(test_site_at_root), "--output", str(test_site_at_root.parent / "out"),
                     "-q"]) == 0
    finally:
        hashing.Fingerprints._parts = parts  # type: ignore[method-assign]
    assert walked and not [value for value in walked if isinstance(value, Derived)]


def test_the_cycle_collector_is_paused_while_the_cache_is_read_and_written_and_eased_during_a_build(
        test_site_at_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading and writing the cache make hundreds of thousands of objects and no cyclic garbage: the
    collector waits meanwhile. A build leaves what existed before it out of collection and collects
    less often (walking the cache again and again was a fifth of a one-record build). All is as before
    afterwards."""
    _built(test_site_at_root)
    seen: list[bool] = []
    real_load = cache._Unpickler.load

    def load(self: cache._Unpickler) -> Any:
        seen.append(gc.isenabled())
        return real_load(self)
    monkeypatch.setattr(cache._Unpickler, "load", load)
    kept = cache.load(test_site_at_root)
    assert seen == [False] * len(cache.PARTS) and gc.isenabled()
    threshold = gc.get_threshold()
    stages: list[tuple[int, bool]] = []
    result = pipeline.build(test_site_at_root, Problems(), output=test_site_at_root.parent / "out", cache=kept,
                            on_stage=lambda stage: stages.append((gc.get_threshold()[0], gc.get_freeze_count() > 0)))
    assert result is not None and stages and set(stages) == {(pipeline.YOUNG_OBJECTS, True)}
    assert gc.isenabled() and gc.get_freeze_count() == 0 and gc.get_threshold() == threshold
    written: list[bool] = []
    real_write = cache._write

    def write(target: Path, value: object) -> None:
        written.append(gc.isenabled())
        real_write(target, value)
    monkeypatch.setattr(cache, "_write", write)
    cache.save(test_site_at_root, kept)
    assert written == [False] * len(cache.PARTS) and gc.isenabled()


def test_both_editions_charts_cite_each_record_with_the_same_tuple(test_site_at_root: Path) -> None:
    """A record's articles are made once, with the record, for every chart of both editions: the same tuple,
    which the pages' keys then walk once."""
    loaded = load_site(test_site_at_root, Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    cited: dict[str, list[tuple[Cited, ...]]] = {}
    for lang in LANGUAGES:
        for page in plan(index, load_labels(lang), for_language(loaded.content_pages, lang)).pages:
            for chart in getattr(page.context, "charts", []):
                for label, found in zip(chart.labels, chart.row_sources, strict=False):
                    cited.setdefault(f"{chart.id} {label}", []).append(found)
    # A province's levels over the years: each bar is one record's (a chart's row of several records
    # cites their articles together, made for that row).
    shared = [found for name, found in cited.items() if name.split()[0].endswith(("-organizations", "-members"))]
    assert all(len(found) == 2 for found in shared)
    assert shared and all(a is b for a, b in shared)


def test_both_editions_sources_pages_list_the_same_rows(test_site_at_root: Path) -> None:
    """The "sources reviewed" page's rows are made once per build: the same list in both editions."""
    loaded = load_site(test_site_at_root, Problems())
    assert loaded is not None
    index = build_index(loaded.registry, derive_all(loaded.records), loaded.reviewed)
    found = [page.context.articles for lang in LANGUAGES
             for page in plan(index, load_labels(lang), for_language(loaded.content_pages, lang)).pages
             if isinstance(page.context, SourcesContext)]
    assert len(found) == 2 and found[0] and found[0] is found[1]
