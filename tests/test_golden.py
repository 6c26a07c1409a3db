"""Golden output (as Pelican's functional tests do): selected built files compared byte for byte.

After an intended change to templates or data, regenerate with
`UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` and review the diff before committing.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from generator.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = ("index.html", "404.html", "provinces/tra-vinh/index.html", "provinces/ha-giang/index.html",
         "years/2019/index.html", "indicators/admissions-percent-of-target/index.html",
         "about/index.html", "data/records.csv", "data/datapackage.json", "robots.txt")


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "output"
    root = Path(__file__).resolve().parent.parent
    assert main(["build", "--site", str(root), "--output", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", FILES)
def test_output_matches_golden(output: Path, name: str) -> None:
    actual = (output / name).read_bytes()
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(actual)
    expected = golden.read_bytes()
    if actual != expected:
        diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                    actual.decode("utf-8", "replace").splitlines(), "golden", "built", lineterm="")
        pytest.fail("\n".join(list(diff)[:60]))
