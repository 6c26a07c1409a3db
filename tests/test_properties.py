"""Property-based tests (Hypothesis) and tests of interrupted, concurrent and repeated builds."""
from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
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


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(valid_blocks())
def test_random_valid_records_build(site: Path, case: tuple[str, dict[str, int], bool]) -> None:
    from generator.cli import main

    text, counts, _ = case
    path = site / NEW
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_record_text(text), encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    html = (site / "output/provinces/lam-dong/index.html").read_text(encoding="utf-8")
    assert "Cả năm 2018" in html


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
def test_random_invalid_records_give_located_errors(site: Path, capsys: pytest.CaptureFixture[str],
                                                    which: int, n: int, junk: str) -> None:
    from generator.cli import main

    text = BREAKERS[which](MINIMAL, n)
    assert text != MINIMAL
    text += f"notes:\n  - {junk!r}\n" if junk.strip() and "\x00" not in junk else ""
    (site / NEW).parent.mkdir(parents=True, exist_ok=True)
    (site / NEW).write_text(text, encoding="utf-8")
    code = main(["check", "--site", str(site)])
    err = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert code == 1
    assert err and all(LOCATED.match(line) for line in err), err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=300))
def test_arbitrary_bytes_never_crash(site: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> None:
    from generator.cli import main

    (site / NEW).parent.mkdir(parents=True, exist_ok=True)
    (site / NEW).write_bytes(data)
    code = main(["check", "--site", str(site)])
    err = capsys.readouterr().err
    assert code in (0, 1)
    if code == 1:
        assert all(LOCATED.match(line) for line in err.splitlines()
                   if ": error: " in line and line.startswith("content/"))


# -- interrupted, concurrent and repeated builds -------------------------------------------------
def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _build_cmd(site: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--site", str(site)]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_at_random_points_output_is_old_or_new_never_a_mix(site: Path, sig: signal.Signals) -> None:
    subprocess.run(_build_cmd(site), check=True, capture_output=True)
    old = digest(site / "output")
    record = site / "content/records/lam-dong/khoi-cac-co-quan/2019.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("count: 145,", "count: 146,"), encoding="utf-8")
    probe = subprocess.run(_build_cmd(site) + ["--output", str(site / "probe")], capture_output=True, text=True)
    assert probe.returncode == 0
    new = digest(site / "probe")
    seconds = float(re.search(r"in (\d+\.\d+) s", probe.stdout).group(1))
    rng = random.Random(1234)
    outcomes = set()
    for _ in range(6):
        child = subprocess.Popen(_build_cmd(site), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.15, 0.35 + seconds))  # interpreter start-up, then somewhere in the build
        child.send_signal(sig)
        child.wait(timeout=30)
        now = digest(site / "output")
        assert now in (old, new)
        outcomes.add("new" if now == new else "old")
        if now == new:  # go back to the old output for the next round
            record.write_text(record.read_text(encoding="utf-8").replace("count: 146,", "count: 145,"), encoding="utf-8")
            subprocess.run(_build_cmd(site), check=True, capture_output=True)
            record.write_text(record.read_text(encoding="utf-8").replace("count: 145,", "count: 146,"), encoding="utf-8")
    assert "old" in outcomes  # at least one build really was interrupted


def test_two_builds_at_once_do_not_corrupt_the_output(site: Path) -> None:
    subprocess.run(_build_cmd(site) + ["--output", str(site / "reference")], check=True, capture_output=True)
    children = [subprocess.Popen(_build_cmd(site), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(3)]
    for child in children:
        assert child.wait(timeout=60) == 0, child.stderr.read()
    assert digest(site / "output") == digest(site / "reference")
    assert [p.name for p in site.iterdir() if p.name.startswith(".output.") and p.is_dir()] == []


def test_identical_across_hash_seeds_and_locales_with_no_absolute_paths(site: Path, tmp_path: Path) -> None:
    results = []
    for seed, locale in (("1", "C"), ("2", "C.UTF-8"), ("random", "vi_VN.UTF-8")):
        out = tmp_path / f"out-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": locale, "LANG": locale}
        subprocess.run(_build_cmd(site) + ["--output", str(out)], check=True, capture_output=True, env=env)
        results.append(digest(out))
        for p in out.rglob("*"):
            if p.is_file():
                data = p.read_bytes()
                assert str(tmp_path).encode() not in data and str(site).encode() not in data, p
    assert len(set(results)) == 1
