"""The downloads as one Excel workbook, whose numbers are numbers, not text.

A CSV's decimal point reads as a thousands separator in Vietnamese-locale Excel (92.94 becomes
9.294); in a workbook the cell holds the number itself and Excel shows it in the reader's own
format. The file is the same on every build: its dates are the data's last update, not the clock.
It is written in openpyxl's write-only mode: each sheet's rows go to a temporary file as they come,
so the workbook is never whole in memory.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from generator.model.types import PartialDate

EPOCH = dt.datetime(2000, 1, 1)  # when the data has no date at all
DATE_FORMAT = "yyyy-mm-dd"
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_CHUNK = 1 << 20


def _value(value: Any) -> Any:
    """A value as a cell holds it: numbers as numbers, text without characters a workbook cannot hold."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Any:
    """Text stays text (never a formula or an error code, whatever it starts with); dates show as dates."""
    value = _value(value)
    if isinstance(value, str) and value:
        cell = WriteOnlyCell(ws, value)
        cell.data_type = "s"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, dt.datetime(value.year, value.month, value.day))
        cell.number_format = DATE_FORMAT
        return cell
    return value


class Writer:
    """A workbook with one sheet per table, filled row by row, and an "about" sheet (licence, date, how
    to cite) added when it is saved."""

    def __init__(self, sheets: list[tuple[str, list[str]]]) -> None:
        self.book = Workbook(write_only=True)
        self.sheets: dict[str, WriteOnlyWorksheet] = {}
        for name, header in [*sheets, ("about", ["property", "value"])]:
            ws = self.book.create_sheet(name)
            ws.freeze_panes = "A2"
            ws.append(header)
            self.sheets[name] = ws

    def append(self, sheet: str, rows: Iterable[Sequence[Any]]) -> None:
        ws = self.sheets[sheet]
        for row in rows:
            ws.append([_cell(ws, v) for v in row])

    def save(self, path: Path, about: list[tuple[str, str]], updated: dt.date | PartialDate | None) -> int:
        """Write the workbook to `path` with its dates set to the data's last update; returns its size."""
        self.append("about", about)
        when = _when(updated)
        self.book.properties.creator = "party-bloc-portal"
        self.book.properties.created = self.book.properties.modified = when
        raw = path.with_name(path.name + ".unfixed")
        self.book.save(raw)
        try:
            _fixed(raw, path, when)
        finally:
            raw.unlink(missing_ok=True)
        return path.stat().st_size


def xlsx(sheets: list[tuple[str, list[str], Iterable[Sequence[Any]]]], about: list[tuple[str, str]],
         updated: dt.date | PartialDate | None, path: Path) -> int:
    """A workbook of `sheets` (name, header, rows) at `path`; returns its size."""
    writer = Writer([(name, header) for name, header, _ in sheets])
    for name, _, rows in sheets:
        writer.append(name, rows)
    return writer.save(path, about, updated)


def _when(updated: dt.date | PartialDate | None) -> dt.datetime:
    if isinstance(updated, PartialDate):
        return dt.datetime(updated.year, updated.month or 1, 1)
    return dt.datetime(updated.year, updated.month, updated.day) if updated else EPOCH


def _fixed(source: Path, target: Path, when: dt.datetime) -> None:
    """Copy the saved workbook entry by entry with every entry's time and the 'modified' property set to
    `when`, so two builds of the same data give the same bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "docProps/core.xml":
                dst.writestr(entry, _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", src.read(info.filename)))
                continue
            with src.open(info) as body, dst.open(entry, "w") as out:
                shutil.copyfileobj(body, out, _CHUNK)
