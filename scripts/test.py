"""Install what the tests need, then run every test: the README's test command (CI runs it too).

Run it with the project's virtual environment (scripts/test.sh or the README's PowerShell line create
or reuse `.venv`). It installs the package with its test extras, on Debian/Ubuntu the Chromium, Java
runtime and npm the browser tests use when they are missing, the pinned Chart.js, axe-core and the
Nu HTML Checker from the npm registry, then runs the gates
(ruff, mypy) and pytest (the non-browser tests on every core, then the browser tests), and says how
long it all took. Extra arguments go to pytest instead.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the browser and standards tests use, by the command that shows it is there.
DEBIAN_PACKAGES = {"chromium": "chromium", "java": "default-jre-headless", "npm": "npm"}


def run(*cmd: str) -> None:
    subprocess.run(cmd, cwd=ROOT, check=True)


def apt_install(packages: list[str]) -> None:
    """Debian's packages the browser tests use; skipped off Debian (the README says what to install)."""
    if not packages or not shutil.which("apt-get"):
        return
    sudo = [] if os.getuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *packages], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def test_environment() -> dict[str, str]:
    """The environment pytest runs in: temporary folders in memory where the system offers it.

    The tests copy, build and delete small sites thousands of times; on Linux's /dev/shm (memory) that
    costs a fraction of what it costs on disk. A TMPDIR already set is kept."""
    env = dict(os.environ)
    shm = Path("/dev/shm")
    if "TMPDIR" not in env and shm.is_dir() and os.access(shm, os.W_OK):
        folder = shm / f"portal-tests-{os.getuid()}"
        folder.mkdir(exist_ok=True)
        env["TMPDIR"] = str(folder)
    return env


def main(args: list[str]) -> int:
    started = time.monotonic()
    py = sys.executable
    run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]")
    if sys.platform.startswith("linux"):
        apt_install([pkg for command, pkg in DEBIAN_PACKAGES.items() if not shutil.which(command)])
    run(py, "tests/browser/vendor.py")
    run(py, "-m", "ruff", "check", "generator", "tests", "scripts")
    run(py, "-m", "mypy")
    env = test_environment()
    if args:  # a chosen selection of tests, as given
        code = subprocess.run([py, "-m", "pytest", *args], cwd=ROOT, env=env).returncode
    else:  # the fast tests on every core, then the browser tests (one browser, one built site)
        fast = [py, "-m", "pytest", "-q", "-n", "auto", "--ignore=tests/browser"]
        code = subprocess.run(fast, cwd=ROOT, env=env).returncode
        code = subprocess.run([py, "-m", "pytest", "-q", "tests/browser"], cwd=ROOT, env=env).returncode or code
    print(f"Every test ran in {time.monotonic() - started:.0f} s (install included).")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
