"""`frictionless validate` accepts the built test site's datapackage.json (run in-process), and would
notice a table that does not match its schema: the check reads the schema files and the data."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from generator.output import downloads


@pytest.fixture
def data(test_site_output: Path, tmp_path: Path) -> Path:
    """A copy of the built data/ folder, to change."""
    return Path(shutil.copytree(test_site_output / "data", tmp_path / "data"))


def _errors(package: Path) -> list[str]:
    report = validate(str(package))
    return [f"{task.name}: {error.type}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors]


def test_the_built_datapackage_is_valid(test_site_output: Path) -> None:
    package = test_site_output / "data/datapackage.json"
    assert _errors(package) == []
    meta = json.loads(package.read_text(encoding="utf-8"))
    assert meta["licenses"] == [{"title": "CC BY 4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert meta["last_updated"] == "2025-10-02"
    tables = [r for r in meta["resources"] if r.get("profile") == "tabular-data-resource"]
    assert len(tables) == 3 + 4  # all figures, sources and records, and the records of each province
    assert {r.get("encoding") for r in meta["resources"]} == {"utf-8", None}  # an IANA name, not Python's utf-8-sig
    assert {r["schema"] for r in tables} == {"schema/figures.json", "schema/records.json",
                                             "schema/sources.json"}  # shared, not repeated
    assert package.stat().st_size < 10_000
    fields = json.loads((test_site_output / "data/schema/figures.json").read_text(encoding="utf-8"))["fields"]
    assert [f["name"] for f in fields] == [c[0] for c in downloads.TIDY_COLUMNS]


def test_a_table_that_breaks_its_schema_is_invalid(data: Path) -> None:
    figures = data / "provinces/tra-vinh.csv"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace(",2022,full_year,", ",năm 2022,full_year,", 1), encoding="utf-8")
    errors = _errors(data / "datapackage.json")
    assert errors and all(e.startswith("records-tra-vinh: type-error") for e in errors), errors


def test_a_figure_whose_source_is_not_in_the_sources_table_is_invalid(data: Path) -> None:
    sources = data / "sources.csv"
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    sources.write_text("".join(lines[:1] + lines[2:]), encoding="utf-8")  # one article gone
    errors = _errors(data / "datapackage.json")
    assert errors and all(e.startswith("figures: foreign-key:") for e in errors), errors


def test_a_schema_that_does_not_match_its_table_is_invalid(data: Path) -> None:
    schema = data / "schema/records.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"name": "year"', '"name": "years"'),
                      encoding="utf-8")
    errors = _errors(data / "datapackage.json")
    assert any(e.startswith("records: incorrect-label") for e in errors), errors
