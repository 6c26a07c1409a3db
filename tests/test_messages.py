"""Messages that lead to right data: a hint followed literally gives a record that means what the
article says. Values are generated, written the ways an article (or a hurried maintainer) writes
them, and each located problem's proposed fix is applied to its line before reading the file again."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import yamlfile
from generator.load.records import parse
from generator.model.problems import Problem, Problems
from generator.model.types import Record

TEMPLATE = """province: lam-dong
committee: khoi-cac-co-quan
year: 2018
sources:
  - url: https://example.org/a
    publisher: Báo Lâm Đồng
    published: {published}
    title: {title}
members:
  good: {good}
admissions:
  admitted: {admitted}
  exceeded_by: {exceeded_by}
"""
DEFAULTS = {"published": "2019-01-10", "title": "Tổng kết", "good": "{percent: 50, base: unstated}",
            "admitted": "120", "exceeded_by": "{percent: 5}"}


def _read(text: str, folder: Path) -> tuple[Record | None, list[Problem]]:
    path = folder / "2018.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    record = parse(yamlfile.load(path, "2018.yaml", problems), "2018.yaml", problems)
    return record, problems.sorted()


def _follow_hints(text: str, folder: Path) -> tuple[Record | None, list[Problem]]:
    """Read, apply every proposed fix on its line (each fix's text must be in the hint), read again."""
    _, problems = _read(text, folder)
    assert problems, "the badly written value was accepted"
    lines = text.split("\n")
    for problem in problems:
        assert problem.new, f"no literal fix proposed: {problem}"
        assert problem.new in problem.hint, f"the fix is not what the hint says: {problem}"
        line = lines[problem.line - 1]
        assert problem.old in line, (problem, line)
        lines[problem.line - 1] = line.replace(problem.old, problem.new, 1)
    return _read("\n".join(lines), folder)


def _vi_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _vi_decimal(d: Decimal) -> str:
    return str(d).replace(".", ",")


percents = st.decimals(Decimal("0.1"), Decimal("99.9"), places=1) | st.decimals(Decimal("0.01"), Decimal("99.99"),
                                                                                   places=2)
percents = percents.filter(lambda d: d != d.to_integral_value())  # a decimal comma needs decimals


def _case(draw: st.DrawFn) -> tuple[str, str, Any]:
    """(key, badly written value, what it means) for one generated value."""
    kind = draw(st.sampled_from(["thousands", "percent quoted", "percent in braces", "percent sign in braces",
                                 "exceeded by a percent", "good as a percent", "day/month/year", "title a number",
                                 "title yes"]))
    if kind == "thousands":
        n = draw(st.integers(1000, 9_999_999))
        return "admitted", _vi_thousands(n), n
    if kind == "percent quoted":
        p = draw(percents)
        return "good", f'{{percent: "{_vi_decimal(p)}%", base: unstated}}', p
    if kind == "percent in braces":
        p = draw(percents)
        return "good", f"{{percent: {_vi_decimal(p)}, base: unstated}}", p
    if kind == "percent sign in braces":
        p = draw(percents)
        return "good", f"{{percent: {_vi_decimal(p)}%, base: unstated}}", p
    if kind == "exceeded by a percent":
        p = draw(st.integers(1, 300))
        return "exceeded_by", f"{p}%", ("percent", Decimal(p))
    if kind == "good as a percent":
        p = draw(percents)
        return "good", f"{_vi_decimal(p)}%", ("percent", p)
    if kind == "day/month/year":
        day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2025, 12, 31)))
        return "published", f"{day.day:02d}/{day.month:02d}/{day.year}", day
    word = str(draw(st.integers(1900, 2100))) if kind == "title a number" else "yes"
    return "title", word, word


def _meaning(record: Record, key: str) -> Any:
    if key == "admitted":
        return record.admissions.admitted.count if record.admissions and record.admissions.admitted else None
    if key == "exceeded_by":
        over = record.admissions.exceeded_by if record.admissions else None
        return ("percent", over.percent) if over and over.count is None else over
    if key == "good":
        good = record.members.good if record.members else None
        if good is None or good.count is not None:
            return good
        return good.percent if good.base_unstated else ("percent", good.percent)
    source = record.sources[0]
    return source.published if key == "published" else source.title


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_following_a_hint_gives_what_the_article_says(tmp_path_factory: Any, data: st.DataObject) -> None:
    key, written, meant = data.draw(st.composite(_case)())
    folder = tmp_path_factory.mktemp("hint")
    record, problems = _follow_hints(TEMPLATE.format(**{**DEFAULTS, key: written}), folder)
    assert problems == [] and record is not None, problems
    assert _meaning(record, key) == meant


def test_exceeded_by_percent_is_not_answered_with_plain_digits(tmp_path: Path) -> None:
    _, problems = _read(TEMPLATE.format(**{**DEFAULTS, "exceeded_by": "18%"}), tmp_path)
    assert [str(p) for p in problems] == [
        "2018.yaml:13:16: error: 'exceeded_by: 18%' is a percent, but 'exceeded_by: N' is the number of members "
        "admitted above the target; 'vượt X% chỉ tiêu' is a percent of the target; "
        "write exceeded_by: {percent: 18}"]


def test_decimal_comma_with_a_percent_sign_in_braces(tmp_path: Path) -> None:
    _, problems = _read(TEMPLATE.format(**{**DEFAULTS, "good": "{percent: 98,1%, base: unstated}"}), tmp_path)
    assert [p.message + "; " + p.hint for p in problems] == [
        "'1%' after 'percent: 98' looks like the decimals of 98.1 written with a decimal comma; "
        "write percent: 98.1 (a dot for the decimal point, no % sign)"]
