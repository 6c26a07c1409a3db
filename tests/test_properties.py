"""Property-based tests (Hypothesis), and tests of concurrent and repeated builds."""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.records import parse
from generator.load.yamlfile import loads
from generator.model.derive import DISJOINT, derive_record
from generator.model.problems import Problems
from tests.test_check import MINIMAL, NEW

LOCATED = re.compile(r"^content/records/[^:]+\.ya?ml(:\d+:\d+)?: error: .+; .+$")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def valid_blocks(draw: st.DrawFn) -> tuple[str, dict[str, int], bool]:
    rated = draw(st.integers(1, 20000))
    cuts = sorted(draw(st.lists(st.integers(0, rated), min_size=3, max_size=3)))
    excellent, good_only, completed, not_completed = (cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], rated - cuts[2])
    includes = draw(st.booleans())
    good = good_only + excellent if includes else good_only
    pct = (Decimal(good) * 100 / rated).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    total = rated + draw(st.integers(0, 500))
    text = (f"members:\n  total: {total}\n  rated: {rated}\n  good_includes_excellent: {str(includes).lower()}\n"
            f"  good: {{count: {good}, percent: {pct}}}\n  excellent: {excellent}\n"
            f"  completed: {completed}\n  not_completed: {not_completed}\n")
    return text, {"excellent": excellent, "good_only": good_only, "completed": completed,
                  "not_completed": not_completed, "rated": rated}, includes


def _record_text(block: str) -> str:
    head = MINIMAL.split("organizations:")[0]
    return head + block


@SETTINGS
@given(valid_blocks())
def test_random_valid_records_check_clean_and_obey_level_arithmetic(case: tuple[str, dict[str, int], bool]) -> None:
    text, counts, _ = case
    problems = Problems()
    record = parse(loads(_record_text(text), NEW, problems), NEW, problems)
    from generator.load.validate import _check_block

    _check_block(record, "members", record.members, problems)
    assert problems.items == []
    block = derive_record(record).block("members")
    for level in DISJOINT:
        assert block.levels[level].count.number == counts[level]
    assert block.levels["good_or_above"].count.number == counts["excellent"] + counts["good_only"]
    assert sum(block.levels[level].count.number for level in DISJOINT) == counts["rated"]
    shares = [block.levels[level].share.number for level in DISJOINT]
    assert all(Decimal(0) <= s <= Decimal(100) for s in shares)
    assert abs(sum(shares) - 100) <= Decimal("0.03")  # each rounded to 0.01


@st.composite
def valid_records(draw: st.DrawFn) -> list[tuple[int, str, dict[str, int], bool]]:
    """One to four random valid member blocks, each for its own year (2010-2017) of Lâm Đồng's committee."""
    years = draw(st.lists(st.integers(2010, 2017), min_size=1, max_size=4, unique=True))
    return [(year, *draw(valid_blocks())) for year in sorted(years)]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_records())
def test_random_valid_records_build_and_show_their_figures(test_site: Path,
                                                          cases: list[tuple[int, str, dict[str, int], bool]]) -> None:
    import csv
    import io

    from generator.cli import main
    from generator.render import formats

    for year, text, _, _ in cases:
        path = test_site / NEW.replace("2018", str(year))
        path.write_text(_record_text(text).replace("year: 2018", f"year: {year}"), encoding="utf-8")
    assert main(["build", "--site", str(test_site)]) == 0
    html = (test_site / "output/provinces/lam-dong/index.html").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(
        (test_site / "output/data/records.csv").read_text(encoding="utf-8-sig"))))
    for year, _, counts, includes in cases:
        assert f"Cả năm {year}" in html
        row = next(r for r in rows if r["province"] == "lam-dong" and r["year"] == str(year))
        assert row["members_rated_count"] == str(counts["rated"])
        assert row["members_excellent_count"] == str(counts["excellent"])
        above = counts["excellent"] + counts["good_only"]
        assert row["members_good_or_above_count_shown"] == str(above)
        assert row["members_good_or_above_count_derived"] == ("false" if includes else "true")
        assert row["members_good_only_count_shown"] == str(counts["good_only"])
        assert row["members_good_only_count_derived"] == ("true" if includes else "false")
        assert formats.number(counts["rated"]) in html  # in vi-VN format: 6.027


BREAKERS = [
    lambda t, n: t.replace("  completed: 8\n", f"  completed: {-n - 1}\n"),
    lambda t, n: t.replace("  completed: 8\n", f"  completed: {8 + n + 1}\n"),
    lambda t, n: t.replace("year: 2018", f"year: {2027 + n}"),
    lambda t, n: t.replace("province: lam-dong", f"province: lam-dong-{n}"),
    lambda t, n: t.replace("  rated: 60\n", "\trated: 60\n"),
    lambda t, n: t.replace("percent: 83.33", f"percent: {90 + n % 9}.5"),
    lambda t, n: t.replace("  admitted: 120\n", f"  admitted: {n}.{n % 1000:03d}\n"),
    lambda t, n: t.replace("title: ", f"title: [{n}"),
    lambda t, n: t.replace("year: 2018\n", f"year: 2018\nyear{n % 3 * 'x'}: 2018\n" if n % 3 else "year: 2018\nyear: 2019\n"),
    lambda t, n: t.replace("sources:", "source:"),
    lambda t, n: t.replace("  target: 100\n", f"  target: {100 + n + 1}\n"),
    lambda t, n: t.replace("https://example.org/a", f"ftp{n}://example.org/a"),
]


@SETTINGS
@given(st.integers(0, len(BREAKERS) - 1), st.integers(0, 10_000), st.text(max_size=30))
def test_random_invalid_records_give_located_errors(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                    which: int, n: int, junk: str) -> None:
    from generator.cli import main

    text = BREAKERS[which](MINIMAL, n)
    assert text != MINIMAL
    text += f"notes:\n  - {junk!r}\n" if junk.strip() and "\x00" not in junk else ""
    (test_site / NEW).write_text(text, encoding="utf-8")
    code = main(["check", "--site", str(test_site)])
    err = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert code == 1
    assert err and all(LOCATED.match(line) for line in err), err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=300))
def test_arbitrary_bytes_never_crash(test_site: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    from generator.cli import main

    (test_site / NEW).write_bytes(data)
    code = main(["check", "--site", str(test_site)])
    err = capsys.readouterr().err
    assert code in (0, 1)
    if code == 1:
        assert all(LOCATED.match(line) for line in err.splitlines() if ": error: " in line and line.startswith("content/"))


# -- concurrent and repeated builds ------------------------------------------------------------------------
def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _build_cmd(site: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--site", str(site)]


def _environment(**extra: str) -> dict[str, str]:
    """This checkout's generator first on the path, whatever is installed."""
    root = str(Path(__file__).resolve().parent.parent)
    path = [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), **extra}


def test_two_builds_at_once_do_not_corrupt_the_output(test_site: Path, test_site_output: Path) -> None:
    children = [subprocess.Popen(_build_cmd(test_site), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 env=_environment()) for _ in range(2)]
    for child in children:
        assert child.wait(timeout=60) == 0, child.stderr.read()  # type: ignore[union-attr]
    assert digest(test_site / "output") == digest(test_site_output)
    assert [p.name for p in test_site.iterdir() if p.name.startswith(".output.") and p.is_dir()] == []


def test_identical_across_hash_seeds_and_locales_with_no_absolute_paths(test_site: Path, tmp_path: Path,
                                                                        test_site_output: Path) -> None:
    """Built in other processes, with other hash seeds and locales, the output is the session's, byte for byte."""
    for seed, locale in (("1", "C"), ("random", "vi_VN.UTF-8")):
        out = tmp_path / f"out-{seed}"
        env = _environment(PYTHONHASHSEED=seed, LC_ALL=locale, LANG=locale)
        subprocess.run(_build_cmd(test_site) + ["--output", str(out)], check=True, capture_output=True, env=env)
        assert digest(out) == digest(test_site_output)
        for p in out.rglob("*"):
            if p.is_file():
                data = p.read_bytes()
                assert str(tmp_path).encode() not in data and str(test_site).encode() not in data, p
