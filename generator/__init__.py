"""Static-site generator for the portal of provincial party-committee bloc results."""
from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "party-bloc-portal"  # the project's name in pyproject.toml, where its version is set


def _version() -> str:
    """The version set in pyproject.toml: from the installed package's metadata, else (a source
    checkout run without installing it) read from pyproject.toml itself."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        pass
    try:
        text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return "0+unknown"
    project = re.search(r"^\[project\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S)
    found = re.search(r'^version\s*=\s*"([^"]+)"', project.group(1), re.M) if project else None
    return found.group(1) if found else "0+unknown"


__version__ = _version()
