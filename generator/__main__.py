"""`python -m generator`: the command line from a source checkout.

Run with a Python that lacks the packages the portal needs (the system's, not the project's `.venv`),
it runs the same command with the project's Python when the quick start made one, as the README's
`python -m generator check` expects. Otherwise it says which package is missing and how to install
them, instead of a traceback that would read like a problem in the site (and exit 1, which means
"problems were found"). The message is in both languages: the translations themselves need one of
those packages. Only the standard library is imported before the packages are found.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

MISSING_PACKAGES = 2  # the exit code, as for other errors in how a command was run
RERUN = "PORTAL_RERUN"  # set for the project's Python: if it lacks a package too, it says so and stops
WINDOWS = sys.platform == "win32"
SHOWN = ".venv\\Scripts\\python" if WINDOWS else ".venv/bin/python"


def _project_venv() -> Path:
    return Path(__file__).resolve().parent.parent / ".venv"


def _missing(package: str, rerun: bool) -> str:
    """What to do when `package` cannot be imported: make (or mend) the project's virtual environment
    as the README's quick start does."""
    install = f"{'py' if WINDOWS else 'python3'} -m venv .venv && {SHOWN} -m pip install -e ."
    where = f"Python của dự án ({sys.executable})" if rerun else f"Python này ({sys.executable})"
    where_en = f"the project's Python ({sys.executable})" if rerun else f"this Python ({sys.executable})"
    return (f"lỗi: {where} thiếu gói '{package}' mà cổng dữ liệu cần; cài như README hướng dẫn (Quick start): "
            f"{install}; rồi chạy lại lệnh\n"
            f"error: {where_en} lacks the package '{package}' the portal needs; install as the README's quick "
            f"start says: {install}; then run the command again")


def _run_with(python: Path) -> NoReturn:
    """The same command, run by `python`, whose exit code is this one's."""
    command = [str(python), "-m", "generator", *sys.argv[1:]]
    env = {**os.environ, RERUN: "1"}
    if not WINDOWS:
        os.execve(python, command, env)  # the same process: Ctrl+C and kill reach the command itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches both: the command cleans up and exits
    sys.exit(subprocess.run(command, env=env, check=False).returncode)


try:
    from generator.cli import MODULE_PROG, run
except ModuleNotFoundError as exc:
    package = (exc.name or "").partition(".")[0]
    if not package or package == "generator":  # the generator's own module: a bug, shown as one
        raise
    rerun = os.environ.get(RERUN) == "1"
    venv = _project_venv()
    python = venv / ("Scripts/python.exe" if WINDOWS else "bin/python")
    # Compared by environment, not by file: the venv's python is often a link to this very one.
    if not rerun and python.exists() and Path(sys.prefix).resolve() != venv.resolve():
        _run_with(python)
    if hasattr(sys.stderr, "reconfigure"):  # a console that cannot show Vietnamese letters shows escapes
        sys.stderr.reconfigure(errors="backslashreplace")
    print(_missing(package, rerun), file=sys.stderr)
    sys.exit(MISSING_PACKAGES)

run(prog=MODULE_PROG)
