"""`generator check`: every check reports its problem with file, line, column and a fix.

Most tests change a copy of the small test site (tests/site/), which checks in milliseconds.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.goldens import SITE

TRA_VINH = "content/records/tra-vinh/khoi-co-quan-va-doanh-nghiep/2022.yaml"
LAM_DONG = "content/records/lam-dong/khoi-cac-co-quan/2019.yaml"
NEW = "content/records/lam-dong/khoi-cac-co-quan/2018.yaml"

MINIMAL = """province: lam-dong
committee: khoi-cac-co-quan
year: 2018
sources:
  - url: https://example.org/a
    publisher: Báo Lâm Đồng
    published: 2019-01-10
    title: Tổng kết năm 2018
organizations:
  rated: 60
  good_includes_excellent: true
  good: {count: 50, percent: 83.33}
  excellent: 10
  completed: 8
  not_completed: 2
admissions:
  admitted: 120
  target: 100
  percent_of_target: 120
"""


def run_check(site: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = main(["check", "--site", str(site), *extra])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]


def edit(site: Path, relative: str, old: str, new: str) -> None:
    path = site / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(site: Path, relative: str, text: str | bytes) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_reference_dataset_is_clean(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run_check(site, capsys, "--strict")
    assert (code, lines) == (0, [])


def test_test_site_is_clean(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(test_site, capsys, "--strict") == (0, [])


def test_minimal_record_is_clean(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(test_site, NEW, MINIMAL)
    assert run_check(test_site, capsys) == (0, [])


CASES = [
    # (what, old text in MINIMAL, new text, expected problem line)
    ("yaml syntax", "year: 2018\n", "year: [2018\n",
     f"{NEW}:4:8: error: this is not valid YAML"),
    ("duplicate key", "year: 2018\n", "year: 2018\nyear: 2019\n",
     f"{NEW}:4:1: error: duplicate key 'year' (also at line 3); keep only one of them"),
    ("unknown key", "year: 2018\n", "year: 2018\nyaer: 2018\n",
     f"{NEW}:4:1: error: unknown key 'yaer' in the record; did you mean 'year'?"),
    ("wrong type", "  excellent: 10\n", "  excellent: mười\n",
     f"{NEW}:13:14: error: 'excellent' should be a whole number, not 'mười'; write it in plain digits"),
    ("missing key", "year: 2018\n", "",
     f"{NEW}:1:1: error: missing required key 'year' in the record; add 'year:' with a value"),
    ("unknown province", "province: lam-dong", "province: lam-dongg",
     f"{NEW}:1:11: error: unknown province 'lam-dongg'; did you mean 'lam-dong'?"),
    ("unknown committee", "committee: khoi-cac-co-quan", "committee: khoi-co-quan",
     f"{NEW}:2:12: error: unknown committee 'khoi-co-quan' in 'lam-dong'; did you mean 'khoi-cac-co-quan'?"),
    ("rated above total", "  rated: 60\n", "  total: 59\n  rated: 60\n",
     f"{NEW}:11:3: error: 60 rated is more than the total of 59 in 'organizations'"),
    ("negative count", "  not_completed: 2\n", "  not_completed: -2\n",
     f"{NEW}:15:18: error: 'not_completed' is -2, below 0; counts cannot be negative"),
    ("levels do not add up", "  completed: 8\n", "  completed: 9\n",
     f"{NEW}:10:3: error: the levels do not add up in 'organizations': 50 + 9 + 2 = 61, but rated is 60"),
    ("percent disagrees", "percent: 83.33}", "percent: 84.5}",
     f"{NEW}:12:3: error: 'good' says 84.5% but 50/60 is 83.33% in 'organizations'"),
    ("percent of target disagrees", "  percent_of_target: 120\n", "  percent_of_target: 112\n",
     f"{NEW}:16:1: error: percent_of_target says 112% but 120/100 is 120%"),
    ("url not http", "url: https://example.org/a", "url: ftp://example.org/a",
     f"{NEW}:5:10: error: 'url' is not a web address: 'ftp://example.org/a'"),
    ("vietnamese thousands", "  admitted: 120\n", "  admitted: 1.200\n",
     f"{NEW}:17:13: error: 'admitted: 1.200' is written with a thousands separator"),
    ("good without inclusion", "  good_includes_excellent: true\n", "",
     f"{NEW}:11:3: error: it is not said whether 'good' includes 'excellent' in 'organizations'"),
]


@pytest.mark.parametrize("what,old,new,expected", CASES, ids=[c[0] for c in CASES])
def test_each_check_reports_its_problem(test_site: Path, capsys: pytest.CaptureFixture[str],
                                        what: str, old: str, new: str, expected: str) -> None:
    assert old in MINIMAL
    write(test_site, NEW, MINIMAL.replace(old, new, 1))
    code, lines = run_check(test_site, capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), "\n".join(lines)


def test_percent_within_written_precision_passes(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 92,94 for 79/85 = 92,941...: fine. 93,5 is not (covered above).
    write(test_site, NEW, MINIMAL.replace("percent: 83.33}", "percent: 83.3}"))
    assert run_check(test_site, capsys) == (0, [])


def test_committee_that_did_not_exist_that_year(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(test_site, "content/records/tuyen-quang/khoi-cac-co-quan/2022.yaml",
          MINIMAL.replace("lam-dong", "tuyen-quang").replace("year: 2018", "year: 2022"))
    code, lines = run_check(test_site, capsys)
    assert code == 1
    assert any("error: committee 'khoi-cac-co-quan' did not exist in 2022 (it existed …–2020)" in line for line in lines)


def test_path_disagrees_with_content(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(test_site, "content/records/lam-dong/khoi-cac-co-quan/2017.yaml", MINIMAL)
    code, lines = run_check(test_site, capsys)
    assert code == 1
    assert any(line.startswith("content/records/lam-dong/khoi-cac-co-quan/2017.yaml:3:7: error: the file's place "
                            "does not match its content; a record for province 'lam-dong', committee "
                            "'khoi-cac-co-quan', 2018 belongs at content/records/lam-dong/khoi-cac-co-quan/2018.yaml")
               for line in lines)


def test_two_records_for_the_same_committee_year_and_period(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(test_site, NEW, MINIMAL)
    write(test_site, NEW.replace(".yaml", ".yml"), MINIMAL)
    code, lines = run_check(test_site, capsys)
    assert code == 1
    assert any("error: a second record for lam-dong/khoi-cac-co-quan 2018 (full year); the first is " in line
               for line in lines)


def test_problems_are_sorted_and_all_reported(test_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(test_site, TRA_VINH, "percent: 92.94", "percent: 93.5")
    edit(test_site, LAM_DONG, "count: 2607,", "count: -1,")
    code, lines = run_check(test_site, capsys)
    assert code == 1
    assert len(lines) == 2
    assert lines == sorted(lines)
    assert lines[1].startswith(f"{TRA_VINH}:13:3: error: 'good' says 93.5% but 79/85 is 92.94%")


def test_strict_turns_warnings_into_failure(test_site: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import pipeline
    from generator.model.problems import Problems

    real = pipeline.load_site

    def with_a_warning(*args: object, **kwargs: object) -> object:
        """The real loading, plus one warning (no input gives a warning in `check` today)."""
        loaded = real(*args, **kwargs)  # type: ignore[arg-type]
        problems = next(a for a in (*args, *kwargs.values()) if isinstance(a, Problems))
        problems.add("content/pages/about.md", 1, 1, "a warning", "a hint", level="warning")
        return loaded

    monkeypatch.setattr(pipeline, "load_site", with_a_warning)
    code, lines = run_check(test_site, capsys)
    assert (code, lines) == (0, ["content/pages/about.md:1:1: warning: a warning; a hint"])
    code, lines = run_check(test_site, capsys, "--strict")
    assert (code, lines) == (1, ["content/pages/about.md:1:1: warning: a warning; a hint"])


def test_usage_errors_exit_2(test_site: Path) -> None:
    assert main(["check", "--site", str(test_site / "nowhere")]) == 2
    assert main(["check", "--bogus"]) == 2


@pytest.mark.parametrize("content", [
    b"", b"\x00\x01\x02", b"province: [", b"- a\n- b\n", b"\xff\xfe\x00", b"province: {a: b}\n",
    b"sources: 5\norganizations: [1, 2]\nadmissions: yes\ntargets: {}\n",
])
def test_broken_input_gives_located_errors_not_exceptions(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                          content: bytes) -> None:
    write(test_site, NEW, content)
    code, lines = run_check(test_site, capsys)  # an exception here would fail the test
    assert code == 1
    assert lines and all(line.startswith(f"{NEW}:") for line in lines), lines


# -- lineage of provinces (1 July 2025) and of committees -------------------------------------------------
def _registry(relative: str) -> dict:
    return yaml.safe_load((SITE / relative).read_text(encoding="utf-8"))


def _lineage_breaks() -> list[tuple[str, str, str]]:
    """For each old unit of the test site: (how it is broken, its slug, the new unit it names)."""
    data = _registry("content/provinces.yaml")
    cases = []
    for old in data["before_2025_07_01"]:
        cases.append(("dropped from merged_from", old["slug"], old["merged_into"]))
        other = next(n["slug"] for n in data["from_2025_07_01"] if old["slug"] not in n["merged_from"])
        cases.append(("merged_into another unit", old["slug"], other))
    return cases


@pytest.mark.parametrize("how,slug,new", _lineage_breaks(), ids=lambda v: str(v))
def test_province_lineage_must_agree_both_ways(test_site: Path, capsys: pytest.CaptureFixture[str],
                                               how: str, slug: str, new: str) -> None:
    data = _registry("content/provinces.yaml")
    old = next(p for p in data["before_2025_07_01"] if p["slug"] == slug)
    if how == "dropped from merged_from":
        unit = next(p for p in data["from_2025_07_01"] if p["slug"] == new)
        unit["merged_from"].remove(slug)
    else:
        old["merged_into"] = new
    write(test_site, "content/provinces.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    code, lines = run_check(test_site, capsys)
    assert code == 1
    expected = f"'{slug}' says it merged into '{new}', but that unit does not list it in merged_from"
    assert [line for line in lines if expected in line and line.startswith("content/provinces.yaml:")], lines


def _committee_links() -> list[tuple[str, int, str, str]]:
    """Every lineage link of the test site's committees: (province, index, key, link)."""
    return [(province, i, key, link) for province, items in _registry("content/committees.yaml").items()
            for i, c in enumerate(items) for key in ("predecessors", "successors") for link in c.get(key, ())]


@pytest.mark.parametrize("province,index,key,link", _committee_links(), ids=lambda v: str(v))
def test_committee_links_must_name_known_committees(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                    province: str, index: int, key: str, link: str) -> None:
    data = _registry("content/committees.yaml")
    committee = data[province][index]
    wrong = link.rpartition("/")[0] + "/khong-co" if "/" in link else "khong-co"
    committee[key] = [wrong if item == link else item for item in committee[key]]
    write(test_site, "content/committees.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    code, lines = run_check(test_site, capsys)
    assert code == 1
    expected = f"committee '{province}/{committee['id']}' links to unknown committee '{wrong}'"
    assert [line for line in lines if expected in line and line.startswith("content/committees.yaml:")], lines


def _validate(site: Path) -> tuple[int, list[str]]:
    from generator.load.site import load_site
    from generator.model.problems import Problems

    problems = Problems()
    load_site(site, problems)
    return (1 if problems.errors else 0), [str(p) for p in problems.sorted()]


# -- admissions: exceeded_by is admitted minus target -------------------------------------------------------
def _admissions(admitted: int, target: int, exceeded_by: int) -> str:
    head = MINIMAL.split("admissions:")[0]
    return head + f"admissions:\n  admitted: {admitted}\n  target: {target}\n  exceeded_by: {exceeded_by}\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 5000), st.integers(1, 5000), st.integers(-3, 3) | st.integers(-5000, 5000))
def test_exceeded_by_must_be_admitted_minus_target(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                  admitted: int, target: int, off: int) -> None:
    exceeded_by = max(0, admitted - target + off)
    write(test_site, NEW, _admissions(admitted, target, exceeded_by))
    code, lines = _validate(test_site)  # the load and validate stages only: rendering is not at issue here
    wrong = [line for line in lines if "exceeded_by is" in line]
    if exceeded_by == admitted - target:
        assert (code, lines) == (0, [])
    else:
        assert code == 1
        assert wrong == [f"{NEW}:19:3: error: exceeded_by is {exceeded_by} but {admitted} admitted - {target} target "
                         f"= {admitted - target}; check the figures against the article"], lines


# -- check and build agree: whatever build rejects, check reports at the same place -------------------------
THEME_TEMPLATES = Path(__file__).resolve().parent.parent / "generator" / "render" / "theme" / "templates"
TEMPLATE_MUTATIONS = {
    "empty if": "{% if %}", "unclosed expression": "{{ 1 + }}", "unknown filter": "{{ 1 | no_such_filter }}",
    "unknown variable": "{{ no_such_variable }}", "unknown tag": "{% no_such_tag %}",
    "stray endblock": "{% endblock %}", "attribute of nothing": "{{ page.no_such_field.x }}",
}
SETTINGS_MUTATIONS = {
    "unknown page type": "templates:\n  no_such_page: home.html\n",
    "misspelt page type": "templates:\n  provnce: province.html\n",
    "missing file": "templates:\n  home: no-such.html\n",
    "a number": "templates: 5\n",
    "a list": "templates:\n  - home.html\n",
    "broken file": "templates:\n  home: mine.html\n",
    "file with unknown variable": "templates:\n  year: other.html\n",
}


def _error_lines(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(args)
    err = capsys.readouterr().err
    return code, sorted(line for line in err.splitlines() if ": error: " in line)


def _agree(site: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run check and build on `site`; they must exit alike and report the same errors."""
    checked = _error_lines(["check", "--site", str(site)], capsys)
    built = _error_lines(["build", "--site", str(site), "--output", str(site.parent / "out")], capsys)
    assert checked == built
    return checked


def _override_cases() -> list[tuple[str, int, str]]:
    """Each mutation in one of the templates, at a line that moves through the file from case to case."""
    names = ["home.html", "province.html", "year.html", "404.html", "base.html", "macros.html"]
    cases = []
    for i, mutation in enumerate(sorted(TEMPLATE_MUTATIONS)):
        for name in (names[i % len(names)],):
            count = len((THEME_TEMPLATES / name).read_text(encoding="utf-8").split("\n"))
            cases.append((name, 1 + (7 * i + len(name)) % count, mutation))
    return cases


@pytest.mark.parametrize("name,number,mutation", _override_cases(), ids=lambda v: str(v))
def test_check_and_build_agree_on_template_overrides(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                     name: str, number: int, mutation: str) -> None:
    lines = (THEME_TEMPLATES / name).read_text(encoding="utf-8").split("\n")
    lines[number - 1] = TEMPLATE_MUTATIONS[mutation] + lines[number - 1]
    write(test_site, f"templates/{name}", "\n".join(lines))
    code, errors = _agree(test_site, capsys)
    if mutation in ("empty if", "unclosed expression", "unknown tag"):  # syntax: always an error at that line
        assert code == 1 and any(e.startswith(f"templates/{name}:{number}:") for e in errors), errors


@pytest.mark.parametrize("mutation", sorted(SETTINGS_MUTATIONS))
def test_check_and_build_agree_on_template_settings(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                    mutation: str) -> None:
    write(test_site, "templates/mine.html", '{% extends "base.html" %}\n{% block content %}\n{% if %}\n'
          "{% endblock %}\n")
    write(test_site, "templates/other.html", '{% extends "base.html" %}\n{% block content %}\n'
          "{{ no_such_variable }}\n{% endblock %}\n")
    edit(test_site, "site.yaml", "link_check: error\n", "link_check: error\n" + SETTINGS_MUTATIONS[mutation])
    code, errors = _agree(test_site, capsys)
    assert code == 1 and errors, mutation
    assert all(re.match(r"(site\.yaml|templates/\w+\.html):\d+:\d+: error: ", e) for e in errors), errors


# -- merged provinces are named as merged -----------------------------------------------------------------
def _merged_units() -> list[tuple[str, str]]:
    data = _registry("content/provinces.yaml")
    return [(p["slug"], p["merged_into"]) for p in data["before_2025_07_01"]
            if p["slug"] != p["merged_into"] and not any(n["slug"] == p["slug"] for n in data["from_2025_07_01"])]


@pytest.mark.parametrize("old,new", _merged_units(), ids=lambda v: str(v))
def test_a_record_after_the_merger_under_a_merged_province(test_site: Path, capsys: pytest.CaptureFixture[str],
                                                           old: str, new: str) -> None:
    from generator.load import validate
    from generator.load.registry import load as load_registry
    from generator.load.site import load_site
    from generator.model.problems import Problems

    registry = load_registry(test_site, Problems())
    site = load_site(test_site, Problems())
    assert site is not None and site.records
    record = replace(site.records[0], province=old, year=2026)
    problems = Problems()
    validate.check([record], registry, problems, 2026)
    old_name, new_name = registry.province(old, "old").name, registry.province(new, "new").name
    identity = [str(p) for p in problems.items if "merged" in p.message or "unknown province" in p.message]
    assert identity == [f"{record.path}:1:11: error: {old_name} was merged into {new_name} on 1 July 2025; "
                        f"records after that date belong under {new}; write 'province: {new}' and a committee "
                        f"of {new} from content/committees.yaml"]


# -- files saved on Windows: CRLF line ends and a UTF-8 byte order mark -------------------------------------
SAVED_AS = {"crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
            "bom": lambda t: ("\ufeff" + t).encode("utf-8"),
            "bom and crlf": lambda t: ("\ufeff" + t.replace("\n", "\r\n")).encode("utf-8")}


def _input_files(site: Path) -> list[Path]:
    return sorted(p for p in (site / "content").rglob("*") if p.suffix in (".yaml", ".yml", ".md"))


def _loaded(site: Path) -> tuple[str, list[str]]:
    from generator.load.site import load_site
    from generator.model.problems import Problems

    problems = Problems()
    loaded = load_site(site, problems)
    shown = re.sub(r"digest='\w+'", "", repr(loaded)).replace(str(site), "SITE")  # the digest is of the bytes
    return shown, [str(p) for p in problems.sorted()]


@pytest.mark.parametrize("saved_as", sorted(SAVED_AS))
def test_windows_files_load_the_same(test_site: Path, saved_as: str) -> None:
    before = _loaded(test_site)
    for path in [*_input_files(test_site), test_site / "site.yaml"]:
        path.write_bytes(SAVED_AS[saved_as](path.read_text(encoding="utf-8")))
    assert _loaded(test_site) == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data(), st.sampled_from(sorted(SAVED_AS)))
def test_windows_files_report_problems_at_the_same_lines(tmp_path_factory: pytest.TempPathFactory,
                                                         data: st.DataObject, saved_as: str) -> None:
    site = tmp_path_factory.mktemp("windows") / "site"
    shutil.copytree(SITE, site)
    files = [p for p in _input_files(site) if p.suffix != ".md"]
    path = data.draw(st.sampled_from(files))
    lines = path.read_text(encoding="utf-8").split("\n")
    at = data.draw(st.integers(1, len(lines)))
    bad = data.draw(st.sampled_from(["zz-unknown-key: 1", "  - [", "year: 6.027", "\tx: 1"]))
    path.write_text("\n".join(lines[:at] + [bad] + lines[at:]), encoding="utf-8")
    before = _loaded(site)
    path.write_bytes(SAVED_AS[saved_as](path.read_text(encoding="utf-8")))
    assert before[1], "the broken line was accepted"
    assert _loaded(site)[1] == before[1]


IDENTITY_CASES = [
    # (field, bad value, words of the message): each identity problem points at its own line
    ("province", "nowhere", "unknown province"),
    ("committee", "khoi-khong-co", "unknown committee"),
    ("year", "2099", "in the future"),
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(IDENTITY_CASES), padding=st.integers(0, 4), order=st.permutations(range(3)))
def test_identity_problems_point_at_their_line(test_site: Path, capsys: pytest.CaptureFixture[str],
                                               case: tuple[str, str, str], padding: int, order: list[int]) -> None:
    field, bad, words = case
    lines = MINIMAL.splitlines()
    identity = {line.split(":")[0]: line for line in lines[:3]}
    identity[field] = f"{field}: {bad}"
    head = ["# a comment line"] * padding + [identity[("province", "committee", "year")[i]] for i in order]
    text = "\n".join(head + lines[3:]) + "\n"
    (test_site / NEW).parent.mkdir(parents=True, exist_ok=True)
    (test_site / NEW).write_text(text, encoding="utf-8")
    assert main(["check", "--site", str(test_site)]) == 1
    err = capsys.readouterr().err
    line = head.index(identity[field]) + 1
    assert re.search(rf"^{re.escape(NEW)}:{line}:\d+: error: [^\n]*{words}", err, re.M), err
