"""`python -m generator`: the command line from a source checkout.

Run with a Python that lacks the packages the portal needs (the system's, not the project's `.venv`),
it says which one is missing and how to install them, instead of a traceback that would read like a
problem in the site (and exit 1, which means "problems were found"). The message is in both
languages: the translations themselves need one of those packages.
"""
from __future__ import annotations

import sys
from pathlib import Path

MISSING_PACKAGES = 2  # the exit code, as for other errors in how a command was run


def _missing(package: str) -> str:
    """What to do when `package` cannot be imported: run with the project's virtual environment, or
    make it as the README's quick start does."""
    windows = sys.platform == "win32"
    venv = Path(__file__).resolve().parent.parent / ".venv"
    python = venv / ("Scripts/python.exe" if windows else "bin/python")
    shown = ".venv\\Scripts\\python" if windows else ".venv/bin/python"
    install = f"{'py' if windows else 'python3'} -m venv .venv && {shown} -m pip install -e ."
    step_vi = (f"chạy lệnh bằng Python của dự án: {shown} -m generator …" if python.exists() else
               f"cài một lần như README hướng dẫn (Quick start): {install}; rồi chạy {shown} -m generator …")
    step_en = (f"run commands with the project's Python: {shown} -m generator …" if python.exists() else
               f"install once as the README's quick start says: {install}; then run {shown} -m generator …")
    return (f"lỗi: Python này ({sys.executable}) thiếu gói '{package}' mà cổng dữ liệu cần; {step_vi}\n"
            f"error: this Python ({sys.executable}) lacks the package '{package}' the portal needs; {step_en}")


try:
    from generator.cli import MODULE_PROG, run
except ModuleNotFoundError as exc:
    package = (exc.name or "").partition(".")[0]
    if not package or package == "generator":  # the generator's own module: a bug, shown as one
        raise
    if hasattr(sys.stderr, "reconfigure"):  # a console that cannot show Vietnamese letters shows escapes
        sys.stderr.reconfigure(errors="backslashreplace")
    print(_missing(package), file=sys.stderr)
    sys.exit(MISSING_PACKAGES)

run(prog=MODULE_PROG)
