"""Shared fixtures: a private copy of the portal's site to break or build in each test."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of site.yaml, content/ and templates/ in a temporary folder."""
    target = tmp_path / "site"
    target.mkdir()
    shutil.copy(ROOT / "site.yaml", target / "site.yaml")
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copytree(ROOT / "templates", target / "templates")
    return target
