"""`deploy` to a local bare repository, `init` of a new portal, and the Pages workflow."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from generator.cache import FOLDER
from generator.cli import main
from generator.commands.init import gitignore
from generator.livereload.watch import PROBE
from generator.load.config import Config
from generator.publish.ghpages import published_url

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def test_deploy_pushes_exactly_the_output(test_site_at_root: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = test_site_at_root
    bare = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(bare), cwd=tmp_path)
    git("init", "-q", cwd=site)
    git("config", "user.name", "Portal Maintainer", cwd=site)
    git("config", "user.email", "maintainer@example.org", cwd=site)
    git("remote", "add", "origin", str(bare), cwd=site)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "cname: portal.example.org\n", encoding="utf-8")
    assert main(["deploy", "--site", str(site), "--message", "Publish test"]) == 0
    assert "Published to https://portal.example.org/ " in capsys.readouterr().out
    pushed = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=bare).split())
    output = {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*")
              if p.is_file() and p.name != ".portal-output"}
    assert pushed == output | {"CNAME"} or pushed == output
    assert ".nojekyll" in pushed and "CNAME" in pushed
    for name in ("index.html", "provinces/tra-vinh/index.html", "data/records.csv"):
        blob = subprocess.run(["git", "show", f"gh-pages:{name}"], cwd=bare, check=True, capture_output=True).stdout
        assert blob == (site / "output" / name).read_bytes()
    assert git("log", "-1", "--format=%s", "gh-pages", cwd=bare).strip() == "Publish test"


@pytest.mark.parametrize("remote,expected", [
    ("git@github.com:vn-stats/portal.git", "https://vn-stats.github.io/portal/"),
    ("https://github.com/VN-Stats/vn-stats.github.io", "https://vn-stats.github.io/"),
])
def test_published_url_for_github(remote: str, expected: str, tmp_path: Path) -> None:
    config = Config(root=tmp_path, title="t", description="", base_url="/", output_dir=tmp_path, chartjs=None)  # type: ignore[arg-type]
    assert published_url(config, remote) == expected


@pytest.mark.parametrize(("url", "path"), [("https://x.github.io/portal/", "/portal/"), ("/", "/"),
                                             ("https://example.org/", "/"), ("/a/b", "/a/b/")])
def test_a_config_given_another_base_url_has_that_base_path(tmp_path: Path, url: str, path: str) -> None:
    """The base path is worked out once per settings: a build given --base-url must not keep the old one."""
    config = Config(root=tmp_path, title="t", description="", base_url="https://x.github.io/old/",
                    output_dir=tmp_path, chartjs=None)  # type: ignore[arg-type]
    assert config.base_path == "/old/"
    assert config.with_base_url(url).base_path == path and config.base_path == "/old/"


def test_deploy_without_a_remote_says_so(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git("init", "-q", cwd=site)
    assert main(["deploy", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "git remote 'origin' is not set up" in err and len(err.strip().splitlines()) == 1


def test_init_creates_a_portal_that_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new-portal"
    assert main(["init", str(target)]) == 0
    for name in ("site.yaml", "content/provinces.yaml", "content/committees.yaml", "content/pages/about.md",
                 "templates/README.md", "content/records/ha-noi/khoi-cac-co-quan/2024.yaml"):
        assert (target / name).is_file() and not (target / name).is_symlink(), name
    assert "example: true" in (target / "content/records/ha-noi/khoi-cac-co-quan/2024.yaml").read_text(encoding="utf-8")
    assert main(["build", "--site", str(target)]) == 0
    page = (target / "output/provinces/ha-noi/index.html").read_text(encoding="utf-8")
    assert "VÍ DỤ — không phải số liệu thật" in page
    assert main(["init", str(target)]) == 2  # never over an existing portal


def test_a_new_portal_keeps_what_builds_and_serve_leave_out_of_git(tmp_path: Path) -> None:
    """A new portal's .gitignore (as this repository's) leaves out the built site, the build's lock and
    staging beside it, the build cache and the probe `serve` writes; never a record."""
    target = tmp_path / "new-portal"
    assert main(["init", str(target)]) == 0
    assert main(["build", "--site", str(target), "-q"]) == 0
    (target / PROBE).write_bytes(b"")  # as if `serve` were stopped during its first second
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    tracked = git("ls-files", cwd=target).split()
    assert ".gitignore" in tracked and "content/records/ha-noi/khoi-cac-co-quan/2024.yaml" in tracked
    assert [name for name in tracked if name.startswith(("output/", ".output", FOLDER)) or name == PROBE] == []
    assert {line for line in gitignore()} <= set((ROOT / ".gitignore").read_text(encoding="utf-8").splitlines())
    assert f"{FOLDER}/" in gitignore()


def test_pages_workflow_builds_with_the_documented_command() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and "push" in triggers
    jobs = workflow["jobs"]
    steps = jobs["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in jobs["deploy"]["steps"])
    runs = "\n".join(s.get("run", "") for s in steps)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install -e . && python -m generator check" in runs
    assert "python -m generator build --base-url" in runs and "python -m generator build" in readme
    assert "bash scripts/test.sh" in "\n".join(s.get("run", "") for s in jobs["test"]["steps"])
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
