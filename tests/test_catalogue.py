"""A generated catalogue of bad input across all six input kinds, run in-process through the CLI.

Each case breaks one thing in one file of a small site (tests/fixtures/catalogue) and asserts what a
maintainer must get: exit code 1, an error at `file:line` of the line that was broken, no traceback,
no raw control character echoed, and an answer rather than a hang (a watchdog stops a case that runs
longer than HANG_SECONDS; that is a hang detector, not a speed target).

Cases are generated, not listed: every `key: value` line of site.yaml, the two registries, the record
and the page's front matter meets every value mutation (aliases, anchors, tags, control and direction
characters, deep nesting, huge numbers, broken syntax) and the key mutations (duplicate, unknown);
every line of a template override meets template mutations; and every file meets the file-level
mutations (empty, a list instead of keys, not UTF-8, a folder, a FIFO, a dangling or looping link,
too large, an alias bomb).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalogue"
RECORD = "content/records/ha-noi/khoi-cac-co-quan/2024.yaml"
PAGE = "content/pages/about.md"
TEMPLATE = "templates/404.html"
YAML_FILES = ("site.yaml", "content/provinces.yaml", "content/committees.yaml", RECORD)
HANG_SECONDS = 20
_SLOT = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[A-Za-z_][\w-]*): (?P<value>[^\s>|&*!\[{#].*)$")
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# value mutations: replace the value of one `key: value` line
VALUE_MUTATIONS: dict[str, str] = {
    "alias": "*repeat",
    "anchor": "&mark 1",
    "python tag": "!!python/object/apply:os.system [echo]",
    "custom tag": "!secret x",
    "escape character": '"a\\eb"',
    "nul character": '"a\\0b"',
    "bell character": '"a\\ab"',
    "c1 control": '"a\\x85b"',
    "direction override": '"a\\u202eb"',
    "isolate": '"a\\u2066b"',
    "deep nesting": "[" * 60 + "]" * 60,
    "huge number": "9" * 400,
    "second colon": "a: b",
}


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    line: int
    apply: Callable[[Path], None]
    command: str = "check"


def _write(path: Path, data: bytes | str) -> None:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def _set_text(file: str, text: str) -> Callable[[Path], None]:
    return lambda site: _write(site / file, text)


def _set_bytes(file: str, data: bytes) -> Callable[[Path], None]:
    return lambda site: _write(site / file, data)


def _lines(file: str) -> list[str]:
    return (FIXTURE / file).read_text(encoding="utf-8").split("\n")


def _value_cases(file: str, step: int = 1) -> Iterator[Case]:
    """Every mutation on every `step`-th `key: value` line of `file`."""
    lines = _lines(file)
    slots = [(n, m) for n, line in enumerate(lines, 1) if (m := _SLOT.match(line))]
    for number, match in slots[::step]:
        for name, value in VALUE_MUTATIONS.items():
            changed = lines[:number - 1] + [f"{match['indent']}{match['key']}: {value}"] + lines[number:]
            yield Case(f"{file}:{number} {match['key']} {name}", file, number, _set_text(file, "\n".join(changed)))
        indent = " " * len(match["indent"])
        for name, extra in (("duplicate key", f"{indent}{match['key']}: {match['value']}"),
                            ("unknown key", f"{indent}zz-unknown-key: 1")):
            changed = lines[:number] + [extra] + lines[number:]
            yield Case(f"{file}:{number} {match['key']} {name}", file, number + 1, _set_text(file, "\n".join(changed)))


def _page_cases() -> Iterator[Case]:
    lines = _lines(PAGE)
    yield from (Case(c.name, c.file, c.line, c.apply) for c in _value_cases(PAGE) if c.line < lines.index("---", 1) + 1)
    for number in range(lines.index("---", 1) + 2, len(lines)):
        for name, char in (("escape", "\x1b"), ("nul", "\x00"), ("override", "\u202e")):
            changed = lines[:number - 1] + [lines[number - 1] + f" x{char}y"] + lines[number:]
            yield Case(f"{PAGE}:{number} body {name}", PAGE, number, _set_text(PAGE, "\n".join(changed)))


def _template_cases() -> Iterator[Case]:
    lines = _lines(TEMPLATE)
    for number in range(2, len(lines)):  # line 1 is the {% extends %}; a broken tag anywhere after it
        for name, text in (("empty if", "{% if %}"), ("unknown filter", "{{ 1 | no_such_filter }}"),
                           ("unclosed expression", "{{ 1 + }}")):
            if name == "unknown filter" and number == 2:
                continue  # before the block, in a child template: Jinja never compiles it (harmless)
            changed = lines[:number - 1] + [text + lines[number - 1]] + lines[number:]
            yield Case(f"{TEMPLATE}:{number} {name}", TEMPLATE, number, _set_text(TEMPLATE, "\n".join(changed)),
                       "build")


def _fifo(file: str) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        (site / file).unlink()
        os.mkfifo(site / file)
    return apply


def _folder(file: str) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        (site / file).unlink()
        (site / file).mkdir()
    return apply


def _link(file: str, to: str) -> Callable[[Path], None]:
    def apply(site: Path) -> None:
        (site / file).unlink()
        (site / file).symlink_to(to if to != "self" else site / file)
    return apply


def _can_link() -> bool:
    """Whether this system lets the tests make symbolic links (Windows needs a privilege for it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        try:
            (Path(tmp) / "link").symlink_to(Path(tmp) / "target")
        except OSError:  # pragma: no cover - Windows without developer mode
            return False
    return True


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(  # 9 * 4**20 items once expanded
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 4)}]\n" for i in range(20))


def _file_cases() -> Iterator[Case]:
    for file in (*YAML_FILES, PAGE):
        original = (FIXTURE / file).read_text(encoding="utf-8")
        yield Case(f"{file} empty", file, 1, _set_text(file, "" if file != PAGE else "---\n\n---\n"))
        first = original.split("\n", 1)[0].encode("utf-8")
        yield Case(f"{file} not utf-8", file, 2, _set_bytes(file, first + b"\nx: \xff\n"))
        yield Case(f"{file} recursive alias", file, 1, _set_text(file, "&r [*r]\n"))
        yield Case(f"{file} alias bomb", file, 1, _set_text(file, ALIAS_BOMB))
        yield Case(f"{file} 5000 deep", file, 1, _set_text(file, "[" * 5000 + "]" * 5000 + "\n"))
        yield Case(f"{file} too large", file, 1, _set_text(file, original + "#" * 2_100_000 + "\n"))
        yield Case(f"{file} folder in its place", file, 1, _folder(file))
        if _can_link():
            yield Case(f"{file} dangling link", file, 1, _link(file, "no-such-file.yaml"))
            yield Case(f"{file} looping link", file, 1, _link(file, "self"))
        if hasattr(os, "mkfifo"):
            yield Case(f"{file} fifo in its place", file, 1, _fifo(file))
        if file != PAGE:
            yield Case(f"{file} a list instead of keys", file, 1, _set_text(file, "- a\n- b\n"))
            yield Case(f"{file} a bare word", file, 1, _set_text(file, "hello\n"))
            yield Case(f"{file} escape in a comment's place", file, 1, _set_text(file, "\x1b[2J\n" + original))


# every line of the record and the page; every other (or third) line of the longer, repetitive files
STEPS = {"site.yaml": 2, "content/provinces.yaml": 3, "content/committees.yaml": 2, RECORD: 1}
CASES = [*(case for file in YAML_FILES for case in _value_cases(file, STEPS[file])), *_page_cases(),
         *_template_cases(), *_file_cases()]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("catalogue") / "site"
    shutil.copytree(FIXTURE, target)
    return target


def _restore(site: Path, file: str) -> None:
    path = site / file
    if path.is_symlink() or path.is_file() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
    shutil.copyfile(FIXTURE / file, path)


class Hung(Exception):
    pass


def _run(site: Path, case: Case) -> int:
    args = [case.command, "--site", str(site)]
    if case.command == "build":
        args += ["--output", str(site.parent / "out")]
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - Windows: no watchdog
        return main(args)

    def hung(signum: int, frame: object) -> None:
        raise Hung(case.name)

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    try:
        return main(args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(site: Path, case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    case.apply(site)
    try:
        code = _run(site, case)
    finally:
        _restore(site, case.file)
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert code == 1, err
    assert "Traceback" not in err + out
    assert not _RAW_CONTROL.search(err + out), "a control character was echoed raw"
    assert any(line.startswith(f"{case.file}:{case.line}:") for line in errors), "\n".join(errors)


def test_the_fixture_itself_is_good(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--site", str(site)]) == 0, capsys.readouterr().err


def test_catalogue_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 300
    kinds = {c.file for c in CASES}
    assert kinds == {*YAML_FILES, PAGE, TEMPLATE}
    assert sys.platform == "win32" or all(sum(c.file == k for c in CASES) >= 10 for k in kinds)
