"""Messages that lead to right data: a hint followed literally gives a record that means what the
article says. Values are generated, written the ways an article (or a hurried maintainer) writes
them, and each located problem's proposed fix is applied to its line before reading the file again."""
from __future__ import annotations

import datetime as dt
import gettext
import os
import shutil
import string
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.i18n import ENVIRONMENT, KEYWORDS, LANGS, Lang, Messages, catalogue, choose, later, messages
from generator.load import yamlfile
from generator.load.records import parse
from generator.load.site import load_site
from generator.model.problems import Problem, Problems
from generator.model.types import Record
from tests.goldens import SITE
from tests.test_bad_input import CASES, Case

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


def _read(text: str, folder: Path, lang: Lang = "en") -> tuple[Record | None, list[Problem]]:
    path = folder / "2018.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems(say=messages(lang))
    record = parse(yamlfile.load(path, "2018.yaml", problems), "2018.yaml", problems)
    return record, problems.sorted()


def _follow_hints(text: str, folder: Path, lang: Lang) -> tuple[Record | None, list[Problem]]:
    """Read, apply every proposed fix on its line (each fix's text must be in the hint), read again."""
    _, problems = _read(text, folder, lang)
    assert problems, "the badly written value was accepted"
    lines = text.split("\n")
    for problem in problems:
        assert problem.new, f"no literal fix proposed: {problem}"
        assert problem.new in problem.hint, f"the fix is not what the hint says: {problem}"
        line = lines[problem.line - 1]
        assert problem.old in line, (problem, line)
        lines[problem.line - 1] = line.replace(problem.old, problem.new, 1)
    return _read("\n".join(lines), folder, lang)


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
@given(st.data(), st.sampled_from(LANGS))
def test_following_a_hint_gives_what_the_article_says(tmp_path_factory: Any, data: st.DataObject, lang: Lang) -> None:
    key, written, meant = data.draw(st.composite(_case)())
    folder = tmp_path_factory.mktemp("hint")
    record, problems = _follow_hints(TEMPLATE.format(**{**DEFAULTS, key: written}), folder, lang)
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


# -- messages in the maintainers' language ------------------------------------------------------------------
GENERATOR = Path(__file__).resolve().parent.parent / "generator"
_PLACEHOLDER = string.Formatter()


def _code_msgids() -> set[str]:
    """Every msgid the code passes to `say(...)` or `later(...)`, as Babel's extractor finds them (the same
    extraction as `pybabel extract -k say -k later generator`)."""
    found = extract_from_dir(str(GENERATOR), method_map=[("**.py", "python")], keywords=KEYWORDS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in _PLACEHOLDER.parse(text) if name is not None}


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_message_has_a_translation_with_the_same_placeholders(lang: Lang) -> None:
    with catalogue(lang).open("rb") as po:
        translated = {m.id: m.string for m in read_po(po) if m.id}
    msgids = _code_msgids()
    assert len(msgids) >= 300
    assert sorted(m for m in msgids if not translated.get(m)) == [], "messages without a translation"
    assert sorted(set(translated) - msgids) == [], "translations of messages the code no longer has"
    wrong = [(m, translated[m]) for m in msgids if _placeholders(m) != _placeholders(str(translated[m]))]
    assert wrong == [], "placeholders differ between msgid and msgstr"


def test_messages_fill_in_their_placeholders() -> None:
    say = messages("vi")
    assert say("{errors} error(s), {warnings} warning(s)", errors=2, warnings=0) == "2 lỗi, 0 cảnh báo"
    assert messages("en")("OK: no errors, {warnings} warning(s)", warnings=1) == "OK: no errors, 1 warning(s)"
    nested = later("'{key}' should be {what}, not {kind}", key="year", what=later("a whole number"),
                   kind=later("a yes/no value"))
    assert say(nested) == "'year' phải là một số nguyên, không phải một giá trị đúng/sai"
    assert str(nested) == "'year' should be a whole number, not a yes/no value"


class _Marking(gettext.NullTranslations):
    """A stand-in language that wraps every translated text in « », so that text which did not go
    through the catalogue shows."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"


# Problems the catalogue finds after the load stage (rendering and writing), which load_site cannot show.
_AFTER_LOADING = ("template error", "output: error: the folder")


@pytest.mark.parametrize("case", [c for c in CASES if c.expected and not any(m in c.expected for m in _AFTER_LOADING)],
                         ids=lambda c: c.name)
def test_every_problem_goes_through_the_catalogue(site: Path, case: Case) -> None:
    """Each bad input of the catalogue is read in a language that marks what it translates: every
    problem's message and hint must be marked (an English literal would reach a Vietnamese maintainer)."""
    case.mutate(site)
    problems = Problems(say=Messages("vi", _Marking()))
    load_site(site, problems)
    assert problems.items, case.name
    unmarked = [str(p) for p in problems.items if not p.message.startswith("«") or (p.hint and not
                                                                                    p.hint.startswith("«"))]
    assert unmarked == []


def test_language_is_the_option_then_the_environment_then_the_site(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "site.yaml").write_text("title: x\nlanguage: vi\n", encoding="utf-8")
    monkeypatch.delenv(ENVIRONMENT)
    assert choose(None, tmp_path) == "vi"
    assert choose("en", tmp_path) == "en"
    monkeypatch.setenv(ENVIRONMENT, "en")
    assert choose(None, tmp_path) == "en"
    assert choose("vi", tmp_path) == "vi"
    (tmp_path / "site.yaml").write_text("language: en\n", encoding="utf-8")
    monkeypatch.delenv(ENVIRONMENT)
    assert choose(None, tmp_path) == "en"


def _bad_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    record = site / "content/records/lam-dong/khoi-cac-co-quan/2018.yaml"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(TEMPLATE.format(**{**DEFAULTS, "admitted": "6.027", "title": "Đảng bộ Khối “đạt”"}),
                      encoding="utf-8")
    return site


def test_a_vietnamese_site_is_answered_in_vietnamese_and_english_on_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    site = _bad_site(tmp_path)
    monkeypatch.delenv(ENVIRONMENT)
    assert main(["check", "-s", str(site)]) == 1
    err = capsys.readouterr().err
    assert ": lỗi: 'admitted: 6.027'" in err and err.rstrip().endswith("1 lỗi, 0 cảnh báo")
    assert main(["check", "-s", str(site), "--lang", "en"]) == 1
    assert capsys.readouterr().err.rstrip().endswith("1 error(s), 0 warning(s)")


# What each command prints in each language, for a Vietnamese site with one bad record: (command, the
# stream it prints on, a Vietnamese line, its English original).
SPOKEN = [
    ("check", "err", ": lỗi: 'admitted: 6.027' được viết có dấu phân cách hàng nghìn",
     ": error: 'admitted: 6.027' is written with a thousands separator"),
    ("build", "err", "Dựng trang không thành công: 1 lỗi", "Build failed: 1 error(s)"),
    ("--help", "out", "cách dùng: portal [-h] [-V] COMMAND", "usage: portal [-h] [-V] COMMAND"),
    ("check --help", "out", "tùy chọn:\n  -h, --help            hiện hướng dẫn này rồi thoát",
     "options:\n  -h, --help            show this help message and exit"),
    ("build --bogus", "err", "portal: lỗi: không nhận ra các tham số: --bogus",
     "portal: error: unrecognized arguments: --bogus"),
    ("extract missing.txt", "err", "missing.txt: lỗi: không đọc được bài báo dưới dạng văn bản UTF-8",
     "missing.txt: error: cannot read the article as UTF-8 text"),
    ("deploy", "err", "lỗi: {site} không nằm trong một kho git", "error: {site} is not inside a git repository"),
]
CHOICES = [([], {}, "vi"), (["--lang", "en"], {}, "en"), ([], {ENVIRONMENT: "en"}, "en"), (["-L", "vi"], {ENVIRONMENT: "en"}, "vi")]


@pytest.mark.parametrize("command,stream,vi,en", SPOKEN, ids=[s[0] for s in SPOKEN])
def test_each_command_speaks_vietnamese_by_default_and_english_on_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        command: str, stream: str, vi: str, en: str) -> None:
    site = _bad_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    for options, environment, lang in CHOICES:
        monkeypatch.delenv(ENVIRONMENT, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        main([*command.split(), "-s", str(site), *options] if "help" not in command else [*command.split(), *options],
             prog="portal")
        printed = getattr(capsys.readouterr(), stream)
        expected = (vi if lang == "vi" else en).format(site=site)
        # compared with runs of spaces as one: argparse aligns its columns differently by Python version
        assert " ".join(expected.split()) in " ".join(printed.split()), (options, environment, printed)


@pytest.mark.parametrize("options,environment,lang", CHOICES)
def test_serve_speaks_on_the_console_and_in_the_browser(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        options: list[str], environment: dict[str, str], lang: Lang) -> None:
    from generator.cli import language
    from generator.livereload.server import DevSite, _announce, make_app

    site = _bad_site(tmp_path)
    monkeypatch.delenv(ENVIRONMENT)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    dev = DevSite(site, tmp_path / "www", "/", say=language(["serve", "-s", str(site), *options]))
    assert dev.rebuild() is False
    _announce("0.0.0.0", 8000, 8001, "/", dev.say)
    err = capsys.readouterr().err
    seen: dict[str, str] = {}
    body = b"".join(make_app(dev)({"PATH_INFO": "/", "REQUEST_METHOD": "GET"},
                                  lambda status, headers: seen.setdefault("status", status))).decode()
    assert seen["status"].startswith("404")
    if lang == "vi":
        assert "Dựng trang không thành công; vẫn đang hiển thị bản dựng tốt gần nhất (1 lỗi" in err
        assert "Bản dựng mới bị lỗi — đang hiển thị bản cũ" in body and ": lỗi: &#x27;admitted: 6.027&#x27;" in body
        assert '<html lang="vi">' in body
        assert "Cổng 8000 đang bận" in err and "CẢNH BÁO: đang mở ở địa chỉ 0.0.0.0" in err
        assert "Đang xem trước tại http://0.0.0.0:8001/" in err
    else:
        assert "Port 8000 is busy" in err and "WARNING: listening on 0.0.0.0" in err
        assert "Build failed; still serving the last good site (1 error(s)" in err
        assert "The new build failed; the last good site is shown" in body and ": error: &#x27;admitted" in body


@pytest.mark.parametrize("options,environment,lang", CHOICES)
def test_serve_is_given_the_chosen_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str],
                                            environment: dict[str, str], lang: Lang) -> None:
    from generator.livereload import server

    site = _bad_site(tmp_path)
    monkeypatch.delenv(ENVIRONMENT)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    given: list[Messages] = []
    polled: list[bool] = []
    monkeypatch.setattr(server, "serve", lambda *args, say, poll: given.append(say) or polled.append(poll) or 0)
    assert main(["serve", "-s", str(site), *options]) == 0
    assert [say.lang for say in given] == [lang]
    assert main(["serve", "-s", str(site), "--poll", *options]) == 0
    assert polled == [False, True]


@pytest.mark.parametrize("message,vietnamese", [
    ("the following arguments are required: COMMAND", "cần ghi thêm: COMMAND"),
    ("argument -p/--port: invalid int value: 'x'", "tham số -p/--port: giá trị không hợp lệ (cần kiểu int): 'x'"),
    ("argument COMMAND: invalid choice: 'chek' (choose from 'check', 'build')",
     "tham số COMMAND: lựa chọn không hợp lệ: 'chek' (hãy chọn một trong: 'check', 'build')"),
    ("argument -s/--site: expected one argument", "tham số -s/--site: cần ghi một giá trị sau tùy chọn này"),
    ("something argparse may say one day", "something argparse may say one day"),
])
def test_argparse_errors_are_translated(message: str, vietnamese: str) -> None:
    from generator.cli import argparse_message

    assert argparse_message(message, messages("vi")) == vietnamese
    assert argparse_message(message, messages("en")) == message


@pytest.mark.parametrize("encoding", ["cp1252", "cp1258"])
@pytest.mark.parametrize("command", [["check"], ["serve", "--port", "0", "--bogus"], ["--help"]])
def test_vietnamese_messages_print_on_a_windows_console(tmp_path: Path, encoding: str, command: list[str]) -> None:
    site = _bad_site(tmp_path)
    environ = {**os.environ, "PYTHONIOENCODING": encoding, "PORTAL_LANG": "vi",
               "PYTHONPATH": str(GENERATOR.parent)}
    argv = [*command, "-s", str(site)] if command != ["--help"] else command
    result = subprocess.run([sys.executable, "-m", "generator", *argv], capture_output=True, env=environ)
    err = result.stderr.decode(encoding, errors="replace")
    out = result.stdout.decode(encoding, errors="replace")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    if command == ["check"]:
        assert result.returncode == 1, err
        assert "'admitted: 6.027'" in err and "cảnh báo".encode(encoding, errors="replace").decode(encoding) in err
    elif command == ["--help"]:
        assert result.returncode == 0 and "COMMAND" in out, err
    else:
        assert result.returncode == 2 and "--bogus" in err


def _after_loading(tmp_path: Path, kind: str) -> Path:
    """A Vietnamese test site whose records are fine but whose build fails later: a broken link in a
    template, a template error, or an output folder no build made."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    if kind == "link":
        (templates / "page.html").write_text('{% extends "base.html" %}{% block content %}'
                                             '<a href="{{ url(\'no-such-page/\') }}">x</a>{% endblock %}',
                                             encoding="utf-8")
    elif kind == "template":
        (templates / "page.html").write_text('{% extends "base.html" %}{% block content %}{{ 1 | nosuchfilter }}'
                                             '{% endblock %}', encoding="utf-8")
    else:
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    return site


@pytest.mark.parametrize("kind,vi,en", [
    ("link", "không dẫn tới trang nào; hãy sửa liên kết", "leads nowhere; fix the link"),
    ("template", ": lỗi: lỗi mẫu trang: ", ": error: template error: "),
    ("folder", "không do lệnh dựng trang tạo ra", "was not made by a build"),
])
def test_build_stage_problems_speak_the_maintainers_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        kind: str, vi: str, en: str) -> None:
    site = _after_loading(tmp_path, kind)
    monkeypatch.delenv(ENVIRONMENT)
    command = ["build", "-s", str(site), "--output", str(tmp_path / "out")]
    assert main(command) == 1
    assert vi in capsys.readouterr().err
    assert main([*command, "--lang", "en"]) == 1
    assert en in capsys.readouterr().err
