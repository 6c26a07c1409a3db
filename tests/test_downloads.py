"""The downloads hold every figure the pages show: the tidy table (one row per figure), the workbook
whose numbers are numbers, the shared schemas, the licence, the last-updated date and the data page
that tells all of it.

The figure walk below reads the records' dataclasses on its own (not through the code under test), so
a figure a new field adds and the downloads leave out is found missing.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import re
import sys
import tempfile
import weakref
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.hashing import digest
from generator.load.site import load_site
from generator.model.derive import Derived, Value, derive_all, derive_record
from generator.model.problems import Problems
from generator.model.types import (
    BLOCKS,
    PERIOD_KINDS,
    QUALIFIERS,
    Admissions,
    Award,
    Figure,
    Period,
    RatingBlock,
    Record,
    Source,
    Subset,
    Target,
)
from generator.output import downloads, workbook
from generator.output.figures import period_dates
from generator.plan.index import build_index
from tests.conftest import ROOT
from tests.helpers import shared_out_counted

NUMERIC = ("count", "base", "percent", "award_year")
# Fields of a record that say what the record is, not a figure it states.
NOT_FIGURES = {"path", "province", "committee", "year", "period", "sources", "notes", "example", "synthetic",
               "digest", "line", "column", "where"}

# Text as loading lets it through: no control characters (the YAML reader refuses them, located).
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs"))


# -- the walk: every number a record states or the portal derives ----------------------------------
def stated_numbers(obj: Any, field: str = "") -> Iterator[tuple[str, Any]]:
    """(field, value) of every figure and number inside a record, found by walking its dataclasses."""
    if isinstance(obj, Figure):
        yield field, obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name not in NOT_FIGURES:
                yield from stated_numbers(getattr(obj, f.name), f.name)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from stated_numbers(value, key)
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from stated_numbers(item, field)
    elif isinstance(obj, (int, Decimal)) and not isinstance(obj, bool):
        yield field, obj


def derived_values(d: Derived) -> Iterator[Value]:
    for block in d.blocks.values():
        for value in (block.total, block.rated, *(v for lv in block.levels.values() for v in (lv.count, lv.share))):
            if value is not None and value.derived:
                yield value
    if d.admissions_percent_of_target is not None and d.admissions_percent_of_target.derived:
        yield d.admissions_percent_of_target


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def missing_figures(d: Derived, rows: list[dict[str, str]]) -> list[str]:
    """Every figure of `d` that no tidy row of its record holds."""
    mine = [r for r in rows if r["record"] == d.record.ref]
    stated = [r for r in mine if r["stated_or_derived"] == "stated"]
    missing = []
    for field, value in stated_numbers(d.record):
        if isinstance(value, Figure):
            want = (_n(value.count), _n(value.of), _n(value.percent), value.qualifier or "")
            got = {(_number(r["count"]), _number(r["base"]), _number(r["percent"]), r["qualifier"]) for r in stated}
            if want not in got:
                missing.append(f"{field}: {value}")
        elif not any(_number(r[c]) == Decimal(value) for r in stated for c in NUMERIC):
            missing.append(f"{field}: {value}")
    for value in derived_values(d):
        column = "count" if value.unit == "count" else "percent"
        if not any(_number(r[column]) == value.number and r["how"] == (value.how or "")
                   for r in mine if r["stated_or_derived"] == "derived"):
            missing.append(f"derived {value}")
    return missing


def _n(value: int | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def tidy(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for the diacritics
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def read(output: Path, path: str) -> str:
    return (output / path).read_text(encoding="utf-8")


PIECED = ("records.csv", "figures.csv", "records.json", "sources.csv", "records.xlsx")  # digested by pieces


def written(config: Any, index: Any, folder: Path, cache: downloads.RowCache | None = None,
            workers: int = 1, kept: downloads.KeptFile | None = None) -> dict[str, bytes]:
    """Every download `write` streams into `folder`, read back. The sizes it reports are the files'
    own, and so are the digests (taken as the files were written, they key the output's cache): a text
    file's is its pieces' (see `downloads._Text`), the same as a write without a cache reports for the
    same bytes, and each piece a cache keeps has its own bytes' digest."""
    made: dict[str, str] = {}
    sizes = downloads.write(folder, config, index, cache, made, workers, kept=kept)
    files = downloads.read_back(folder)
    assert {name: len(body) for name, body in files.items()} == {"data/" + k: v for k, v in sizes.items()}
    fresh: dict[str, str] = {}
    downloads.write(folder.with_name(folder.name + "-fresh"), config, index, None, fresh)
    laid = cache.layouts if cache is not None else {}
    for name, body in files.items():
        short = name.removeprefix("data/")
        if short in PIECED or short.startswith("provinces/"):
            assert made[short] == fresh[short], short
            for span in (laid[short].spans.values() if short in laid else ()):
                assert digest(body[span.start:span.start + span.length]) == span.digest, short
        else:
            assert made[short] == digest(body), short
    return files


def sources(data: bytes) -> dict[str, dict[str, str]]:
    return {r["source_id"]: r for r in tidy(data)}


@pytest.mark.skipif(sys.platform == "win32", reason="the rows are made by forked workers only where there is fork")
def test_rows_made_by_workers_are_written_as_rows_made_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build makes every record's row in worker processes, which send them back as they come;
    they are written in the site's order all the same, also between rows kept from an earlier build."""
    site = load_site(ROOT / "tests/site", Problems())
    assert site is not None
    index = build_index(site.registry, derive_all(site.records), site.reviewed)
    alone = written(site.config, index, tmp_path / "alone")
    shared = shared_out_counted(monkeypatch)
    cache = downloads.RowCache()
    assert written(site.config, index, tmp_path / "shared", cache, workers=2) == alone
    forgotten = list(cache.rows)[::3]  # every third row made again, the others kept
    for key in forgotten:
        del cache.rows[key]
    cache.pieces.clear()
    assert written(site.config, index, tmp_path / "partly", cache, workers=2) == alone
    assert shared == [len(index.records), len(forgotten)]


def test_without_a_cache_each_row_is_let_go_once_written() -> None:
    """A build without a cache (`--clean`, a first build) holds one record's row at a time: holding
    them all to the end of the downloads raised the build's peak memory by 14 MB at 3,000 records and
    by 122 MB at 30,000. With a cache, every row is kept for the next build."""
    site = load_site(ROOT / "tests/site", Problems())
    assert site is not None
    index = build_index(site.registry, derive_all(site.records), site.reviewed)
    for cache in (None, downloads.RowCache()):
        alive: weakref.WeakSet[downloads.Row] = weakref.WeakSet()
        held = []
        for _, row in downloads.rows(index, cache):
            alive.add(row)
            held.append(len(alive))
        del row
        assert len(held) == len(index.records) > 3
        assert held == ([1] * len(held) if cache is None else list(range(1, len(held) + 1)))


# -- every figure, in the portal, the test site and generated records -------------------------------
@pytest.mark.parametrize("root", [ROOT, ROOT / "tests/site"], ids=["portal", "test-site"])
def test_every_figure_of_every_record_is_in_the_tidy_table(root: Path, tmp_path: Path) -> None:
    site = load_site(root, Problems())
    assert site is not None
    index = build_index(site.registry, derive_all(site.records), site.reviewed)
    files = written(site.config, index, tmp_path)
    rows = tidy(files["data/figures.csv"])
    articles = sources(files["data/sources.csv"])
    wide = {r["record"]: r for r in tidy(files["data/records.csv"])}
    for d in index.records:
        assert not missing_figures(d, rows), d.record.ref
        first = d.record.sources[0]
        for r in (r for r in rows if r["record"] == d.record.ref):  # the joins give back what was left out
            assert articles[r["source_id"]]["source_url"] == first.url == wide[r["record"]]["source_url"]
            assert wide[r["record"]]["province_name"] == index.names[d.record.province]
        per_province = {r["record"] for r in tidy(files[f"data/provinces/{d.record.province}.csv"])}
        assert d.record.ref in per_province
    assert len(articles) == downloads.articles(index)
    kinds = {r["block"] for r in rows}
    if root == ROOT:  # the portal's records have every kind of figure the pages show
        assert kinds == {*BLOCKS, "admissions", "mass_organizations", "targets", "awards"}
        assert any(r["award_year"] for r in rows) and any(r["level"] == "subset_admitted" for r in rows)
        for marker in ("base_unstated", "period_end_is_publication_date", "approximate"):
            assert any(r[marker] == "true" for r in rows), marker


def _figures(draw: st.DrawFn, count_max: int = 9000) -> Figure | None:
    if not draw(st.booleans()):
        return None
    count = draw(st.none() | st.integers(0, count_max))
    percent = draw(st.none() | st.decimals(0, 100, places=2))
    if count is None and percent is None:
        count = draw(st.integers(0, count_max))
    return Figure(count=count, percent=percent, of=draw(st.none() | st.integers(1, count_max)),
                  qualifier=draw(st.none() | st.sampled_from(QUALIFIERS)), quote=draw(st.none() | st.text(PRINTABLE, max_size=20)),
                  base_unstated=draw(st.booleans()))


@st.composite
def records(draw: st.DrawFn) -> Record:
    blocks = {name: RatingBlock(**{part: _figures(draw) for part in
                                   ("total", "rated", "excellent", "good", "completed", "not_completed")},
                                good_includes_excellent=draw(st.none() | st.booleans()))
              for name in BLOCKS if draw(st.booleans())}
    adm = Admissions(admitted=_figures(draw), target=_figures(draw),
                     percent_of_target=draw(st.none() | st.decimals(0, 300, places=1)),
                     exceeded_by=_figures(draw),
                     subsets=tuple(Subset(draw(st.text(PRINTABLE, min_size=1, max_size=9)), _figures(draw), _figures(draw), None)
                                   for _ in range(draw(st.integers(0, 2)))))
    targets = tuple(Target("admissions", "2022", draw(st.sampled_from(("count", "percent"))),
                           value=draw(st.none() | st.decimals(0, 500, places=1)),
                           min=draw(st.none() | st.decimals(0, 500, places=0)), max=draw(st.none() | st.decimals(0, 500)))
                    for _ in range(draw(st.integers(0, 2))))
    awards = tuple(Award("award", draw(st.none() | st.integers(0, 99)), None, draw(st.none() | st.integers(2000, 2030)))
                   for _ in range(draw(st.integers(0, 2))))
    mass = {key: f for key in ("trade_unions", "youth_union") if (f := _figures(draw)) is not None}
    kind = draw(st.sampled_from(PERIOD_KINDS))
    number = draw(st.integers(1, 4 if kind == "quarter" else 2)) if kind in ("quarter", "half_year") else None
    return Record(path="x.yaml", province="p", committee="c", year=2022, period=Period(kind, number),
                  sources=(Source("https://example.org/a", "Báo", dt.date(2023, 1, 2), "T"),),
                  admissions=adm if draw(st.booleans()) else None, targets=targets, mass_organizations=mass,
                  awards=awards, **blocks)


@settings(max_examples=150, deadline=None)
@given(records())
def test_generated_records_lose_no_figure(record: Record) -> None:
    d = derive_record(record)
    row = downloads.make_row(d, "Tỉnh", "Đảng bộ")
    rows = tidy(("\ufeff" + downloads.TIDY_HEADER + row.json_and_tidy()[1].decode()).encode("utf-8"))
    assert not missing_figures(d, rows)
    assert all(r["stated_or_derived"] == "derived" or r["how"] == "" for r in rows)  # arithmetic only when derived
    assert all((r["approximate"] == "true") == bool(r["qualifier"]) for r in rows)


@given(st.sampled_from(PERIOD_KINDS), st.integers(1, 4), st.integers(2000, 2030),
       st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2031, 12, 31)))
def test_period_dates_cover_the_period(kind: Any, number: int, year: int, until: dt.date | None) -> None:
    number = min(number, 2) if kind == "half_year" else number
    start, end = period_dates(Period(kind, number if kind in ("quarter", "half_year") else None, until), year)
    assert start.year == year and start.day == 1
    if until is not None:
        assert end == until
    elif kind == "to_date":
        assert end is None  # an open "so far" period without a stated day gets none invented
    else:
        assert end is not None and (end + dt.timedelta(days=1)).day == 1  # the last day of a month
        months = {"full_year": 12, "nine_months": 9, "quarter": 3, "half_year": 6}[kind]
        assert (end.year, end.month) == (year, start.month + months - 1)


# -- the built test site -------------------------------------------------------------------------------
def test_tidy_rows_carry_markers_quotes_and_sources(test_site_output: Path) -> None:
    rows = tidy((test_site_output / "data/figures.csv").read_bytes())
    tv = [r for r in rows if r["record"] == "tra-vinh/khoi-co-quan-va-doanh-nghiep/2022"]
    good = next(r for r in tv if r["block"] == "organizations" and r["level"] == "good_or_above")
    assert (good["count"], good["base"], good["percent"], good["stated_or_derived"]) == ("79", "85", "92.94", "stated")
    articles = sources((test_site_output / "data/sources.csv").read_bytes())
    assert "79/85" in good["quote"] and articles[good["source_id"]]["source_publisher"] == "Báo Trà Vinh"
    assert all(r["source_id"] == good["source_id"] for r in tv)  # one article, named once in sources.csv
    only = next(r for r in tv if r["block"] == "organizations" and r["level"] == "good_only" and r["count"])
    assert (only["count"], only["stated_or_derived"], only["how"], only["quote"]) == ("63", "derived", "79 − 16", "")
    assert good["period_start"] == "2022-01-01" and good["period_end"] == "2022-12-31"
    assert {r["count"] for r in tv if r["block"] == "awards"} == {"16", "8"}
    assert any(r["approximate"] == "true" and r["qualifier"] == "gần" for r in rows)


def _typed(text: str, kind: str) -> Any:
    if text == "":
        return None
    if kind in ("integer", "number"):
        return Decimal(text)
    if kind == "boolean":
        return text == "true"
    if kind == "date":
        return dt.datetime.fromisoformat(text)
    return text


def test_workbook_numbers_are_numbers(test_site_output: Path) -> None:
    book = openpyxl.load_workbook(test_site_output / "data/records.xlsx")
    assert book.sheetnames == ["figures", "records", "sources", "about"]
    for sheet, name, columns in (("figures", "figures.csv", downloads.TIDY_COLUMNS),
                                 ("records", "records.csv", downloads.COLUMNS),
                                 ("sources", "sources.csv", downloads.SOURCE_COLUMNS)):
        csv_rows = list(csv.reader(io.StringIO(read(test_site_output, "data/" + name).lstrip("\ufeff"))))
        cells = list(book[sheet].iter_rows(values_only=True))
        assert len(cells) == len(csv_rows) and list(cells[0]) == csv_rows[0]
        for got, text in zip(cells[1:], csv_rows[1:], strict=True):
            for value, cell, (_, kind, _) in zip(got, text, columns, strict=True):
                want = _typed(cell, kind)
                if kind in ("integer", "number") and want is not None:
                    assert isinstance(value, (int, float)) and not isinstance(value, bool)
                    assert Decimal(str(value)) == want
                elif kind != "string":
                    assert value == want and (want is None or type(value) is type(want))
    about = dict(book["about"].iter_rows(min_row=2, values_only=True))
    assert about["licence"] == "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
    assert about["last_updated"] == "2025-10-02"


def test_workbook_keeps_formula_text_as_text_and_its_dates_fixed(tmp_path: Path) -> None:
    rows = [["=1+1", Decimal("92.94")], ["+x", 3], ["#N/A", dt.date(2024, 1, 2)]]
    size = workbook.xlsx([("t", ["a", "b"], rows)], [], dt.date(2024, 5, 6), tmp_path / "t.xlsx")
    data = (tmp_path / "t.xlsx").read_bytes()
    assert size == len(data) and not list(tmp_path.glob("*.unfixed"))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["t"]
    assert [c.data_type for c in sheet["A"]] == ["s", "s", "s", "s"]
    assert [c.value for c in sheet["A"]] == ["a", "=1+1", "+x", "#N/A"] and sheet["B2"].value == 92.94
    assert sheet["B4"].value == dt.datetime(2024, 1, 2) and sheet["B4"].number_format == workbook.DATE_FORMAT
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2024, 5, 6, 0, 0, 0)}
        assert b"2024-05-06T00:00:00Z</dcterms:modified>" in z.read("docProps/core.xml")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=40),
                          st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
                          st.decimals(min_value=-10**6, max_value=10**6, places=2)), min_size=1, max_size=30))
@example(["\x1f", " a ", "<&>", "=1+1", "\r\n"])  # nothing left to hold; spaces kept; markup; a formula's text
def test_workbook_cells_read_back_as_written(values: list[Any]) -> None:
    """Any text (markup, spaces at the ends, characters XML cannot hold), number, date or boolean, in
    any of up to 30 columns, reads back from the workbook as the value it was (text without the
    characters a workbook cannot hold, empty text as an empty cell)."""
    with io.BytesIO() as buffer, tempfile_path() as path:
        workbook.xlsx([("t", [f"c{i}" for i in range(len(values))], [values])], [], None, path)
        buffer.write(path.read_bytes())
        sheet = openpyxl.load_workbook(buffer)["t"]
    got = [c.value for c in sheet[2]] if sheet.max_row >= 2 else []
    got += [None] * (len(values) - len(got))
    for value, cell in zip(values, got, strict=True):
        assert cell == _read_back(value), (value, cell)


def _read_back(value: Any) -> Any:
    if isinstance(value, str):
        text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value).replace("\r\n", "\n").replace("\r", "\n")
        return text or None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


@contextlib.contextmanager
def tempfile_path() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "t.xlsx"


def test_last_updated_is_the_newest_source_date(test_site: Path, tmp_path: Path) -> None:
    site = load_site(test_site, Problems())
    assert site is not None
    index = build_index(site.registry, derive_all(site.records), site.reviewed)
    newest = max(s.published for d in index.records for s in d.record.sources if isinstance(s.published, dt.date))
    assert downloads.last_updated(index) == newest == dt.date(2025, 10, 2)
    package = json.loads(written(site.config, index, tmp_path / "dl")["data/datapackage.json"])
    assert package["last_updated"] == "2025-10-02" and "2025-10-02" in package["citation"]


def test_data_page_tells_counts_sizes_licence_and_citation(test_site_output: Path) -> None:
    for prefix in ("", "en/"):
        html = read(test_site_output, prefix + "data/index.html")
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
        assert ("11 bản ghi số liệu, lấy từ 11 bài báo" if not prefix else "11 records, taken from 11 articles") in text
        assert ("02/10/2025" if not prefix else "Oct 2, 2025") in text
        assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
        assert 'id="cite"' in html and "https://example.org/portal/" + prefix + "data/" in text
        for path in ("figures.csv", "sources.csv", "records.csv", "records.xlsx", "datapackage.json",
                     "provinces/tra-vinh.csv", "schema/sources.json"):
            assert f'href="/portal/data/{path}" download' in html, path
        size = (test_site_output / "data/figures.csv").stat().st_size
        shown = f"{size / 1024:.1f}".replace(".", "," if not prefix else ".")
        found = re.search(r'href="/portal/data/figures.csv" download>[^<]*</a> <span class="size">\(([^)]*)\)', html)
        assert found and found.group(1) == f"{shown} KB"


def test_every_page_names_the_licence_in_its_footer(test_site_output: Path) -> None:
    pages = [p for p in test_site_output.rglob("*.html") if "/embed/" not in p.as_posix()]
    assert len(pages) > 50
    for page in pages:
        footer = page.read_text(encoding="utf-8").split('<footer class="site-footer">')[1]
        assert 'rel="license">CC BY 4.0</a>' in footer.split("</footer>")[0], page


# -- the licence setting ---------------------------------------------------------------------------------
def _site_yaml(site: Path, licence: str) -> None:
    path = site / "site.yaml"
    text = path.read_text(encoding="utf-8")
    text = text[:text.index("licence:")] if "licence:" in text else text
    path.write_text(text + licence, encoding="utf-8")


def test_licence_setting_is_shown_and_defaults_to_cc_by(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _site_yaml(test_site, "licence:\n  name: ODbL 1.0\n  url: https://opendatacommons.org/licenses/odbl/1-0/\n")
    assert main(["build", "--site", str(test_site)]) == 0, capsys.readouterr().err
    html = read(test_site / "output", "provinces/tra-vinh/index.html")
    assert 'href="https://opendatacommons.org/licenses/odbl/1-0/" rel="license">ODbL 1.0</a>' in html
    package = json.loads(read(test_site / "output", "data/datapackage.json"))
    assert package["licenses"] == [{"title": "ODbL 1.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/"}]
    _site_yaml(test_site, "")
    assert main(["build", "--site", str(test_site)]) == 0
    assert 'rel="license">CC BY 4.0</a>' in read(test_site / "output", "data/index.html")


@pytest.mark.parametrize(("licence", "line", "message"), [
    ("licence:\n  name: CC BY 4.0\n  url: creativecommons.org\n", 3, "licence url 'creativecommons.org' is not a web address"),
    ("licence:\n  name: CC BY 4.0\n", 2, "missing required key 'url' in 'licence'"),
    ("licence:\n  name: CC BY 4.0\n  url: https://x.org/\n  version: 4\n", 4, "unknown key 'version' in 'licence'"),
    ("licence: CC BY\n", 1, "'licence' should be a group of 'key: value' lines"),
])
def test_a_wrong_licence_is_reported_at_its_line(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                  licence: str, line: int, message: str) -> None:
    lines = len((test_site / "site.yaml").read_text(encoding="utf-8").split("licence:")[0].splitlines())
    _site_yaml(test_site, licence)
    assert main(["check", "--site", str(test_site)]) != 0
    err = capsys.readouterr().err
    assert f"site.yaml:{lines + line}:" in err and message in err, err


def test_downloads_are_the_same_bytes_on_every_build_with_or_without_the_cache(test_site: Path,
                                                                               tmp_path: Path) -> None:
    site = load_site(test_site, Problems())
    assert site is not None
    index = build_index(site.registry, derive_all(site.records), site.reviewed)
    cache = downloads.RowCache()
    first = written(site.config, index, tmp_path / "a", cache)
    assert cache.rows  # serve keeps each record's rows
    assert written(site.config, index, tmp_path / "b", cache) == first == written(site.config, index, tmp_path / "c")
    renamed = dataclasses.replace(site.config, title="Tên khác")
    again = written(renamed, index, tmp_path / "d", cache)
    assert again["data/records.xlsx"] != first["data/records.xlsx"]  # its about sheet names the portal
    assert again["data/figures.csv"] == first["data/figures.csv"]


def test_an_edit_makes_again_only_its_own_pieces_of_the_text_downloads(test_site: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the last output's files at hand, a text download's pieces made from unchanged rows are
    copied from the file the last build wrote: after an edit only the blocks whose rows changed (the
    edited record's, and those it moved) are read from the cache, where each row is kept compressed,
    and the files are the bytes a write without a cache makes. A file the output no longer holds as
    written is not read: all is made."""
    monkeypatch.setattr(downloads, "BLOCK", 2)  # the test site's 11 records in several blocks
    reads: list[str] = []
    read_row = downloads.Row.json_and_tidy
    monkeypatch.setattr(downloads.Row, "json_and_tidy", lambda row: reads.append(row.province) or read_row(row))

    def index() -> tuple[Any, Any]:
        site = load_site(test_site, Problems())
        assert site is not None
        return site.config, build_index(site.registry, derive_all(site.records), site.reviewed)

    cache = downloads.RowCache()
    before: dict[str, str] = {}
    downloads.write(tmp_path / "before", *index(), cache, before)
    assert len(reads) == 11
    record = sorted((test_site / "content/records").rglob("*.yaml"))[5]
    unedited = index()
    record.write_text(record.read_text(encoding="utf-8").replace("    title: ", "    title: Đã sửa ", 1), encoding="utf-8")

    def kept(relative: str, made: str) -> Path | None:
        return tmp_path / "before" / relative if before.get(relative.removeprefix("data/")) == made else None

    def blocks(config: Any, index: Any) -> list[list[downloads.RowKey]]:
        found: list[list[downloads.RowKey]] = [[]]
        for key in (downloads._row_key(index, d) for d in index.records):
            found[-1].append(key)
            if downloads.ends_piece(key[0], len(found[-1]), downloads.BLOCK):
                found.append([])
        return [b for b in found if b]

    made_again = sum(len(b) for b in blocks(*index()) if b not in blocks(*unedited))
    assert 0 < made_again < 11
    for kept_file, read in ((kept, made_again), (lambda relative, made: None, 11)):
        del reads[:]
        downloads.write(tmp_path / f"after-{read}", *index(), dataclasses.replace(cache), {}, kept=kept_file)
        assert len(reads) == read
        after = downloads.read_back(tmp_path / f"after-{read}")
        assert after == written(*index(), tmp_path / f"alone-{read}")
        assert after["data/figures.csv"] != downloads.read_back(tmp_path / "before")["data/figures.csv"]


def test_nothing_is_repeated_that_a_join_gives(test_site_output: Path) -> None:
    """The tidy table names each article by its id and each province and committee by its slug; the JSON is
    not indented and does not repeat the first source beside the list of sources."""
    header = tidy((test_site_output / "data/figures.csv").read_bytes())[0].keys()
    assert not {"source_url", "source_title", "source_publisher", "province_name", "committee_name"} & set(header)
    assert not (test_site_output / "data/figures").exists()
    text = read(test_site_output, "data/records.json")
    assert "\n " not in text and '": ' not in text and '"source_url"' not in text
    assert len(json.loads(text)) == 11
