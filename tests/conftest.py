"""Shared fixtures: the test site built once, and private copies of a site to break or build."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.goldens import SITE, build_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the commands' messages in English (tests/test_messages.py covers the Vietnamese)."""
    monkeypatch.setenv("PORTAL_LANG", "en")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the portal's site.yaml, content/ and templates/ in a temporary folder."""
    target = tmp_path / "site"
    target.mkdir()
    shutil.copy(ROOT / "site.yaml", target / "site.yaml")
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copytree(ROOT / "templates", target / "templates")
    return target


@pytest.fixture
def test_site(tmp_path: Path) -> Path:
    """A copy of the small test site (tests/site/), to change and build."""
    target = tmp_path / "test-site"
    shutil.copytree(SITE, target)
    return target


@pytest.fixture(scope="session")
def test_site_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site built once per session; tests only read it."""
    output = tmp_path_factory.mktemp("test-site") / "output"
    build_site(output)
    return output
