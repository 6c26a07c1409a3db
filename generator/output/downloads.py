"""Downloads under /data/: a wide CSV (one row per record), a tidy CSV (one row per figure) whose
articles are a table of their own (sources.csv), JSON, an Excel workbook and a Frictionless
datapackage.json whose table schemas are files of their own.

The numbers are the ones the pages show: stated figures as written, derived ones in their own
columns or rows with a flag, never mixed. CSV files are UTF-8 with a BOM, so spreadsheet programs
show the diacritics (Frictionless reads the BOM under the declared encoding "utf-8").
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import itertools
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from generator.hashing import PiecesDigest, digest
from generator.load.config import Config
from generator.model.derive import ROWS, Derived, Value
from generator.model.types import BLOCK_FIGURES, BLOCKS, Figure, PartialDate, Record, Source
from generator.output import deflate, workbook
from generator.output.figures import FigureRow, figure_rows, period_dates
from generator.plan.index import SiteIndex
from generator.plan.page import DataSummary
from generator.workers import forking, in_order, shared_out

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _num(value: int | Decimal | None) -> str:
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _safe(text: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (=, +, -, @ at the start)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _columns() -> list[tuple[str, str, str]]:
    """(name, type, description) of every CSV column, in order."""
    cols = [
        ("province", "string", "province slug (content/provinces.yaml)"),
        ("province_name", "string", "province name"),
        ("committee", "string", "committee id (content/committees.yaml)"),
        ("committee_name", "string", "committee name"),
        ("year", "integer", "year the results describe"),
        ("period", "string", "full_year, quarter, half_year, nine_months or to_date"),
        ("period_number", "integer", "quarter or half number"),
        ("period_until", "date", "last day the figures cover, when stated"),
        ("period_until_is_publication_date", "boolean",
         "true when period_until is the article's date (the article only says 'so far')"),
    ]
    for block in BLOCKS:
        for part in BLOCK_FIGURES:
            cols += [
                (f"{block}_{part}_count", "integer", f"{block}: {part}, count as stated"),
                (f"{block}_{part}_percent", "number", f"{block}: {part}, percent as stated"),
                (f"{block}_{part}_of", "integer", f"{block}: {part}, denominator as stated (X/Y)"),
                (f"{block}_{part}_qualifier", "string", f"{block}: {part}, approximation word (gần, trên, hơn)"),
                (f"{block}_{part}_base_unstated", "boolean",
                 f"{block}: {part}, true when the article does not say what the percent is a share of"),
            ]
        cols.append((f"{block}_good_includes_excellent", "boolean",
                     f"{block}: whether the stated good includes excellent"))
        for row in ROWS:
            cols += [
                (f"{block}_{row}_count_shown", "number", f"{block}: {row} count as shown on the pages"),
                (f"{block}_{row}_count_derived", "boolean", "true when that count is derived, not stated"),
                (f"{block}_{row}_share_shown", "number", f"{block}: {row} percent of those rated, as shown"),
                (f"{block}_{row}_share_derived", "boolean", "true when that share is derived, not stated"),
                (f"{block}_{row}_share_qualifier", "string",
                 "khoảng when that share was computed from rounded percents; the source's word otherwise"),
                (f"{block}_{row}_share_base_unstated", "boolean",
                 "true when that share rests on a percent whose base the article does not state"),
            ]
    cols += [
        ("admissions_admitted", "integer", "new members admitted, as stated"),
        ("admissions_admitted_qualifier", "string", "approximation word for admitted"),
        ("admissions_target", "integer", "admission target, as stated"),
        ("admissions_percent_of_target_shown", "number", "admitted as percent of target, as shown"),
        ("admissions_percent_of_target_derived", "boolean",
         "true when derived (from admitted/target or 'exceeded by')"),
        ("admissions_percent_of_target_qualifier", "string", "approximation word (e.g. trên for 'đạt trên 100%')"),
        ("admissions_exceeded_by_count", "integer", "exceeded the target by (members), as stated"),
        ("admissions_exceeded_by_percent", "number", "exceeded the target by (percent), as stated"),
        ("record", "string", "the record: province/committee/year and period, as content/sources.yaml names it"),
        ("source_url", "string", "address of the first source article"),
        ("source_publisher", "string", "publisher of the first source"),
        ("source_published", "string", "publication date of the first source"),
        ("source_title", "string", "title of the first source"),
        ("source_title_reconstructed", "boolean", "true when the saved copy had no title and this one was written"),
        ("synthetic", "boolean", "true for generated test data"),
    ]
    return cols


COLUMNS = _columns()


def _figure_cells(prefix: str, fig: Figure | None) -> dict[str, Any]:
    if fig is None:
        return {}
    return {f"{prefix}_count": fig.count, f"{prefix}_percent": fig.percent,
            f"{prefix}_of": fig.of, f"{prefix}_qualifier": fig.qualifier,
            f"{prefix}_base_unstated": fig.base_unstated if fig.percent is not None else None}


def _shown(prefix: str, value: Value | None) -> dict[str, Any]:
    if value is None:
        return {}
    return {f"{prefix}_shown": value.number, f"{prefix}_derived": value.derived,
            f"{prefix}_qualifier": value.qualifier,
            f"{prefix}_base_unstated": value.base_unstated if value.unit == "percent" else None}


def row(d: Derived, province_name: str, committee_name: str) -> dict[str, Any]:
    r: Record = d.record
    cells: dict[str, Any] = {
        "record": r.ref, "province": r.province, "province_name": province_name, "committee": r.committee,
        "committee_name": committee_name, "year": r.year,
        "period": r.period.kind, "period_number": r.period.number,
        "period_until": r.period.until,
        "period_until_is_publication_date": r.period.until_published if r.period.until else None,
        "synthetic": r.synthetic,
    }
    for name in BLOCKS:
        block, db = r.block(name), d.block(name)
        if block is None or db is None:
            continue
        for part in BLOCK_FIGURES:
            cells.update(_figure_cells(f"{name}_{part}", block.level(part)))
        cells[f"{name}_good_includes_excellent"] = block.good_includes_excellent
        for level_name in ROWS:
            level = db.levels[level_name]
            cells.update(_shown(f"{name}_{level_name}_count", level.count))
            cells.update(_shown(f"{name}_{level_name}_share", level.share))
    adm = r.admissions
    if adm is not None:
        if adm.admitted:
            cells.update(admissions_admitted=adm.admitted.count, admissions_admitted_qualifier=adm.admitted.qualifier)
        if adm.target:
            cells["admissions_target"] = adm.target.count
        if adm.exceeded_by:
            cells.update(admissions_exceeded_by_count=adm.exceeded_by.count,
                         admissions_exceeded_by_percent=adm.exceeded_by.percent)
        cells.update(_shown("admissions_percent_of_target", d.admissions_percent_of_target))
    if r.sources:
        s = r.sources[0]
        published = s.published.isoformat() if s.published else ""
        cells.update(source_url=s.url, source_publisher=s.publisher, source_published=published,
                     source_title=s.title, source_title_reconstructed=s.title_reconstructed)
    return cells



Column = tuple[str, str, str]  # (name, Table Schema type, description)
# The names of the province and committee are one join away (`record` in records.csv), not repeated per figure.
TIDY_COLUMNS: list[Column] = [
    ("province", "string", "province slug (content/provinces.yaml); its name is in records.csv"),
    ("committee", "string", "committee id (content/committees.yaml); its name is in records.csv"),
    ("record", "string", "the record: province/committee/year and period (joins the wide table, records.csv)"),
    ("year", "integer", "year the results describe"),
    ("period", "string", "full_year, quarter, half_year, nine_months or to_date (from the start of the year)"),
    ("period_number", "integer", "quarter or half number"),
    ("period_start", "date", "first day the period covers"),
    ("period_end", "date", "last day the period covers: the stated one, else the period's end; empty when "
     "an open period states none"),
    ("period_end_is_publication_date", "boolean",
     "true when period_end is the article's date (the article only says 'so far')"),
    ("block", "string", "organizations, collectives, members, admissions, mass_organizations, targets or awards"),
    ("level", "string", "rating level (total, rated, excellent, good_only, good_or_above, completed, "
     "not_completed; good when the article does not say whether its good includes excellent); for "
     "admissions admitted, target, percent_of_target, exceeded_by, subset_admitted, subset_exceeded_by; "
     "the mass organisation; the target's metric; award"),
    ("label", "string", "the subset's, target's or award's own words"),
    ("count", "number", "the count (members, organisations, awards; a target's count)"),
    ("base", "integer", "the denominator the article wrote (79 in 16/79)"),
    ("percent", "number", "the percent (92.94 means 92,94%)"),
    ("approximate", "boolean", "true when the figure is approximate (it has a qualifier)"),
    ("qualifier", "string", "the article's approximation word (gần, trên, hơn, khoảng, trở lên, dưới); "
     "khoảng on a share computed from rounded percents"),
    ("stated_or_derived", "string", "stated: as the article writes it; derived: computed by the portal"),
    ("how", "string", "the arithmetic of a derived figure, e.g. 79 − 16"),
    ("base_unstated", "boolean", "true when the article does not say what the percent is a share of"),
    ("bound", "string", "for a target range: min or max; empty for a single value"),
    ("target_period", "string", "the period a target is set for, as written (2022, 2020-2025)"),
    ("award_year", "integer", "the year an award was given for, when the article says it"),
    ("quote", "string", "the article's sentence the figure comes from (empty for derived figures)"),
    ("source_id", "string", "the first source article: its row in sources.csv (address, publisher, date, title)"),
    ("synthetic", "boolean", "true for generated test data"),
]
_TIDY_NAMES = tuple(c[0] for c in TIDY_COLUMNS)
SOURCE_COLUMNS: list[Column] = [
    ("source_id", "string", "the article's id, the same on every build (a digest of what identifies it)"),
    ("source_url", "string", "address of the source article"),
    ("source_publisher", "string", "publisher of the source"),
    ("source_published", "string", "publication date (YYYY-MM-DD, or YYYY-MM when only the month is known)"),
    ("source_title", "string", "title of the source"),
    ("source_title_reconstructed", "boolean", "true when the saved copy had no title and this one was written"),
]


def source_id(s: Source) -> str:
    """A short id for an article, from what identifies it, so it does not change when others are added."""
    published = s.published.isoformat() if s.published else ""
    return "s" + digest("\n".join((s.url, s.publisher, s.title, published)).encode("utf-8"))[:10]


def _source_cells(s: Source) -> tuple[Any, ...]:
    return (source_id(s), s.url, s.publisher, s.published.isoformat() if s.published else None, s.title,
            s.title_reconstructed)


def _record_cells(d: Derived, province_name: str, committee_name: str) -> dict[str, Any]:
    r = d.record
    start, end = period_dates(r.period, r.year)
    return {
        "province": r.province, "province_name": province_name, "committee": r.committee,
        "committee_name": committee_name, "record": r.ref, "year": r.year, "period": r.period.kind,
        "period_number": r.period.number, "period_start": start, "period_end": end,
        "period_end_is_publication_date": r.period.until_published if r.period.until else None,
        "source_id": source_id(r.sources[0]) if r.sources else None, "synthetic": r.synthetic}


def _tidy_cells(f: FigureRow) -> dict[str, Any]:
    return {"block": f.block, "level": f.level, "label": f.label, "count": f.count, "base": f.base,
            "percent": f.percent, "approximate": f.qualifier is not None, "qualifier": f.qualifier,
            "stated_or_derived": "derived" if f.derived else "stated", "how": f.how,
            "base_unstated": f.base_unstated, "bound": f.bound, "target_period": f.target_period,
            "award_year": f.award_year, "quote": f.quote}


# A figure's row is its record's cells (the head and the tail of TIDY_COLUMNS) around its own: the
# record's are formatted once for all its figures.
_OWN_FIRST, _OWN_END = _TIDY_NAMES.index("block"), _TIDY_NAMES.index("source_id")


@dataclass(frozen=True)
class TidyParts:
    """A record's figures as typed values (numbers, dates, booleans stay typed) in TIDY_COLUMNS order:
    each row is `head + own + tail`."""

    head: list[Any]
    own: list[list[Any]]
    tail: list[Any]

    @classmethod
    def of(cls, d: Derived, province_name: str, committee_name: str) -> TidyParts:
        common = _record_cells(d, province_name, committee_name)
        own = [[cells[name] for name in _TIDY_NAMES[_OWN_FIRST:_OWN_END]] for cells in map(_tidy_cells, figure_rows(d))]
        return cls([common.get(name) for name in _TIDY_NAMES[:_OWN_FIRST]], own,
                   [common.get(name) for name in _TIDY_NAMES[_OWN_END:]])

    def csv_lines(self) -> str:
        head, tail = _csv_fields(self.head), _csv_fields(self.tail)
        return "".join(f"{head},{_csv_fields(own)},{tail}\r\n" for own in self.own)

    def sheet_rows(self) -> list[str]:
        head, tail = workbook.cells_xml(self.head), workbook.cells_xml(self.tail)
        return [workbook.row_of(head + workbook.cells_xml(own) + tail) for own in self.own]


def _cell(value: Any) -> str:
    kind = type(value)  # the common kinds first, by exact type: three million cells at national scale
    if value is None:
        return ""
    if kind is str:
        return _safe(value)
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return _num(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _safe(str(value))


@dataclass(frozen=True)
class Row:
    """One record as CSV lines, workbook rows and a JSON object, made once (a cache keeps them between
    builds). The long texts are kept compressed: at national scale they would otherwise fill the memory
    of `serve` and the cache on disk (the workbook's XML alone is four times the CSV). The workbook's
    rows are compressed apart from the rest: every build writes the CSV and JSON, but the workbook's
    rows are read only when the piece of the sheet that holds them is made again."""

    province: str
    csv_line: bytes  # UTF-8
    plain: bytes  # json_text and tidy_lines, UTF-8, one after the other, compressed
    json_length: int  # bytes of json_text in `plain`
    sheet: bytes  # sheet_row and the figures' sheet rows, one after the other, compressed
    lengths: tuple[int, ...]  # of each text in `sheet`
    sources: tuple[tuple[Any, ...], ...]  # its articles, typed, in SOURCE_COLUMNS order
    source_lines: tuple[bytes, ...]  # its articles as lines of sources.csv, UTF-8

    @classmethod
    def of(cls, province: str, csv_line: str, json_text: str, tidy_lines: str, sheet_row: str,
           tidy_sheet_rows: Sequence[str], sources: tuple[tuple[Any, ...], ...]) -> Row:
        json_bytes, rows = json_text.encode(), (sheet_row, *tidy_sheet_rows)
        return cls(province, csv_line.encode(), zlib.compress(json_bytes + tidy_lines.encode(), 1), len(json_bytes),
                   zlib.compress("".join(rows).encode(), 1), tuple(map(len, rows)), sources,
                   tuple(_csv_line([_cell(v) for v in c]).encode() for c in sources))

    def json_and_tidy(self) -> tuple[bytes, bytes]:
        """json_text and tidy_lines, UTF-8."""
        whole = zlib.decompress(self.plain)
        return whole[:self.json_length], whole[self.json_length:]

    def sheet_rows(self) -> tuple[str, ...]:
        """sheet_row, then the figures' sheet rows."""
        whole, start, found = zlib.decompress(self.sheet).decode(), 0, []
        for length in self.lengths:
            found.append(whole[start:start + length])
            start += length
        return tuple(found)



def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _csv_fields(values: list[Any]) -> str:
    """Two or more values as CSV fields, without the line's end (one empty field alone is written `""`)."""
    return _csv_line([_cell(v) for v in values])[:-2]


HEADER = _csv_line([c[0] for c in COLUMNS])
TIDY_HEADER = _csv_line([c[0] for c in TIDY_COLUMNS])
SOURCES_HEADER = _csv_line([c[0] for c in SOURCE_COLUMNS])
BOM = "\ufeff"  # spreadsheet programs need it to show the diacritics


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def make_row(d: Derived, province_name: str, committee_name: str) -> Row:
    cells = row(d, province_name, committee_name)
    # The JSON lists every source in full below, so the wide table's first-source columns are not repeated.
    item = {k: _json_value(v) for k, v in cells.items() if v is not None and not k.startswith("source_")}
    item["sources"] = [{"url": s.url, "publisher": s.publisher,
                        "published": s.published.isoformat() if s.published else None,
                        "title": s.title} for s in d.record.sources]
    item["quotes"] = d.record.quotes()
    item["notes"] = list(d.record.notes)
    item["awards"] = [{"description": a.description, "count": a.count, "year": a.year, "quote": a.quote}
                      for a in d.record.awards]
    tidy = TidyParts.of(d, province_name, committee_name)
    return Row.of(d.record.province, _csv_line([_cell(cells.get(c[0])) for c in COLUMNS]),
                  json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                  tidy.csv_lines(), workbook.row_xml([cells.get(c[0]) for c in COLUMNS]), tidy.sheet_rows(),
                  tuple(_source_cells(s) for s in d.record.sources))


@dataclass(frozen=True)
class Written:
    """The downloads a build wrote: from which inputs (`inputs_key`), their sizes and digests."""

    key: str
    sizes: dict[str, int]
    digests: dict[str, str]


RowKey = tuple[str, str, str]  # the record's digest, its province's and committee's names
# What a piece of a sheet is made of (a digest), the sheet, and the zlib that compressed it: Python uses
# the system's zlib, which an update can change under a cache, and another zlib may compress the same
# text to other bytes (still valid, but not what a clean build writes). Not its place: see `workbook`.
PieceKey = tuple[str, str, str]


@dataclass
class RowCache:
    """Rows kept between builds, by the record's content hash and the names shown, the pieces of the
    workbook's sheets made from them, and what the last build wrote from them."""

    rows: dict[RowKey, Row] = field(default_factory=dict)
    written: Written | None = None
    pieces: dict[PieceKey, deflate.Piece] = field(default_factory=dict)
    layouts: dict[str, Layout] = field(default_factory=dict)  # the text downloads' pieces, by path under data/


def _row_key(index: SiteIndex, d: Derived) -> RowKey:
    r = d.record
    return r.digest, index.names.get(r.province, ""), index.committee_names.get(f"{r.province}/{r.committee}", "")


def _row_keys(index: SiteIndex) -> list[RowKey]:
    """Each record's row key, in the site's order, made once per build."""
    return index.once(("download-rows",), lambda: [_row_key(index, d) for d in index.records])


def inputs_key(config: Config, index: SiteIndex) -> str | None:
    """Everything the downloads are made from: the settings and each record's row, in order (None when
    a record has no content hash, as in some tests: then they are always made)."""
    keys = _row_keys(index)
    return None if any(not k[0] for k in keys) else digest(repr((config, keys)).encode("utf-8"))


def rows(index: SiteIndex, cache: RowCache | None = None, workers: int = 1) -> Iterator[tuple[RowKey, Row]]:
    """Each record's row in the site's order, with its key, found in the cache or made (by `workers`
    forked processes when there are many to make, as in a first build). Once all were read, the cache
    keeps only these."""
    keys = _row_keys(index)
    kept = cache.rows if cache is not None else {}
    todo = [i for i, key in enumerate(keys) if not (key[0] and key in kept)]
    made = in_order(shared_out(_made_row, list(zip(index.records, keys, strict=True)), todo, forking(workers)), todo)
    used: dict[RowKey, Row] = {}  # only with a cache: without one, each row is let go once written
    for key in keys:
        found = kept.get(key) if key[0] else None
        if found is None:
            found = next(made)
        if key[0] and cache is not None:
            used[key] = found
        yield key, found
    if cache is not None:
        cache.rows = used


def _made_row(keyed: tuple[Derived, RowKey]) -> Row:
    d, key = keyed
    return make_row(d, *key[1:])


BLOCK = 32  # records in one piece of the downloads, on average


@dataclass
class _Block:
    """Consecutive records whose rows make one piece of each download (the workbook's sheets are
    compressed in pieces of one block each), so an edited record costs one block's pieces. A block
    ends after a record whose content hash says so (one in BLOCK, by chance; see `ends_piece`): a record
    added or removed changes its own block alone (or two), not the ones after it, and since no piece
    holds its rows' places (see `workbook`), the later pieces are taken as they were. Blocks are not
    cut at provinces, so that a small site is mostly one piece (a piece compresses a little worse than
    a long stream: each starts with nothing to refer back to)."""

    keys: list[RowKey]
    rows: list[Row]

    @functools.cached_property
    def made_of(self) -> str | None:
        """A digest of what its rows are made from; None when a record has no content hash."""
        return None if any(not k[0] for k in self.keys) else digest(repr(self.keys).encode("utf-8"))

    @functools.cached_property
    def sheet_rows(self) -> list[tuple[str, ...]]:
        """Each row's workbook rows, read once, only when a piece of this block is made."""
        return [r.sheet_rows() for r in self.rows]

    @functools.cached_property
    def plain(self) -> list[tuple[bytes, bytes]]:
        """Each row's JSON and tidy lines, read once, only when a piece of this block is made."""
        return [r.json_and_tidy() for r in self.rows]


def ends_piece(made: str, count: int, every: int) -> bool:
    """Whether a piece of about `every` things ends after the one whose digest (or id) is `made`, the
    `count`-th of its piece. The digest itself says so, for one in `every` by chance, so that the ends
    stay where they were when something is added or removed before them; a piece ends at four times
    `every` in any case. Without a digest (as in some tests), every `every`-th ends one."""
    return count >= 4 * every or (zlib.crc32(made.encode("utf-8")) % every == 0 if made else count >= every)


def _blocks(keyed: Iterable[tuple[RowKey, Row]]) -> Iterator[_Block]:
    block = _Block([], [])
    for key, r in keyed:
        block.keys.append(key)
        block.rows.append(r)
        if ends_piece(key[0], len(block.rows), BLOCK):
            yield block
            block = _Block([], [])
    if block.rows:
        yield block


@dataclass
class _Pieces:
    """The workbook's sheets filled piece by piece: a piece an earlier build made from the same rows at
    the same place is taken from `kept`, any other is compressed; `used` are this build's pieces."""

    book: workbook.Writer
    kept: dict[PieceKey, deflate.Piece]
    used: dict[PieceKey, deflate.Piece] = field(default_factory=dict)

    def add(self, sheet: str, made_of: str | None, rows: Callable[[], Sequence[str]]) -> None:
        """Rows made by `rows()` only when no kept piece has them."""
        key = None if made_of is None else (made_of, sheet, zlib.ZLIB_RUNTIME_VERSION)
        piece = None if key is None else self.kept.get(key)
        if piece is None:
            piece = workbook.rows_piece(rows())
        if key is not None:
            self.used[key] = piece
        self.book.append_piece(sheet, piece)

    def add_block(self, block: _Block) -> None:
        made_of = block.made_of
        self.add("figures", made_of, lambda: [x for rows in block.sheet_rows for x in rows[1:]])
        self.add("records", made_of, lambda: [rows[0] for rows in block.sheet_rows])

    def add_sources(self, cells: list[tuple[Any, ...]]) -> None:
        """The sources sheet (in the order of the articles' ids), in pieces of about SOURCES_PIECE
        articles, each ended by an article's id (see `ends_piece`): an edit that leaves the articles as
        they were makes none of it again, and an article added, removed or given another id (its title
        edited) makes one or two pieces again, not every piece after it."""
        run: list[tuple[Any, ...]] = []
        for article in cells:
            run.append(article)
            if ends_piece(str(article[0]), len(run), SOURCES_PIECE):
                self._add_run(run)
                run = []
        if run:
            self._add_run(run)

    def _add_run(self, run: list[tuple[Any, ...]]) -> None:
        self.add("sources", digest(repr(run).encode("utf-8")), _sheet_rows(run))


SOURCES_PIECE = 64  # articles in one piece of the sources sheet, on average


def _sheet_rows(cells: list[tuple[Any, ...]]) -> Callable[[], list[str]]:
    return lambda: [workbook.row_xml(c) for c in cells]


def last_updated(index: SiteIndex) -> dt.date | PartialDate | None:
    """The newest source date of any record: the data's last update, the same on every build."""
    dates = [s.published for d in index.records for s in d.record.sources if s.published is not None]

    def key(day: dt.date | PartialDate) -> tuple[int, int, int]:
        if isinstance(day, PartialDate):
            return (day.year, day.month or 0, 0)
        return (day.year, day.month, day.day)
    return max(dates, key=key, default=None)


def articles(index: SiteIndex) -> int:
    """Distinct source articles the records cite."""
    return len({(s.url, s.publisher, s.title, s.published) for d in index.records for s in d.record.sources})


class _Text:
    """A UTF-8 text file under the downloads folder, written piece by piece, its size counted and its
    digest taken as it is written (tens of megabytes at national scale: never read back whole). A piece
    copied from the file the last build wrote (see `_Old`) comes with its digest (`PiecesDigest`), so
    an edited record costs the hashing of its own piece only."""

    def __init__(self, folder: Path, relative: str, header: str, old: _Old | None = None) -> None:
        self.relative = relative
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("wb")
        self.size = 0
        self.hash = PiecesDigest()
        self.old = old
        self.spans: dict[str, Span] = {}
        self.write(header.encode("utf-8"))

    def write(self, data: bytes) -> None:
        """A piece made of nothing a cache knows (a header, a separator)."""
        self._append(data, digest(data), None)

    def piece(self, made_of: str | None, make: Callable[[], bytes]) -> None:
        """The piece made from `made_of` (a digest of its rows' keys): copied from the last build's file
        when it holds one, else made by `make()`."""
        found = self.old.read(made_of) if self.old is not None and made_of is not None else None
        if found is not None:
            self._append(*found, made_of)
            return
        data = make()
        self._append(data, digest(data), made_of)

    def _append(self, data: bytes, made: str, made_of: str | None) -> None:
        self.file.write(data)
        self.hash.add(len(data), made)
        if made_of is not None:
            self.spans[made_of] = Span(self.size, len(data), made)
        self.size += len(data)

    def close(self) -> tuple[int, str, Layout]:
        """Its size, digest and layout."""
        self.file.close()
        if self.old is not None:
            self.old.close()
        made = self.hash.hexdigest()
        return self.size, made, Layout(made, self.spans)


@dataclass(frozen=True)
class Span:
    """Where a piece lies in a text download, and its bytes' digest."""

    start: int
    length: int
    digest: str


@dataclass(frozen=True)
class Layout:
    """A text download as a build wrote it: its digest, and its pieces by what each is made of."""

    digest: str
    spans: dict[str, Span]


KeptFile = Callable[[str, str], "Path | None"]  # (path in the output, digest) -> the last output's file, if unchanged


class _Old:
    """The file the last build wrote at the same path, read piece by piece; opened only when a piece is
    asked for, and only when the output still holds it unchanged (`kept` says so)."""

    def __init__(self, relative: str, layout: Layout, kept: KeptFile) -> None:
        self.relative, self.layout, self.kept = relative, layout, kept
        self.file: BinaryIO | None = None
        self.usable = True

    def read(self, made_of: str) -> tuple[bytes, str] | None:
        """The piece made from `made_of` and its digest; None when the file has none or is gone."""
        span = self.layout.spans.get(made_of)
        if span is None or not self.usable:
            return None
        if self.file is None:
            path = self.kept(f"data/{self.relative}", self.layout.digest)
            try:
                self.file = path.open("rb") if path is not None else None
            except OSError:
                self.file = None
            if self.file is None:
                self.usable = False
                return None
        self.file.seek(span.start)
        data = self.file.read(span.length)
        return (data, span.digest) if len(data) == span.length else None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


Article = tuple[tuple[Any, ...], bytes]  # an article's cells and its line of sources.csv


@dataclass
class _Tables:
    """The CSV and JSON downloads being written, block by block, and the articles seen so far; each
    piece copied from the last build's file when made from the same rows (`layouts`, `kept`)."""

    data: Path
    wide: _Text
    tidy: _Text
    json: _Text
    layouts: dict[str, Layout]
    kept: KeptFile | None
    per_province: dict[str, _Text] = field(default_factory=dict)
    sources: dict[str, Article] = field(default_factory=dict)

    @classmethod
    def open(cls, data: Path, layouts: dict[str, Layout], kept: KeptFile | None) -> _Tables:
        def text(relative: str, header: str) -> _Text:
            return _Text(data, relative, header, _old(relative, layouts, kept))
        return cls(data, text("records.csv", BOM + HEADER), text("figures.csv", BOM + TIDY_HEADER),
                   text("records.json", "["), layouts, kept)

    def add(self, block: _Block) -> None:
        """A block's records, written a block at a time: many small writes cost more."""
        made_of = block.made_of
        self.wide.piece(made_of, functools.partial(_wide_lines, block.rows))
        self.tidy.piece(made_of, lambda: b"".join(tidy for _, tidy in block.plain))
        self.json.write(b"\n" if self.json.size == 1 else b",\n")
        self.json.piece(made_of, lambda: b",\n".join(json for json, _ in block.plain))
        start = 0
        for province, group in itertools.groupby(block.rows, key=lambda r: r.province):
            rows = list(group)
            if province not in self.per_province:
                relative = f"provinces/{province}.csv"
                self.per_province[province] = _Text(self.data, relative, BOM + HEADER,
                                                    _old(relative, self.layouts, self.kept))
            # The block's rows start..start+len: what the block is made of tells what they are.
            part = None if made_of is None else f"{made_of} {start} {len(rows)}"
            self.per_province[province].piece(part, functools.partial(_wide_lines, rows))
            start += len(rows)
        for r in block.rows:
            for cells, line in zip(r.sources, r.source_lines, strict=True):
                _add_source(self.sources, cells, line)

    def close(self) -> tuple[dict[str, tuple[int, str, Layout]], list[tuple[Any, ...]]]:
        """{file: (size, digest, layout)}, with sources.csv written, and the articles in its order."""
        self.json.write(b"\n]\n")
        ordered = [self.sources[key] for key in sorted(self.sources)]
        listed = _Text(self.data, "sources.csv", BOM + SOURCES_HEADER)
        listed.write(b"".join(line for _, line in ordered))
        files = (self.wide, self.tidy, self.json, listed, *self.per_province.values())
        return {t.relative: t.close() for t in files}, [cells for cells, _ in ordered]


def _wide_lines(rows: list[Row]) -> bytes:
    return b"".join(r.csv_line for r in rows)


def _old(relative: str, layouts: dict[str, Layout], kept: KeptFile | None) -> _Old | None:
    layout = layouts.get(relative)
    return _Old(relative, layout, kept) if layout is not None and kept is not None else None


def write(folder: Path, config: Config, index: SiteIndex, cache: RowCache | None = None,
          digests: dict[str, str] | None = None, workers: int = 1, kept: KeptFile | None = None) -> dict[str, int]:
    """Write every file under data/ into `folder`, record by record, and return {path under data/: bytes};
    `digests`, when given, gets each file's digest, taken as it was written (for the text files and the
    workbook, that of their pieces: see `hashing.PiecesDigest`). With a `cache` and `kept` (the last
    output's files), a text file's pieces made from unchanged rows are copied from the file the last
    build wrote, not made again.

    All records wide (CSV, JSON) and every figure tidy (CSV) with its articles in a table of their own
    (sources.csv, joined by source_id), the three in one workbook; the wide CSV once more per province;
    the table schemas and the datapackage. No file's text is ever whole in memory: the rows are written
    a block of records at a time, and the workbook is held only compressed, its sheets in pieces of a
    block each (taken from the cache when an earlier build made the same piece at the same place).
    """
    updated = last_updated(index)
    data = folder / "data"
    tables = _Tables.open(data, cache.layouts if cache is not None else {}, kept)
    pieces = _Pieces(workbook.Writer([("figures", [c[0] for c in TIDY_COLUMNS]), ("records", [c[0] for c in COLUMNS]),
                                      ("sources", [c[0] for c in SOURCE_COLUMNS])]),
                     cache.pieces if cache is not None else {})
    for block in _blocks(rows(index, cache, workers)):
        tables.add(block)
        pieces.add_block(block)
    closed, cells = tables.close()
    sizes = {name: size for name, (size, _, _) in closed.items()}
    pieces.add_sources(cells)
    if cache is not None:
        cache.pieces = pieces.used
        cache.layouts = {name: layout for name, (_, _, layout) in closed.items()}
    sizes["records.xlsx"], book = pieces.book.save(data / "records.xlsx", _about(config, updated), updated)
    made = {name: d for name, (_, d, _) in closed.items()} | {"records.xlsx": book}
    provinces = sorted(tables.per_province)
    for relative, body in (*_schemas(), ("datapackage.json", datapackage(config, provinces, updated))):
        (data / relative).parent.mkdir(parents=True, exist_ok=True)
        (data / relative).write_bytes(body)
        sizes[relative] = len(body)
        made[relative] = digest(body)
    if digests is not None:
        digests.update(made)
    return dict(sorted(sizes.items()))


@contextlib.contextmanager
def scratch(output: Path | None) -> Iterator[Path]:
    """A fresh folder for the downloads, beside `output` (so they are renamed into place, not copied),
    removed afterwards with whatever is left in it; in the system's temporary folder without `output`.
    Its name must not start with ".<output>." : the writer removes such folders as left by killed builds."""
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.name}-downloads-{os.getpid()}-" if output else "portal-data-",
                                   dir=output.parent if output else None))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def listed(folder: Path) -> list[str]:
    """The files `write` put under `folder`, as output paths (data/...)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def read_back(folder: Path) -> dict[str, bytes]:
    """The files `write` put under `folder`, in memory: only for `check` and the tests, never a build."""
    return {name: (folder / name).read_bytes() for name in listed(folder)}


def _add_source(sources: dict[str, Article], cells: tuple[Any, ...], line: bytes) -> None:
    """Keep an article once; two different articles with one id would make the join wrong, so refuse it."""
    known, _ = sources.setdefault(cells[0], (cells, line))
    if known != cells:
        raise ValueError(f"two source articles share the id {cells[0]}: {known[1]} and {cells[1]}")


def summary(index: SiteIndex, sizes: dict[str, int]) -> DataSummary:
    """What the data page tells about the downloads `write` made."""
    return DataSummary(len(index.records), articles(index), last_updated(index), tuple(sorted(sizes.items())))


def citation(config: Config, updated: dt.date | PartialDate | None) -> str:
    """How to cite the data (in English, for the downloads; the pages say it in each language)."""
    when = f" Last updated {updated.isoformat()}." if updated else ""
    return (f"{config.title}. Data compiled from the press, every figure with its source article."
            f"{when} {config.base_url}data/ Licence: {config.licence.name} ({config.licence.url}).")


def _about(config: Config, updated: dt.date | PartialDate | None) -> list[tuple[str, str]]:
    return [("title", config.title), ("description", config.description),
            ("licence", f"{config.licence.name} ({config.licence.url})"),
            ("last_updated", updated.isoformat() if updated else ""), ("how_to_cite", citation(config, updated)),
            ("columns", "the sheets' columns are described in datapackage.json and schema/*.json"),
            ("sources", "source_id in the figures sheet is the article's row in the sources sheet"),
            ("percent", "percents are numbers of percent: 92.94 means 92,94%")]


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _schema(columns: list[Column], primary: str | None = None,
            foreign: dict[str, Any] | None = None) -> bytes:
    """A Table Schema, kept in a file of its own so every resource of the table shares it."""
    schema: dict[str, Any] = {"fields": [{"name": n, "type": t, "description": desc} for n, t, desc in columns],
                              "missingValues": [""]}
    if primary:
        schema["primaryKey"] = [primary]
    if foreign:
        schema["foreignKeys"] = [foreign]
    return _json_bytes(schema)


@functools.cache
def _schemas() -> tuple[tuple[str, bytes], ...]:
    """The tables' schemas, made once: they depend on nothing a build reads."""
    return (("schema/records.json", _schema(COLUMNS)), ("schema/figures.json", _tidy_schema()),
            ("schema/sources.json", _schema(SOURCE_COLUMNS, primary="source_id")))


def _tidy_schema() -> bytes:
    """The figures' schema: each figure's source_id is an article of the sources table."""
    return _schema(TIDY_COLUMNS, foreign={"fields": ["source_id"],
                                          "reference": {"resource": "sources", "fields": ["source_id"]}})


def _table(name: str, path: str, schema: str, title: str) -> dict[str, Any]:
    return {"name": name, "path": path, "title": title, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "dialect": {"delimiter": ",", "header": True},
            "schema": schema}


def datapackage(config: Config, provinces: list[str], updated: dt.date | PartialDate | None) -> bytes:
    resources = [_table("figures", "figures.csv", "schema/figures.json", "Every figure, one row each"),
                 _table("sources", "sources.csv", "schema/sources.json", "Every source article, one row each"),
                 _table("records", "records.csv", "schema/records.json", "Every record, one row each")]
    resources += [_table(f"records-{slug}", f"provinces/{slug}.csv", "schema/records.json", f"Records: {slug}")
                  for slug in provinces]
    resources += [{"name": "records-json", "path": "records.json", "format": "json",
                   "mediatype": "application/json", "encoding": "utf-8", "title": "Every record, with its quotes"},
                  {"name": "workbook", "path": "records.xlsx", "format": "xlsx",
                   "title": "The figures, records and sources tables as one workbook",
                   "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}]
    package: dict[str, Any] = {
        "name": "party-bloc-results", "title": config.title, "description": config.description,
        "profile": "data-package", "licenses": [{"title": config.licence.name, "path": config.licence.url}],
        "citation": citation(config, updated), "resources": resources}
    if updated is not None:
        package["last_updated"] = updated.isoformat()
    if config.base_url.startswith("http"):
        package["homepage"] = config.base_url
    return _json_bytes(package)
