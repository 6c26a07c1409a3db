"""The downloads as one Excel workbook, whose numbers are numbers, not text.

A CSV's decimal point reads as a thousands separator in Vietnamese-locale Excel (92.94 becomes
9.294); in a workbook the cell holds the number itself and Excel shows it in the reader's own
format. The file is the same on every build: its dates are the data's last update, not the clock.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from generator.model.types import PartialDate

Sheet = tuple[str, list[str], Iterable[Sequence[Any]]]  # (name, header, rows of typed values)
EPOCH = dt.datetime(2000, 1, 1)  # when the data has no date at all
DATE_FORMAT = "yyyy-mm-dd"
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _value(value: Any) -> Any:
    """A value as a cell holds it: numbers as numbers, text without characters a workbook cannot hold."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _fill(ws: Worksheet, header: list[str], rows: Iterable[Sequence[Any]]) -> None:
    ws.append(header)
    for row in rows:
        ws.append([_value(v) for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    ws.freeze_panes = "A2"


def _when(updated: dt.date | PartialDate | None) -> dt.datetime:
    if isinstance(updated, PartialDate):
        return dt.datetime(updated.year, updated.month or 1, 1)
    return dt.datetime(updated.year, updated.month, updated.day) if updated else EPOCH


def _fixed(data: bytes, when: dt.datetime) -> bytes:
    """The saved workbook with every zip entry and the 'modified' property set to `when`."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def xlsx(sheets: list[Sheet], about: list[tuple[str, str]], updated: dt.date | PartialDate | None) -> bytes:
    """A workbook with one sheet per table and an "about" sheet (licence, date, how to cite)."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, header, rows in sheets:
        _fill(wb.create_sheet(name), header, rows)
    _fill(wb.create_sheet("about"), ["property", "value"], about)
    when = _when(updated)
    wb.properties.creator = "party-bloc-portal"
    wb.properties.created = wb.properties.modified = when
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed(buffer.getvalue(), when)
