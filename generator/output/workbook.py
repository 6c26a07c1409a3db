"""The downloads as one Excel workbook, whose numbers are numbers, not text.

A CSV's decimal point reads as a thousands separator in Vietnamese-locale Excel (92.94 becomes
9.294); in a workbook the cell holds the number itself and Excel shows it in the reader's own
format. The file is the same on every build: its dates are the data's last update, not the clock.

The workbook is plain rows of text, numbers, dates and booleans, so its sheet XML is written here
directly (a library makes an object per cell, which at national scale was most of a build). Each
row's XML is made once per record and kept (`row_xml`). Rows and cells carry no references (both are
optional in SpreadsheetML: a row follows the one before, a cell the one before it in its row, and an
empty cell is written as `<c/>` to keep the place of those after it), so the same rows make the same
bytes wherever they are in a sheet. A sheet is compressed in pieces, each on its own (see `deflate`),
which the caller may keep and give back to a later build: a build after one record's edit, or after
a record is added or removed, compresses again only the pieces that hold the rows that changed,
instead of the ~90 MB of XML.
Only the compressed sheets are held in memory, never their XML. Strings are inline (`t="inlineStr"`): text
stays text, never a formula or an error code, whatever it starts with.
"""
from __future__ import annotations

import datetime as dt
import re
import struct
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from generator.hashing import PiecesDigest
from generator.model.types import PartialDate
from generator.output import deflate

EPOCH = dt.datetime(2000, 1, 1)  # when the data has no date at all
DATE_FORMAT = "yyyy-mm-dd"
EMPTY = "<c/>"  # an empty cell: keeps the place of the cells after it in its row
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters XML 1.0 cannot hold
_EXCEL_DAY0 = dt.date(1899, 12, 30)
_LEVEL = 6  # zlib's default: the file is downloaded many more times than it is built
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Style 0: plain; 1: a date shown as yyyy-mm-dd; 2: the header row, bold.
_STYLES = (_HEAD + f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
           '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/>'
           '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
           '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
           'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
           'applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
           '</styleSheet>')
_SHEET_START = (_HEAD + f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" '
                'topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
                'activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                '<sheetData>')
_SHEET_END = "</sheetData></worksheet>"
_APP = (_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>party-bloc-portal</Application></Properties>')


def _text(text: str, style: str = "") -> str:
    """A text cell; an empty one when nothing a workbook can hold is left of the text."""
    text = escape(_ILLEGAL.sub("", text))
    if not text:
        return EMPTY
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(value: Any) -> str:
    """One cell's XML; EMPTY for an empty cell, which keeps its column's place."""
    kind = type(value)  # the common kinds first, by exact type: two million cells at national scale
    if kind is str:
        return _text(value) if value else EMPTY
    if kind is int:
        return f"<c><v>{value}</v></c>"
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (int, float)):
        return f"<c><v>{value!r}</v></c>"
    if isinstance(value, dt.date):
        return f'<c s="1"><v>{(_day(value) - _EXCEL_DAY0).days}</v></c>'
    return _text(str(value))


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def row_xml(values: Sequence[Any]) -> str:
    """A row's XML, made once and written at any position (see the module's docstring)."""
    return row_of(cells_xml(values))


def row_of(cells: str) -> str:
    """A row of cells made by `cells_xml` (its empty cells at the end left out)."""
    while cells.endswith(EMPTY):
        cells = cells[:-len(EMPTY)]
    return f"<row>{cells}</row>"


def cells_xml(values: Sequence[Any]) -> str:
    """The cells of `values`, in consecutive columns: joined to others' in order to make a row."""
    return "".join([_cell(v) for v in values])


def _header_xml(names: Sequence[str]) -> str:
    return row_of("".join(_text(n, ' s="2"') for n in names))


def rows_piece(rows: Iterable[str]) -> deflate.Piece:
    """Rows made by `row_xml`, compressed as one piece of a sheet: the same rows make the same piece
    wherever they are in the sheet."""
    return deflate.Piece.of("".join(rows).encode("utf-8"), _LEVEL)


def _piece(text: str) -> deflate.Piece:
    return deflate.Piece.of(text.encode("utf-8"), _LEVEL)


class Writer:
    """A workbook with one sheet per table, filled piece by piece, and an "about" sheet (licence, date,
    how to cite) added when it is saved."""

    def __init__(self, sheets: list[tuple[str, list[str]]]) -> None:
        self.sheets: dict[str, deflate.Stream] = {}  # each sheet's compressed pieces, in order
        for name, header in [*sheets, ("about", ["property", "value"])]:
            self.sheets[name] = deflate.Stream([])
            self.sheets[name].add(_piece(_SHEET_START + _header_xml(header)))

    def append(self, sheet: str, rows: Iterable[Sequence[Any]]) -> None:
        """Rows of values (text, numbers, dates, booleans, None for an empty cell), as one piece."""
        self.append_xml(sheet, [row_xml(r) for r in rows])

    def append_xml(self, sheet: str, rows: Sequence[str]) -> None:
        """Rows made by `row_xml`, as one piece."""
        self.append_piece(sheet, rows_piece(rows))

    def append_piece(self, sheet: str, piece: deflate.Piece) -> None:
        """Rows made by `rows_piece` (perhaps by an earlier build, elsewhere in the sheet)."""
        self.sheets[sheet].add(piece)

    def save(self, path: Path, about: list[tuple[str, str]],
             updated: dt.date | PartialDate | None) -> tuple[int, str]:
        """Write the workbook to `path` with its dates set to the data's last update; returns its size
        and digest (that of its pieces: see `hashing.PiecesDigest`)."""
        self.append("about", about)
        when = _when(updated)
        names = list(self.sheets)
        parts: list[tuple[str, bytes | deflate.Stream]] = [
            ("[Content_Types].xml", _content_types(len(names)).encode()),
            ("_rels/.rels", _root_rels().encode()),
            ("docProps/app.xml", _APP.encode()),
            ("docProps/core.xml", _core(when).encode()),
            ("xl/workbook.xml", _workbook(names).encode()),
            ("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)).encode()),
            ("xl/styles.xml", _STYLES.encode()),
        ]
        for i, stream in enumerate(self.sheets.values(), 1):
            stream.add(_piece(_SHEET_END))
            stream.end()
            parts.append((f"xl/worksheets/sheet{i}.xml", stream))
        made = PiecesDigest()
        with path.open("wb") as out:
            _zip(out, parts, when, made)
        return path.stat().st_size, made.hexdigest()


def xlsx(sheets: list[tuple[str, list[str], Iterable[Sequence[Any]]]], about: list[tuple[str, str]],
         updated: dt.date | PartialDate | None, path: Path) -> int:
    """A workbook of `sheets` (name, header, rows) at `path`; returns its size."""
    writer = Writer([(name, header) for name, header, _ in sheets])
    for name, _, rows in sheets:
        writer.append(name, rows)
    return writer.save(path, about, updated)[0]


def _when(updated: dt.date | PartialDate | None) -> dt.datetime:
    if isinstance(updated, PartialDate):
        return dt.datetime(updated.year, updated.month or 1, 1)
    return dt.datetime(updated.year, updated.month, updated.day) if updated else EPOCH


def _content_types(sheets: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                        f'ContentType="{kind}.spreadsheetml.worksheet+xml"/>' for i in range(1, sheets + 1))
    return (_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kind}.spreadsheetml.styles+xml"/>{overrides}'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{kind}.extended-properties+xml"/></Types>')


def _root_rels() -> str:
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return (_HEAD + f'<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{doc}/extended-properties" Target="docProps/app.xml"/></Relationships>')


def _core(when: dt.datetime) -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>party-bloc-portal</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')


def _workbook(names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    return (_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/></bookViews>'
            f'<sheets>{sheets}</sheets></workbook>')


def _workbook_rels(sheets: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, sheets + 1))
    return (_HEAD + f'<Relationships xmlns="{_PACKAGE_RELS}">{rels}<Relationship Id="rId{sheets + 1}" '
            f'Type="{_RELS}/styles" Target="styles.xml"/></Relationships>')


def _zip(out: IO[bytes], parts: list[tuple[str, bytes | deflate.Stream]], when: dt.datetime,
         made: PiecesDigest) -> None:
    """A zip of `parts`, each deflated (sheets were deflated in pieces), every entry dated `when`;
    `made` is given each piece written.

    Written here rather than with `zipfile`, which cannot take data already compressed.
    """
    def write(data: bytes) -> None:
        out.write(data)
        made.add_bytes(data)

    stamp = ((when.hour << 11) | (when.minute << 5) | (when.second // 2),
             ((when.year - 1980) << 9) | (when.month << 5) | when.day)
    directory = []
    for name, body in parts:
        stream = body if isinstance(body, deflate.Stream) else _whole(body)
        if stream.size >= 1 << 32:
            raise ValueError(f"{name} is too large for a workbook ({stream.size} bytes)")
        offset, encoded = out.tell(), name.encode("ascii")
        fields = (8, *stamp, stream.crc, stream.length, stream.size, len(encoded), 0)
        write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields) + encoded)
        out.writelines(stream.bodies)
        for body, body_made in zip(stream.bodies, stream.made, strict=True):
            made.add(len(body), body_made)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, offset)
                         + encoded)
    at = out.tell()
    listing = b"".join(directory)
    write(listing + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(listing), at, 0))


def _whole(data: bytes) -> deflate.Stream:
    """A small part of the workbook as a stream of one piece."""
    stream = deflate.Stream([])
    stream.add(deflate.Piece.of(data, _LEVEL))
    stream.end()
    return stream
