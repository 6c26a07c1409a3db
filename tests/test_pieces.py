"""The workbook is compressed in pieces that later builds reuse, and its bytes do not depend on which
build made which piece.

Pieces compressed apart join into one deflate stream whose CRC is combined from theirs; a workbook
whose rows came in any pieces holds the same sheets; and downloads made with pieces kept from earlier
builds, after any edits, are the bytes a build without a cache writes, while compressing again only
the pieces an edit changed.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load.site import Site, load_site
from generator.model.derive import derive_record
from generator.model.problems import Problems
from generator.model.types import Award, Record
from generator.output import deflate, downloads, workbook
from generator.plan.index import build_index
from tests.conftest import ROOT


# -- CRC-32 of a text from its parts' CRCs -------------------------------------------------------------
@given(st.binary(max_size=300), st.binary(max_size=300), st.integers(0, 1 << 20))
def test_crcs_of_two_parts_combine_into_the_crc_of_the_whole(first: bytes, second: bytes, zeros: int) -> None:
    second += bytes(zeros)  # long parts too, without making random megabytes
    assert deflate.crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


# -- pieces join into one stream -------------------------------------------------------------------------
@settings(max_examples=60)
@given(st.lists(st.binary(max_size=2000) | st.text(max_size=500).map(lambda t: (t * 50).encode()), max_size=8),
       st.integers(0, 9))
def test_pieces_join_into_one_deflate_stream_of_their_texts(texts: list[bytes], level: int) -> None:
    stream = deflate.Stream([])
    for text in texts:
        stream.add(deflate.Piece.of(text, level))
    stream.end()
    body = b"".join(stream.bodies)
    reader = zlib.decompressobj(-15)
    assert reader.decompress(body) == b"".join(texts)
    assert reader.eof and not reader.unused_data  # ended by its final block, nothing after
    assert (stream.crc, stream.size, stream.length) == (zlib.crc32(b"".join(texts)), sum(map(len, texts)), len(body))


# -- a workbook's rows in any pieces -----------------------------------------------------------------------
VALUES = st.one_of(st.none(), st.integers(-10**6, 10**6), st.text("abc <&>", max_size=6))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(VALUES, min_size=3, max_size=3), max_size=12), st.lists(st.integers(1, 4), max_size=12))
def test_a_sheet_in_any_pieces_is_the_same_sheet(rows: list[list[Any]], cuts: list[int]) -> None:
    """Rows appended in pieces of any sizes give the sheet XML of rows appended at once, and a zip whose
    CRCs check (zipfile reads it) that openpyxl opens, each value in its row and column (empty cells
    keep the places of the cells after them)."""
    whole, pieced = _book(rows, [len(rows)]), _book(rows, cuts)
    with zipfile.ZipFile(io.BytesIO(whole)) as a, zipfile.ZipFile(io.BytesIO(pieced)) as b:
        assert a.testzip() is None and b.testzip() is None
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(io.BytesIO(pieced))["t"]
    got = [list(r) for r in sheet.iter_rows(min_row=2, max_col=3, values_only=True)]
    assert got == [[v if v != "" else None for v in r] for r in rows][:len(got)]
    assert all(not any(r) for r in rows[len(got):])  # only empty rows at the end can be missing


def _book(rows: list[list[Any]], cuts: list[int]) -> bytes:
    writer = workbook.Writer([("t", ["a", "b", "c"])])
    start = 0
    for cut in [*cuts, len(rows)]:
        part = [workbook.row_xml(r) for r in rows[start:start + cut]]
        writer.append_piece("t", workbook.rows_piece(part))
        start += len(part)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        writer.save(path, [("about", "x")], None)
        return path.read_bytes()


# -- downloads from kept pieces, after edits ---------------------------------------------------------------
@functools.cache
def _site() -> Site:
    site = load_site(ROOT / "tests/site", Problems())
    assert site is not None
    return site


def _award(r: Record, n: int) -> Record:
    return dataclasses.replace(r, awards=(*r.awards, Award(f"award {n}", n)))  # one more row in figures


def _synthetic(r: Record, n: int) -> Record:
    return dataclasses.replace(r, synthetic=not r.synthetic)  # the same rows, other cells


def _source(r: Record, n: int) -> Record:
    first = dataclasses.replace(r.sources[0], title=f"{r.sources[0].title} {n}")
    return dataclasses.replace(r, sources=(first, *r.sources[1:]))  # another article: the sources sheet


CHANGES = (_award, _synthetic, _source)
EDITS = st.tuples(st.sampled_from(("change", "remove", "restore")), st.integers(0, 100), st.integers(0, 2))


def _edited(records: list[Record], removed: list[Record], edit: tuple[str, int, int], n: int) -> None:
    kind, at, change = edit
    if kind == "remove" and len(records) > 1:
        removed.append(records.pop(at % len(records)))
    elif kind == "restore" and removed:
        records.insert(at % (len(records) + 1), removed.pop())
    else:
        r = CHANGES[change](records[at % len(records)], n)
        records[at % len(records)] = dataclasses.replace(r, digest=f"{r.digest}-{n}")


def _downloads(records: list[Record], folder: Path, cache: downloads.RowCache | None) -> dict[str, bytes]:
    site = _site()
    index = build_index(site.registry, [derive_record(r) for r in records], site.reviewed)
    downloads.write(folder, site.config, index, cache)
    return downloads.read_back(folder)


@settings(max_examples=25, deadline=None)
@given(st.lists(EDITS, min_size=1, max_size=5), st.integers(1, 4), st.integers(1, 3))
def test_downloads_from_kept_pieces_after_edits_are_what_a_build_without_a_cache_writes(
        edits: list[tuple[str, int, int]], block: int, sources: int) -> None:
    records, removed, cache = list(_site().records), [], downloads.RowCache()
    with mock.patch.object(downloads, "BLOCK", block), mock.patch.object(downloads, "SOURCES_PIECE", sources), \
            tempfile.TemporaryDirectory() as folder:
        _downloads(records, Path(folder) / "first", cache)
        for n, edit in enumerate(edits):
            _edited(records, removed, edit, n)
            kept = _downloads(records, Path(folder) / f"kept{n}", cache)
            assert kept == _downloads(records, Path(folder) / f"fresh{n}", None), edit
            _assert_rows_numbered_in_order(kept["data/records.xlsx"])


def _assert_rows_numbered_in_order(book: bytes) -> None:
    """No row or cell of a sheet names its place (so a piece is the same bytes wherever it is), and
    each sheet is read with its rows in order: the records sheet has a row per record after the header."""
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    for sheet in sheets:
        assert re.findall(r'<(?:row|c) [^>]*\br="', sheet) == []
    records = openpyxl.load_workbook(io.BytesIO(book))["records"]
    ids = [row[0] for row in records.iter_rows(min_row=2, max_col=1, values_only=True)]
    assert ids and all(ids)


@contextlib.contextmanager
def _made() -> Iterator[list[int]]:
    """The pieces of rows compressed meanwhile, as their numbers of rows. The about sheet (a few rows
    naming the settings) is one piece made by every build."""
    made: list[int] = []
    real = workbook.rows_piece

    def counted(rows: Any) -> deflate.Piece:
        rows = list(rows)
        made.append(len(rows))
        return real(rows)
    with mock.patch.object(workbook, "rows_piece", counted):
        yield made


def _blocks(records: list[Record]) -> list[list[str]]:
    """The records' digests in their blocks, as `downloads` cuts them."""
    found: list[list[str]] = [[]]
    for r in records:
        found[-1].append(r.digest)
        if downloads.ends_piece(r.digest, len(found[-1]), downloads.BLOCK):
            found.append([])
    return [b for b in found if b]


def _changed(before: list[Record], after: list[Record]) -> int:
    """Blocks of `after` that `before` did not have."""
    return sum(1 for b in _blocks(after) if b not in _blocks(before))


def test_an_edit_compresses_again_only_the_pieces_it_changed(tmp_path: Path) -> None:
    """Only the blocks an edit changed are compressed again: not the ones after it, also when it adds
    rows, or adds or removes a record (no piece holds its rows' places)."""
    records = list(_site().records)
    cache = downloads.RowCache()
    with mock.patch.object(downloads, "BLOCK", 2), mock.patch.object(downloads, "SOURCES_PIECE", 2):
        blocks = len(_blocks(records))
        assert 2 < blocks < len(records)  # cut by the records' digests, about one in two
        with _made() as made:
            _downloads(records, tmp_path / "first", cache)
        runs = len(made) - 2 * blocks - 1  # figures and records of each block; runs of sources; about
        assert 2 < runs < 11
        with _made() as made:
            _downloads(records, tmp_path / "same", cache)
        assert len(made) == 1
        for n, change in enumerate(("edited", "award", "removed", "restored")):
            before = list(records)
            if change == "removed":
                gone = records.pop(3)
            elif change == "restored":
                records.insert(3, gone)
            else:
                edit = _synthetic if change == "edited" else _award
                records[4] = dataclasses.replace(edit(records[4], n), digest=f"{change}-{records[4].digest}")
            changed = _changed(before, records)
            with _made() as made:
                _downloads(records, tmp_path / change, cache)
            # Its blocks' pieces of figures and records (none for a block of its own taken out), no later
            # ones; the about sheet; and, for a record taken out or put back, the runs of sources around
            # its article (one or two), not the later ones.
            sources = len(made) - 2 * changed - 1
            assert changed <= 2 and (0 < sources <= 2 if change in ("removed", "restored") else sources == 0), change
        with _made() as made, mock.patch.object(zlib, "ZLIB_RUNTIME_VERSION", "another"):
            _downloads(records, tmp_path / "zlib", cache)
        assert len(made) == 2 * len(_blocks(records)) + runs + 1  # another zlib may compress to other bytes: nothing is reused
