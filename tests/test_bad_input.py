"""A catalogue of bad input, each with the message a maintainer gets. Nothing ends in a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main
from generator.load import yamlfile
from generator.load.records import parse
from generator.load.site import load_site
from generator.model.problems import Problem, Problems
from tests.test_check import MINIMAL, NEW

Mutation = Callable[[Path], None]


def record(text: str | bytes) -> Mutation:
    def apply(site: Path) -> None:
        path = site / NEW
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return apply


def minimal(old: str, new: str) -> Mutation:
    assert old in MINIMAL, old
    return record(MINIMAL.replace(old, new, 1))


def append_site_yaml(text: str) -> Mutation:
    def apply(site: Path) -> None:
        with open(site / "site.yaml", "a", encoding="utf-8") as fh:
            fh.write(text)
    return apply


def replace_in(relative: str, old: str, new: str) -> Mutation:
    def apply(site: Path) -> None:
        path = site / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def template(name: str, text: str) -> Mutation:
    def apply(site: Path) -> None:
        (site / "templates" / name).write_text(text, encoding="utf-8")
    return apply


def outside_link(kind: str) -> Mutation:
    def apply(site: Path) -> None:
        outside = site.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / "2018.yaml").write_text(MINIMAL, encoding="utf-8")
        if kind == "file":
            target = site / NEW
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(outside / "2018.yaml")
        else:
            (site / "content/records/lam-dong/linked").symlink_to(outside, target_is_directory=True)
    return apply


def inside_link(site: Path) -> None:
    """A record file that is a link to a file elsewhere in the site: read as the file it leads to."""
    (site / "notes").mkdir(exist_ok=True)
    (site / "notes/2018.yaml").write_text(MINIMAL, encoding="utf-8")
    (site / NEW).symlink_to(Path("../../../../notes/2018.yaml"))


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Mutation
    expected: str  # a substring of one reported line; "" when the input must be accepted
    command: str = "check"


LONG = "x" * 6000
CASES = [
    Case("unclosed bracket", minimal("year: 2018\n", "year: [2018\n"), f"{NEW}:4:8: error: this is not valid YAML"),
    Case("bad indentation", minimal("  rated: 60\n", "   rated: 60\n  x: 1\n"), f"{NEW}:11:3: error: this is not valid YAML"),
    Case("two documents", record(MINIMAL + "---\nyear: 2019\n"), f"{NEW}:20:1: error: this is not valid YAML"),
    Case("tab indentation", minimal("  rated: 60\n", "\trated: 60\n"), f"{NEW}:10:1: error: a tab character is used for indentation; indent with spaces only"),
    Case("utf-8 bom is accepted", record("\ufeff" + MINIMAL), ""),
    Case("crlf line ends are accepted", record(MINIMAL.replace("\n", "\r\n")), ""),
    Case("leading zero is decimal, not octal", minimal("  completed: 8\n", "  completed: 08\n"), ""),
    Case("not utf-8", record(MINIMAL.encode("utf-8").replace("Báo".encode(), b"B\xe1o")), f"{NEW}:6:1: error: the file is not UTF-8 text (byte 0xE1); save the file with UTF-8 encoding"),
    Case("empty file", record(""), f"{NEW}:1:1: error: the file is empty"),
    Case("only comments", record("# nothing yet\n"), f"{NEW}:1:1: error: the file is empty"),
    Case("a list instead of a record", record("- province: lam-dong\n"), f"{NEW}:1:1: error: a record should be a group of 'key: value' lines"),
    Case("duplicate key", minimal("year: 2018\n", "year: 2018\nyear: 2018\n"), f"{NEW}:4:1: error: duplicate key 'year' (also at line 3)"),
    Case("duplicate nested key", minimal("  excellent: 10\n", "  excellent: 10\n  excellent: 11\n"), f"{NEW}:14:3: error: duplicate key 'excellent' (also at line 13)"),
    Case("thousands separator quoted", minimal("  admitted: 120\n", '  admitted: "6.027"\n'), f"{NEW}:17:13: error: 'admitted: 6.027' is written with a thousands separator, which YAML reads as a decimal fraction or as text; write 6027"),
    Case("thousands separator bare", minimal("  admitted: 120\n", "  admitted: 6.027\n"), f"{NEW}:17:13: error: 'admitted: 6.027' is written with a thousands separator"),
    Case("percent with comma and sign", minimal("percent: 83.33}", 'percent: "83,33%"}'), f"{NEW}:12:30: error: 'percent: 83,33%' is written the Vietnamese way; write 83.33 (a dot for the decimal point, no % sign)"),
    Case("percent with comma", minimal("percent: 83.33}", "percent: 83,33}"), f"{NEW}:12:33: error: '33' after 'percent: 83' looks like the decimals of 83.33 written with a decimal comma; write percent: 83.33"),
    Case("percent with sign", minimal("percent: 83.33}", 'percent: "83.33%"}'), f"{NEW}:12:30: error: 'percent: 83.33%' is written the Vietnamese way; write 83.33"),
    Case("date day/month/year", minimal("published: 2019-01-10", "published: 10/01/2019"), f"{NEW}:7:16: error: 'published: 10/01/2019' is written day/month/year; write dates as year-month-day: 2019-01-10"),
    Case("impossible date", minimal("published: 2019-01-10", "published: 2019-02-30"), f"{NEW}:7:16: error: 'published' should be a date, not '2019-02-30'"),
    Case("yes/no instead of true/false", minimal("good_includes_excellent: true", "good_includes_excellent: yes"), f"{NEW}:11:28: error: 'good_includes_excellent' should be true or false, not 'yes'; write true or false"),
    Case("on as text", minimal("publisher: Báo Lâm Đồng", "publisher: on"), f"{NEW}:6:16: error: 'publisher' should be text, but YAML reads on as true; put it in quotes: \"on\""),
    Case("no as text", minimal("title: Tổng kết năm 2018", "title: no"), f"{NEW}:8:12: error: 'title' should be text, but YAML reads no as false"),
    Case("number as text", minimal("title: Tổng kết năm 2018", "title: 2018"), f"{NEW}:8:12: error: 'title' should be text, not a number; put it in quotes: \"2018\""),
    Case("exponent 1e3", minimal("  admitted: 120\n", "  admitted: 1e3\n"), f"{NEW}:17:13: error: 'admitted' should be a whole number, not '1e3'"),
    Case("hexadecimal 0x10", minimal("  admitted: 120\n", "  admitted: 0x10\n"), f"{NEW}:17:13: error: 'admitted' should be a whole number, not '0x10'"),
    Case("infinite percent", minimal("percent: 83.33}", "percent: .inf}"), f"{NEW}:12:30: error: 'percent' should be a number, not '.inf'"),
    Case("not a number", minimal("  admitted: 120\n", "  admitted: .nan\n"), f"{NEW}:17:13: error: 'admitted' should be a whole number, not '.nan'"),
    Case("yes as a count", minimal("  admitted: 120\n", "  admitted: yes\n"), f"{NEW}:17:13: error: 'admitted' should be a whole number, not a yes/no value"),
    Case("negative count", minimal("  completed: 8\n", "  completed: -8\n"), f"{NEW}:14:14: error: 'completed' is -8, below 0; counts cannot be negative"),
    Case("absurd count", minimal("  admitted: 120\n", "  admitted: 99999999999\n"), f"{NEW}:17:13: error: 'admitted' is 99999999999, above the plausible maximum of 10000000"),
    Case("absurd percent", minimal("  percent_of_target: 120\n", "  percent_of_target: 1500\n"), f"{NEW}:19:22: error: 'percent_of_target' is 1500, above the plausible maximum of 1000"),
    Case("year in the future", minimal("year: 2018", "year: 2099"), f"{NEW}:3:7: error: the year 2099 is in the future"),
    Case("year too early", minimal("year: 2018", "year: 1800"), f"{NEW}:3:7: error: 'year' is 1800, below 1930"),
    Case("province id with ../", minimal("province: lam-dong", "province: ../../etc"), f"{NEW}:1:11: error: 'province: ../../etc' is not a valid id"),
    Case("committee id with ../", minimal("committee: khoi-cac-co-quan", "committee: ../khoi"), f"{NEW}:2:12: error: 'committee: ../khoi' is not a valid id"),
    Case("record linked from outside", outside_link("file"), f"{NEW}: error: this record is a link to a file outside the site"),
    Case("folder linked from outside", outside_link("dir"), "content/records/lam-dong/linked: error: this folder is a link to a folder outside the site"),
    Case("very long text", minimal("title: Tổng kết năm 2018", f"title: {LONG}"), f"{NEW}:8:12: error: 'title' is 6000 characters long; shorten it to at most 5000 characters"),
    Case("direction override", minimal("title: Tổng kết năm 2018", "title: Tổng kết \u202enăm 2018"), f"{NEW}:8:12: error: 'title' contains an invisible text-direction character (U+202E)"),
    Case("javascript url", minimal("url: https://example.org/a", "url: javascript:alert(1)"), f"{NEW}:5:10: error: 'url' is not a web address: 'javascript:alert(1)'"),
    Case("data url", minimal("url: https://example.org/a", "url: data:text/html,x"), f"{NEW}:5:10: error: 'url' is not a web address"),
    Case("no sources", minimal("sources:\n  - url: https://example.org/a\n    publisher: Báo Lâm Đồng\n    published: 2019-01-10\n    title: Tổng kết năm 2018\n", "sources: []\n"), f"{NEW}:4:1: error: the record has no source"),
    Case("quarter without number", minimal("year: 2018\n", "year: 2018\nperiod: {kind: quarter}\n"), f"{NEW}:4:9: error: a quarter needs its number"),
    Case("unknown period", minimal("year: 2018\n", "year: 2018\nperiod: {kind: quý}\n"), f"{NEW}:4:16: error: 'kind' cannot be 'quý'; use one of: full_year, quarter"),
    Case("unknown target metric", record(MINIMAL + "targets:\n  - {metric: admision, period: '2019', unit: count, value: 100}\n"), f"{NEW}:21:14: error: 'metric' cannot be 'admision'; did you mean 'admissions'?"),
    Case("site.yaml unknown key", append_site_yaml("titel: x\n"), "site.yaml:30:1: error: unknown key 'titel' in site.yaml; did you mean 'title'?"),
    Case("site.yaml bad base_url", replace_in("site.yaml", "base_url: /", "base_url: portal"), "site.yaml:9:11: error: base_url 'portal' is neither a path nor a web address"),
    Case("site.yaml bad integrity", replace_in("site.yaml", "integrity: sha384-", "integrity: md5-"), "error: chartjs integrity is not an SRI hash"),
    Case("site.yaml output outside", replace_in("site.yaml", "output_dir: output", "output_dir: ../elsewhere"), "site.yaml:10:13: error: output_dir may not leave the site folder"),
    Case("page without title", replace_in("content/pages/about.md", "title: Giới thiệu\n", ""), "content/pages/about.md:2:1: error: missing required key 'title'"),
    Case("unknown template page type", append_site_yaml("templates:\n  provnce: x.html\n"), "site.yaml:31:3: error: unknown page type 'provnce' under 'templates'", "build"),
    Case("missing template", append_site_yaml("templates:\n  province: missing.html\n"), "site.yaml:31:13: error: template 'missing.html' for 'province' pages does not exist", "build"),
    Case("template syntax error", template("404.html", '{% extends "base.html" %}\n{% block content %}\n{% if %}\n{% endblock %}\n'), "templates/404.html:3:1: error: template error: Expected an expression", "build"),
    Case("template runtime error", template("404.html", '{% extends "base.html" %}\n{% block content %}\n\n{{ no_such_thing.x }}\n{% endblock %}\n'), "templates/404.html:4:1: error: template error: 'no_such_thing' is undefined", "build"),
]


def output_at(where: Callable[[Path], str]) -> Mutation:
    def apply(site: Path) -> None:
        replace_in("site.yaml", "output_dir: output", f"output_dir: {where(site)}")(site)
    return apply


def file_at(relative: str, text: str) -> Mutation:
    def apply(site: Path) -> None:
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    return apply


def link_at(relative: str, to: str) -> Mutation:
    return lambda site: (site / relative).symlink_to(to)


OUT = "site.yaml:10:13: error: the output folder"
CASES += [
    Case("output_dir is the site", output_at(lambda s: "."), f"{OUT} is the site folder itself"),
    Case("output_dir is the site, absolutely", output_at(str), f"{OUT} is the site folder itself"),
    Case("output_dir holds the site", output_at(lambda s: str(s.parent)), "contains the site folder"),
    Case("output_dir is content", output_at(lambda s: "content"), f"{OUT} is inside the site's content folder"),
    Case("output_dir inside templates", output_at(lambda s: "templates/out"), f"{OUT} is inside the site's templates"),
    Case("output_dir inside .git", output_at(lambda s: ".git/out"), f"{OUT} is inside the site's .git folder"),
    Case("output folder not made by a build", file_at("output/my-notes.txt", "keep me"),
         "output: error: the folder", "build"),
    Case("base_url to another host", replace_in("site.yaml", "base_url: /", "base_url: //evil.example/"),
         "site.yaml:9:11: error: base_url '//evil.example/' is neither a path nor a web address"),
    Case("base_url with a quote", replace_in("site.yaml", "base_url: /", "base_url: /a'b/"),
         "site.yaml:9:11: error: base_url '/a'b/' is neither"),
    Case("base_url javascript", replace_in("site.yaml", "base_url: /", "base_url: javascript:alert(1)"),
         "site.yaml:9:11: error: base_url 'javascript:alert(1)' is neither"),
    Case("chartjs version not exact", replace_in("site.yaml", "version: 4.5.1", "version: latest"),
         "site.yaml:15:12: error: chartjs version 'latest' is not valid"),
    Case("chartjs cdn not https",
         replace_in("site.yaml", "cdn: https://cdn.jsdelivr.net/npm/", "cdn: http://x.example/"),
         "site.yaml:18:8: error: chartjs cdn 'http://x.example/' is not valid"),
    Case("chartjs cdn adds a source", replace_in("site.yaml", "cdn: https://cdn.jsdelivr.net/npm/",
                                                 "cdn: \"https://cdn.jsdelivr.net/npm/ 'unsafe-inline'\""),
         "site.yaml:18:8: error: chartjs cdn"),
    Case("chartjs file leaves the package", replace_in("site.yaml", "file: dist/chart.umd.min.js", "file: ../../x.js"),
         "site.yaml:16:9: error: chartjs file '../../x.js' is not valid"),
    Case("page slug takes a section", file_at("content/pages/search.md", "---\ntitle: Tìm\n---\nx\n"),
         "content/pages/search.md:1:1: error: the page address /search/ is already used"),
    Case("page slug takes en", file_at("content/pages/en.md", "---\ntitle: En\n---\nx\n"),
         "content/pages/en.md:1:1: error: the page address /en/ is already used"),
    Case("front matter error at its line", replace_in("content/pages/about.md", "title: Giới thiệu\n",
                                                      "title: Giới thiệu\nordre: 2\n"),
         "content/pages/about.md:3:1: error: unknown key 'ordre'"),
    Case("names empty", replace_in("content/committees.yaml",
                                   "    names:\n      - name: Đảng bộ Khối các cơ quan tỉnh Phú Thọ\n", "    names: []\n"),
         "content/committees.yaml:15:12: error: 'names' is empty"),
    Case("committee registry is a list", file_at("content/committees.yaml", "- phu-tho\n"),
         "content/committees.yaml:1:1: error: the committee registry should be a group of keys"),
    Case("committee link at its line", replace_in("content/committees.yaml", "predecessors: [khoi-cac-co-quan]",
                                                  "predecessors: [khoi-cac-co-quann]"),
         "content/committees.yaml:27:20: error: committee 'phu-tho/dang-bo-cac-co-quan-dang' links to unknown"),
    Case("lineage at its line", replace_in("content/provinces.yaml", "merged_into: ha-noi", "merged_into: hue"),
         "content/provinces.yaml:18:18: error: 'ha-noi' says it merged into 'hue'"),
    Case("record linked to nowhere", link_at(NEW, "/nonexistent/2018.yaml"),
         f"{NEW}:1:1: error: cannot read the file (it is a link to something that does not exist"),
    Case("record linked to a file inside the site", inside_link, ""),
    Case("template linked from outside", link_at("templates/evil.html", "/etc/hostname"),
         "templates/evil.html:1:1: error: this template is a link to something outside the site"),
    Case("escape character in a record", minimal("title: Tổng kết năm 2018", 'title: "Tổng kết\\e[2J"'),
         f"{NEW}:8:12: error: 'title' contains an invisible control character (U+001B)"),
    Case("nul in a record", minimal("publisher: Báo Lâm Đồng", 'publisher: "Báo\\0"'),
         f"{NEW}:6:16: error: 'publisher' contains an invisible control character (U+0000)"),
    Case("alias in a record", minimal("  rated: 60\n", "  rated: &n 60\n  total: *n\n"),
         f"{NEW}:10:10: error: an anchor (&n) marks a part of the file for repeating"),
    Case("year with 40 digits", minimal("year: 2018", "year: " + "9" * 40),
         f"{NEW}:3:7: error: this number has 40 digits"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(site: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    case.mutate(site)
    code = main([case.command, "--site", str(site)])
    err = capsys.readouterr().err
    if not case.expected:
        assert code == 0, err
        return
    assert code == 1
    lines = [line for line in err.splitlines() if ": error: " in line]
    assert any(case.expected in line for line in lines), "\n".join(lines)
    assert "Traceback" not in err


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 40


def test_leading_zero_reads_as_decimal(site: Path) -> None:
    minimal("  completed: 8\n", "  completed: 010\n")(site)
    problems = Problems()
    loaded = load_site(site, problems)
    assert loaded is not None
    rec = next(r for r in loaded.records if r.path == NEW)
    assert rec.organizations.completed.count == 10  # YAML 1.1 would read 010 as octal 8


@pytest.mark.parametrize("case", [c for c in CASES if c.expected][::6], ids=lambda c: c.name)
def test_no_traceback_from_the_command_line(site: Path, case: Case) -> None:
    case.mutate(site)
    result = subprocess.run([sys.executable, "-m", "generator", case.command, "--site", str(site)],
                            capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert case.expected in result.stderr



def _record_problems(site: Path) -> list[Problem]:
    """The problems of the new record alone (read without the rest of the portal, which is large)."""
    problems = Problems()
    parse(yamlfile.load(site / NEW, NEW, problems), NEW, problems)
    return problems.sorted()


FIXABLE = [c for c in CASES if c.expected.startswith(f"{NEW}:")]


@pytest.mark.parametrize("case", FIXABLE, ids=lambda c: c.name)
def test_a_literal_hint_followed_fixes_its_problem(site: Path, case: Case) -> None:
    """Each catalogue case whose hint proposes literal text: written in, that problem is gone and
    nothing new is wrong on that line."""
    case.mutate(site)
    fixes = [p for p in _record_problems(site) if p.new]
    if not fixes:
        return  # this case's hint asks for judgement (check the article), not for literal text
    assert all(p.new in p.hint for p in fixes), fixes
    lines = (site / NEW).read_text(encoding="utf-8").split("\n")
    for problem in fixes:
        assert problem.old in lines[problem.line - 1], problem
        lines[problem.line - 1] = lines[problem.line - 1].replace(problem.old, problem.new, 1)
    (site / NEW).write_text("\n".join(lines), encoding="utf-8")
    assert [str(p) for p in _record_problems(site) if any(p.line == f.line for f in fixes)] == []


def test_the_catalogue_has_literal_hints(site: Path) -> None:
    literal = 0
    for case in FIXABLE:
        if (site / NEW).exists() or (site / NEW).is_symlink():  # a link to nowhere does not "exist"
            (site / NEW).unlink()
        case.mutate(site)
        if (site / NEW).is_file() and not (site / NEW).is_symlink():
            literal += any(p.new for p in _record_problems(site))
    assert literal >= 8
