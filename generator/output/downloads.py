"""Downloads under /data/: CSV (UTF-8 with BOM), JSON and a Frictionless datapackage.json.

The numbers are the ones the pages show: stated figures as written, derived ones in their own
columns with a flag, never mixed.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.model.derive import ROWS, Derived, Value
from generator.model.types import BLOCK_FIGURES, BLOCKS, Figure, Record
from generator.plan.index import SiteIndex

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
        "province": r.province, "province_name": province_name, "committee": r.committee,
        "committee_name": committee_name, "year": r.year,
        "period": r.period.kind, "period_number": r.period.number,
        "period_until": r.period.until.isoformat() if r.period.until else None,
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return _num(value)
    return _safe(str(value))


@dataclass(frozen=True)
class Row:
    """One record as a CSV line and a JSON object, made once (serve keeps them between rebuilds)."""

    province: str
    csv_line: str
    json_text: str


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


HEADER = _csv_line([c[0] for c in COLUMNS])


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def make_row(d: Derived, province_name: str, committee_name: str) -> Row:
    cells = row(d, province_name, committee_name)
    item = {k: _json_value(v) for k, v in cells.items() if v is not None}
    item["sources"] = [{"url": s.url, "publisher": s.publisher,
                        "published": s.published.isoformat() if s.published else None,
                        "title": s.title} for s in d.record.sources]
    item["quotes"] = d.record.quotes()
    item["notes"] = list(d.record.notes)
    item["awards"] = [{"description": a.description, "count": a.count, "year": a.year, "quote": a.quote}
                      for a in d.record.awards]
    return Row(d.record.province, _csv_line([_cell(cells.get(c[0])) for c in COLUMNS]),
               json.dumps(item, ensure_ascii=False, sort_keys=True))


@dataclass
class RowCache:
    """Rows kept by `serve` between rebuilds, by the record's content hash and the names shown."""

    rows: dict[tuple[str, str, str], Row] = field(default_factory=dict)


def _rows(index: SiteIndex, cache: RowCache | None) -> list[Row]:
    rows = []
    for d in index.records:
        r = d.record
        names = (index.names.get(r.province, ""), index.committee_names.get(f"{r.province}/{r.committee}", ""))
        key = (r.digest, *names)
        found = cache.rows.get(key) if cache is not None and r.digest else None
        if found is None:
            found = make_row(d, *names)
            if cache is not None and r.digest:
                cache.rows[key] = found
        rows.append(found)
    return rows


def files(title: str, index: SiteIndex, cache: RowCache | None = None) -> dict[str, bytes]:
    """Every file under data/: all records (CSV, JSON), one CSV per province, the datapackage."""
    rows = _rows(index, cache)
    out = {"data/records.csv": to_csv(rows), "data/records.json": to_json(rows)}
    provinces = sorted(index.by_province)
    for slug in provinces:
        out[f"data/provinces/{slug}.csv"] = to_csv([r for r in rows if r.province == slug])
    out["data/datapackage.json"] = datapackage(title, provinces)
    return out


def to_csv(rows: list[Row]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs show the diacritics."""
    return ("\ufeff" + HEADER + "".join(r.csv_line for r in rows)).encode("utf-8")


def to_json(rows: list[Row]) -> bytes:
    """A list of records, one per line."""
    return ("[\n" + ",\n".join(r.json_text for r in rows) + "\n]\n").encode("utf-8")


def datapackage(title: str, province_files: list[str]) -> bytes:
    schema = {"fields": [{"name": n, "type": t, "description": desc} for n, t, desc in COLUMNS]}
    dialect = {"delimiter": ",", "header": True}
    resources = [{"name": "records", "path": "records.csv", "format": "csv", "mediatype": "text/csv",
                  "encoding": "utf-8-sig", "dialect": dialect, "schema": schema}]
    resources += [{"name": f"province-{slug}", "path": f"provinces/{slug}.csv", "format": "csv",
                   "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": dialect, "schema": schema}
                  for slug in province_files]
    resources.append({"name": "records-json", "path": "records.json", "format": "json",
                      "mediatype": "application/json", "encoding": "utf-8"})
    package = {"name": "party-bloc-results", "title": title, "profile": "data-package",
               "resources": resources}
    return (json.dumps(package, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
