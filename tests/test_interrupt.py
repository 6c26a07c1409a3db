"""A build stopped at any stage boundary (killed outright, or by Ctrl+C) never loses the site.

The build calls `on_stage(name)` at each boundary; here that callback kills the building process
with SIGKILL, or raises KeyboardInterrupt, at exactly that point — no timing involved. Pages are
rendered by two worker processes. Every case runs with the one-step exchange and with the fallback
swap forced on (as on macOS and Windows, where renameat2 does not exist). Afterwards the output is
either the old or the new site, complete, and the next build succeeds and leaves nothing behind.
"""
from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from generator.model.problems import Problems
from generator.output import atomic
from generator.pipeline import build

STAGES = ("loaded", "rendered", "checked", "staged", "aside", "swapped", "done")
FULL_REBUILD = ("staged", "aside", "swapped")
NEW_TITLE = "Cổng số liệu (bản mới)"

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = [pytest.mark.skipif(not hasattr(os, "fork"), reason="killing a forked build needs fork()"),
              pytest.mark.xdist_group("test_interrupt")]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.glob(f".{output.name}.*") if p.is_dir())


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """A site whose output holds the old version, its source changed to the new one, and both trees.

    The small test site: every stage and both swaps happen as for the portal, with 126 pages to render."""
    from tests.conftest import copy_test_site

    base = tmp_path_factory.mktemp("interrupt")
    site = copy_test_site(base / "site")
    assert build(site, Problems(), workers=2) is not None
    old = tree(site / "output")
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("title: ", f"title: {NEW_TITLE} #", 1), encoding="utf-8")
    assert build(site, Problems(), output=base / "reference", workers=2) is not None
    new = tree(base / "reference")
    assert old != new
    return site, old, new


@pytest.fixture
def fresh(versions: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path) -> Path:
    """A private copy of the site with the old output in place."""
    site, _, _ = versions
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    return copy


def _force_fallback(monkeypatch: pytest.MonkeyPatch, fallback: bool) -> None:
    if fallback:
        monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)


def _kill_at(stage: str, site: Path) -> int:
    """Build in a forked child that kills itself at `stage`; the child's exit signal."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            def stop(name: str) -> None:
                if name == stage:
                    os.kill(os.getpid(), signal.SIGKILL)
            build(site, Problems(), workers=2, on_stage=stop)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


# Before "staged" the swap has not begun, so the way it swaps cannot matter: those run once.
KILLS = [(s, False) for s in STAGES if s != "aside"] + [(s, True) for s in STAGES[STAGES.index("staged"):]]


@pytest.mark.parametrize("stage,fallback", KILLS, ids=[f"{s}-{'fallback' if f else 'exchange'}" for s, f in KILLS])
def test_killed_at_every_stage(versions: tuple[Path, dict[str, bytes], dict[str, bytes]], fresh: Path,
                               monkeypatch: pytest.MonkeyPatch, stage: str, fallback: bool) -> None:
    _, old, new = versions
    _force_fallback(monkeypatch, fallback)
    reached = stage != "aside" or fallback  # the exchange has no "aside" moment
    signal_number = _kill_at(stage, fresh)
    assert signal_number == (signal.SIGKILL if reached else -3)
    output = fresh / "output"
    if output.exists():
        assert tree(output) in (old, new)
    else:  # killed between the two renames: the old site is complete beside it
        assert stage == "aside" and tree(atomic.aside(output)) == old
    with atomic.locked(output):
        atomic.clean_stale(output)  # what every build does first, under the lock
    assert tree(output) in (old, new) and leftovers(output) == []
    if stage in FULL_REBUILD and fallback:  # the next build itself, where it matters most
        assert build(fresh, Problems(), workers=2) is not None
        assert tree(output) == new and leftovers(output) == []


@pytest.mark.parametrize("stage", STAGES)
def test_ctrl_c_at_every_stage(versions: tuple[Path, dict[str, bytes], dict[str, bytes]], fresh: Path,
                               monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    _, old, new = versions
    _force_fallback(monkeypatch, True)

    def interrupt(name: str) -> None:
        if name == stage:
            raise KeyboardInterrupt

    output = fresh / "output"
    with pytest.raises(KeyboardInterrupt):
        build(fresh, Problems(), on_stage=interrupt)
    assert tree(output) == (new if stage in ("swapped", "done") else old)  # never missing, never mixed
    assert stage in ("swapped",) or leftovers(output) == []


def test_stage_names_are_the_documented_ones(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    _force_fallback(monkeypatch, True)
    assert build(fresh, Problems(), on_stage=seen.append) is not None
    assert tuple(seen) == STAGES


def test_recovery_puts_the_aside_copy_back(fresh: Path) -> None:
    output = fresh / "output"
    before = tree(output)
    os.rename(output, atomic.aside(output))
    atomic.clean_stale(output)  # what every build does first, under the lock
    assert tree(output) == before and not atomic.aside(output).exists()




def test_ctrl_c_during_parallel_rendering(fresh: Path, tmp_path: Path) -> None:
    """Ctrl+C reaches every process of the terminal's group: one message, no worker tracebacks."""
    import subprocess
    import sys

    flag = tmp_path / "interrupted"
    script = (
        "import multiprocessing, os, signal, sys\n"
        # Ctrl+C as in a terminal, even when the tests run as a background job (which starts with SIGINT ignored)
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "import generator.pipeline as pipeline, generator.render.renderer as renderer\n"
        "pipeline.default_workers = lambda records: 2\n"
        "real = renderer.Renderer.render_one\n"
        "def one(r, page):\n"
        f"    if multiprocessing.current_process().name != 'MainProcess' and not os.path.exists({str(flag)!r}):\n"
        f"        open({str(flag)!r}, 'w').close()\n"
        "        os.killpg(os.getpgid(0), signal.SIGINT)  # what a terminal does on Ctrl+C\n"
        "    return real(r, page)\n"
        "renderer.Renderer.render_one = one\n"
        "from generator.cli import main\n"
        f"sys.exit(main(['build', '--site', {str(fresh)!r}]))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            start_new_session=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert flag.exists()
    assert result.returncode == 130, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["Interrupted; the previous output was left as it was."], result.stderr  # no worker noise
    assert leftovers(fresh / "output") == []
