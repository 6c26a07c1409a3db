"""Command-line conventions (as in MkDocs and Hugo): --version, -q/-v, short options, a description and
documented exit codes on every command, and a program name that is the one the maintainer typed."""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.cli import COMMANDS, MODULE_PROG, main, parser, prog_name

ROOT = Path(__file__).resolve().parent.parent


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--version", "-V"):
        assert main([flag], prog="portal") == 0
        assert capsys.readouterr().out.strip() == f"portal {__version__}"


@pytest.mark.parametrize("argv0,name", [("/usr/local/bin/portal", "portal"), (r"C:\venv\Scripts\portal.exe", "portal"),
                                        ("/x/generator/__main__.py", MODULE_PROG), ("-m", MODULE_PROG)])
def test_the_program_names_itself_as_it_was_started(argv0: str, name: str) -> None:
    assert prog_name(argv0.replace("\\", "/")) == name


def test_python_dash_m_says_so_in_its_help() -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0 and result.stdout.startswith(f"usage: {MODULE_PROG} ")


def test_the_process_ends_with_everything_said_and_the_commands_exit_code(test_site: Path, tmp_path: Path) -> None:
    """`python -m generator` ends its process at once when the command is done: what it printed to a
    pipe (block-buffered without PYTHONUNBUFFERED) still arrives, and its exit code is the command's."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | {"PYTHONPATH": str(ROOT)}
    built = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(test_site), "--output",
                            str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert built.returncode == 0 and (tmp_path / "out" / "index.html").is_file()
    assert re.search(r"\b11 (bản ghi|records)\b", built.stdout + built.stderr)
    missing = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(tmp_path / "none")],
                             capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "no such site folder" in missing.stderr
    version = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout == f"{MODULE_PROG} {__version__}\n"


def test_every_command_is_listed_described_and_documents_its_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    subparsers = _subparsers()
    assert sorted(subparsers) == sorted(COMMANDS)
    assert main(["--help"], prog="portal") == 0
    top = capsys.readouterr().out
    assert top.startswith("usage: portal ")
    for name, sp in subparsers.items():
        assert f"    {name} " in top, f"{name} is missing from --help"
        assert sp.description and sp.epilog
        assert main([name, "--help"], prog="portal") == 0
        text = capsys.readouterr().out
        assert text.startswith(f"usage: portal {name} ")
        for code in ("0", "1", "2", "130"):
            assert f"\n  {code} " in text, f"exit code {code} of {name} is not documented"


def test_the_readme_documents_every_commands_exit_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"| `{name}` |" in readme, name


@pytest.mark.parametrize("short,long", [("-s", "--site"), ("-q", "--quiet"), ("-v", "--verbose"), ("-L", "--lang")])
def test_short_options_on_every_command(short: str, long: str) -> None:
    for name, sp in _subparsers().items():
        if name == "init" and long == "--site":
            continue
        assert sp._option_string_actions[short] is sp._option_string_actions[long], (name, short)


def test_common_short_options() -> None:
    subparsers = _subparsers()
    for name, short, long in [("build", "-o", "--output"), ("build", "-b", "--base-url"), ("serve", "-p", "--port"),
                              ("deploy", "-b", "--base-url"), ("deploy", "-r", "--remote"), ("extract", "-w", "--write")]:
        sp = subparsers[name]
        assert sp._option_string_actions[short] is sp._option_string_actions[long], (name, short)


def test_quiet_and_verbose(test_site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-s", str(test_site), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["check", "-s", str(test_site)]) == 0
    assert capsys.readouterr().out.startswith("OK: no errors")
    assert main(["build", "-s", str(test_site), "-o", str(tmp_path / "out"), "-v"]) == 0
    captured = capsys.readouterr()
    assert "Stage done: swapped" in captured.err and captured.out.startswith("Built ")
    assert main(["build", "-s", str(test_site), "-o", str(tmp_path / "out"), "-q"]) == 0
    assert capsys.readouterr() == ("", "")


# -- a new portal in five minutes ----------------------------------------------------------------------------
SKELETON = ROOT / "generator" / "skeleton"
_DOC = re.compile(r"docs/[\w.-]+\.md")


def test_the_skeleton_points_only_at_docs_it_ships(tmp_path: Path) -> None:
    from generator.commands.init import init

    written = set(init(tmp_path / "new"))
    named = {doc for f in SKELETON.rglob("*") if f.is_file() for doc in _DOC.findall(f.read_text(encoding="utf-8"))}
    assert named and sorted(named - written) == []
    for doc in named:
        assert (SKELETON / doc).read_bytes() == (ROOT / doc).read_bytes(), f"{doc}: the skeleton's copy is stale"


def _documented_keys() -> dict[str, tuple[str, ...]]:
    from generator.load import records, registry
    from generator.model.types import COMMITTEE_KINDS, PROVINCE_TYPES

    found: dict[str, tuple[str, ...]] = {"committee kinds": COMMITTEE_KINDS, "province types": PROVINCE_TYPES}
    for module in (records, registry):
        found.update({name: getattr(module, name) for name in dir(module) if name.endswith("_KEYS")})
    return found


@pytest.mark.parametrize("group", sorted(_documented_keys()))
def test_data_format_names_every_key_and_kind(group: str) -> None:
    doc = (ROOT / "docs/data-format.md").read_text(encoding="utf-8")
    assert [key for key in _documented_keys()[group] if f"`{key}" not in doc] == []


def test_the_documented_committee_example_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The docs' 'Adding a committee' example, added to a new portal, passes the check."""
    from generator.commands.init import init

    doc = (ROOT / "docs/data-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Adding a committee"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", section.index("```yaml\n") + 8)]
    site = tmp_path / "new"
    init(site)
    provinces = (site / "content/provinces.yaml").read_text(encoding="utf-8")
    assert "slug: lam-dong" in provinces
    with (site / "content/committees.yaml").open("a", encoding="utf-8") as fh:
        fh.write(example)
    assert main(["check", "-s", str(site)]) == 0, capsys.readouterr().err


def test_a_python_without_the_portals_packages_runs_the_command_with_the_projects(tmp_path: Path) -> None:
    """The README's `python -m generator check`, typed with a Python that has none of the portal's packages
    (here the interpreter the virtual environment was made from, without its site-packages): once the
    quick start made .venv, the command runs with it and gives its own answer and exit code."""
    bare = [sys._base_executable, "-S", "-m", "generator"]  # type: ignore[attr-defined]
    done = subprocess.run([*bare, "check"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    gone = subprocess.run([*bare, "check", "-s", str(tmp_path / "none")], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")
    if (ROOT / ".venv").is_dir():  # as scripts/test.sh runs the tests
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        assert gone.returncode == 2 and "none" in gone.stderr and "lacks the package" not in gone.stderr
    else:
        assert done.returncode == 2 and "lacks the package" in done.stderr


def test_a_python_without_the_portals_packages_is_told_how_to_install_them(tmp_path: Path) -> None:
    """`python -m generator` run with a Python that lacks a package the portal needs (the system's, not
    the project's .venv) says which one and how to install them, in both languages, and exits 2: not
    a traceback and exit 1, which would read as problems found in the site."""
    stub = tmp_path / "without" / "babel"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('raise ModuleNotFoundError("No module named \'babel\'", name="babel")\n',
                                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "check"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONPATH": str(stub.parent)})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "thiếu gói 'babel'" in done.stderr and "lacks the package 'babel'" in done.stderr
    assert ".venv" in done.stderr  # the project's Python, or how to make it
