"""Shared fixtures: the test site and the portal built once, and private copies of a site to break or build.

What the tests only read is built once per test process (session- or module-scoped fixtures); every
build in a process draws each share card and compiles each template once (`drawn_and_compiled_once`);
under pytest-xdist, a module with an expensive module-scoped fixture runs on one worker (`xdist_group`).
A test that changes a site works on its own copy (`site`, `test_site`, `test_site_at_root`)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from generator.output import share_cards
from generator.render.renderer import MemoryBytecodeCache
from tests.goldens import SITE, build_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """With `-n` (pytest-xdist) and no other --dist, tests are sent to workers as with the default `load`,
    except that the tests of a module marked `xdist_group` all go to one worker: its module-scoped
    fixture (a server, a built site, a wheel) is then made once instead of once on each worker."""
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one pytest-xdist worker")
    if getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadgroup"
    if getattr(config, "workerinput", {}).get("loadgroup"):  # a worker: name each test with its group
        config.option.loadgroup = True


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Tell each worker that the tests are sent by group (a worker reads the command line again)."""
    node.workerinput["loadgroup"] = node.config.getvalue("dist") == "loadgroup"


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read the commands' messages in English (tests/test_messages.py covers the Vietnamese)."""
    monkeypatch.setenv("PORTAL_LANG", "en")


_DRAWN: dict[share_cards.CardText, bytes] = {}  # every share card drawn in this test process, by what it shows
_DRAW = share_cards.draw


def _draw_once(text: share_cards.CardText) -> bytes:
    """`share_cards.draw`, drawing each card once per test process and handing out the same bytes after.

    A card is a function of what it shows (the generator's own card cache relies on it, and
    tests/test_share_cards.py proves it); drawing is a third of a build, and the suite builds the
    same few sites hundreds of times."""
    if text not in _DRAWN:
        _DRAWN[text] = _DRAW(text)
    return _DRAWN[text]


# The templates compiled by every build in this test process, by Jinja's key (template name and file).
# Jinja takes a compiled template from a bytecode cache only when its source is the same text, so every
# build may share them: the generator already shares one cache between the two editions, `serve` between
# builds, and `build` keeps it in .portal-cache/. A test's site is a fresh copy with no cache yet, so
# without this each build would compile the theme again: compiling is two fifths of building the test site.
_COMPILED: dict[str, bytes] = {}
_LOAD, _DUMP = MemoryBytecodeCache.load_bytecode, MemoryBytecodeCache.dump_bytecode


def _load_shared(cache: MemoryBytecodeCache, bucket: jinja2.bccache.Bucket) -> None:
    """A build's own compiled template, else one compiled by an earlier build in this process."""
    _LOAD(cache, bucket)
    if bucket.code is None and bucket.key in _COMPILED:
        bucket.bytecode_from_string(_COMPILED[bucket.key])


def _dump_shared(cache: MemoryBytecodeCache, bucket: jinja2.bccache.Bucket) -> None:
    _DUMP(cache, bucket)
    _COMPILED[bucket.key] = cache.store[bucket.key]


@pytest.fixture(scope="session", autouse=True)
def drawn_and_compiled_once() -> Iterator[None]:
    """Builds in this process reuse the cards already drawn (see `_draw_once`) and the templates already
    compiled (`_COMPILED`); tests of drawing itself ask for `real_drawing`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(share_cards, "draw", _draw_once)
        patch.setattr(MemoryBytecodeCache, "load_bytecode", _load_shared)
        patch.setattr(MemoryBytecodeCache, "dump_bytecode", _dump_shared)
        yield


@pytest.fixture
def real_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """`share_cards.draw` itself, drawing every card afresh (for tests/test_share_cards.py)."""
    monkeypatch.setattr(share_cards, "draw", _DRAW)


def copy_portal(target: Path) -> Path:
    """Copy the portal's site.yaml, content/ and templates/ into `target` (a new folder); `target`."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "site.yaml", target / "site.yaml")
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copytree(ROOT / "templates", target / "templates")
    return target


def copy_test_site(target: Path) -> Path:
    """Copy the test site (tests/site/) into `target`, without what a build left there; `target`."""
    shutil.copytree(SITE, target, ignore=shutil.ignore_patterns(".portal-cache", "output"))
    return target


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the portal's site.yaml, content/ and templates/ in a temporary folder."""
    return copy_portal(tmp_path / "site")


@pytest.fixture
def test_site(tmp_path: Path) -> Path:
    """A copy of the small test site (tests/site/), to change and build."""
    return copy_test_site(tmp_path / "test-site")


@pytest.fixture
def test_site_at_root(test_site: Path) -> Path:
    """The copy of the test site with the portal's own base_url, `/` (on line 5 of its site.yaml): for
    tests of what does not depend on the site's size, such as `deploy`."""
    config = test_site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    assert text.splitlines()[4] == "base_url: https://example.org/portal/"
    config.write_text(text.replace("base_url: https://example.org/portal/", "base_url: /"), encoding="utf-8")
    return test_site


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the portal built once per session with `build --strict` into its output/; tests only read
    it (the copy's sources and its output)."""
    site = copy_portal(tmp_path_factory.mktemp("portal") / "site")
    from generator.cli import main

    assert main(["build", "--strict", "--clean", "--site", str(site)]) == 0
    return site


@pytest.fixture(scope="session")
def test_site_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test site built once per session; tests only read it."""
    output = tmp_path_factory.mktemp("test-site") / "output"
    build_site(output)
    return output
