"""The package as users install it: a wheel (not an editable install) that can init, check and build."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

# One worker runs this module: its module-scoped fixture is made once (see tests/conftest.py).
pytestmark = pytest.mark.xdist_group("test_package")

ROOT = Path(__file__).resolve().parent.parent
SKELETON = ROOT / "generator" / "skeleton"


def test_skeleton_holds_real_files() -> None:
    links = [p.relative_to(SKELETON).as_posix() for p in SKELETON.rglob("*") if p.is_symlink()]
    assert links == [], "a wheel or a Windows checkout would not carry these links"


def test_skeleton_provinces_are_the_portals() -> None:
    """The skeleton's copy of the province registry states the same facts as the portal's own."""
    skeleton = yaml.safe_load((SKELETON / "content/provinces.yaml").read_text(encoding="utf-8"))
    portal = yaml.safe_load((ROOT / "content/provinces.yaml").read_text(encoding="utf-8"))
    assert skeleton == portal


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (so no build/ folder is left in the repository)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "generator", src / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                             "--disable-pip-version-check", "-w", str(dist), str(src)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    (built,) = dist.glob("*.whl")
    return built


def test_wheel_carries_the_files_read_at_run_time(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {"generator/" + p.relative_to(ROOT / "generator").as_posix()
              for p in (ROOT / "generator").rglob("*")
              if p.is_file() and p.suffix in (".html", ".yaml", ".css", ".js", ".md", ".po")}
    wanted |= {"generator/" + p.relative_to(ROOT / "generator").as_posix() for p in SKELETON.rglob("*") if p.is_file()}
    assert sorted(wanted - names) == []


def test_installed_wheel_inits_checks_and_builds(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.create(env_dir, system_site_packages=True, with_pip=False)  # dependencies come from the system
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # When the tests themselves run in a virtual environment, its packages are not the "system" ones: list
    # them after the new environment's own, so the wheel installed there is the one imported.
    inner = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    outer = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    Path(inner, "outer-environment.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed",
                              "--disable-pip-version-check", str(wheel)], capture_output=True, text=True, env=environ)
    assert install.returncode == 0, install.stderr
    work = tmp_path / "elsewhere"  # outside the repository, so nothing is read from the source tree
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(python), "-m", "generator", *args], cwd=work, capture_output=True, text=True,
                                env=environ)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    where = subprocess.run([str(python), "-c", "import generator; print(generator.__file__)"], cwd=work,
                           capture_output=True, text=True, env=environ).stdout.strip()
    assert Path(where).is_relative_to(env_dir), where
    run("init", "portal")
    assert not any(p.is_symlink() for p in (work / "portal").rglob("*"))
    run("check", "--site", "portal", "--strict")
    built = run("build", "--site", "portal")
    assert built.stdout.startswith("Built ")
    home = (work / "portal/output/index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in home
    for name in ("static/style.css", "static/charts.js", "en/index.html", "provinces/ha-noi/index.html",
                 "about/index.html", "data/records.csv"):
        assert (work / "portal/output" / name).is_file(), name
