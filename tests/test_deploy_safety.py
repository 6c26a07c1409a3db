"""`deploy` never destroys published history, and publishes under the address that will serve it.

Every test pushes to local bare repositories; where a "colleague" is needed, a second clone
publishes to the same remote first, so the histories diverge exactly as they do in an office. What is
published is the small test site (what deploy does does not depend on the site's size), served at /.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.cli import main


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def bare(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    git("init", "--bare", "-q", "-b", "main", str(path), cwd=path.parent)
    return path


def repository(site: Path, remote: Path) -> None:
    git("init", "-q", "-b", "main", cwd=site)
    git("config", "user.name", "Portal Maintainer", cwd=site)
    git("config", "user.email", "maintainer@example.org", cwd=site)
    git("remote", "add", "origin", str(remote), cwd=site)


def colleague_publishes(remote: Path, tmp: Path, files: dict[str, str]) -> str:
    """Someone else pushes a gh-pages commit with `files`; its id."""
    work = tmp / "colleague"
    git("init", "-q", "-b", "gh-pages", str(work), cwd=tmp)
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    git("-c", "user.name=Colleague", "-c", "user.email=c@example.org", "commit", "-q", "-m", "Colleague's publication",
        cwd=work)
    git("push", "-q", str(remote), "gh-pages", cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


def published(remote: Path) -> set[str]:
    return set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=remote).split())


def commits(remote: Path) -> list[str]:
    return git("rev-list", "gh-pages", cwd=remote).split()


@pytest.fixture
def site(test_site_at_root: Path) -> Path:
    return test_site_at_root


@pytest.fixture
def remote(site: Path, tmp_path: Path) -> Path:
    path = bare(tmp_path / "remote.git")
    repository(site, path)
    return path


def test_builds_on_a_colleagues_unfetched_publication(site: Path, remote: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    theirs = colleague_publishes(remote, tmp_path, {"CNAME": "portal.example.org\n", "google1234.html": "proof",
                                                    "press/kit.pdf": "pdf", "old-page.html": "gone"})
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "deploy:\n  keep:\n    - press/*\n", encoding="utf-8")
    assert main(["deploy", "--site", str(site)]) == 0, capsys.readouterr().err
    history = commits(remote)
    assert len(history) == 2 and history[1] == theirs  # on top of theirs, nothing dropped
    files = published(remote)
    assert {"CNAME", "google1234.html", "press/kit.pdf", "index.html"} <= files
    assert "old-page.html" not in files and ".portal-output" not in files
    assert git("show", "gh-pages:CNAME", cwd=remote) == "portal.example.org\n"


def test_nothing_changed_makes_no_commit(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", "--site", str(site)]) == 0
    assert main(["deploy", "--site", str(site)]) == 0
    assert len(commits(remote)) == 1
    assert "Nothing changed" in capsys.readouterr().out


def test_refuses_the_source_branch(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", "--site", str(site), "--branch", "main"]) == 1
    err = capsys.readouterr().err
    assert "is the branch your site's sources are on" in err and "Traceback" not in err
    assert git("branch", "--list", cwd=remote).strip() == ""  # nothing was pushed


def test_rejected_push_is_one_line(site: Path, remote: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    assert main(["deploy", "--site", str(site)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("error: the remote refused the new gh-pages"), err


@pytest.mark.parametrize("url", ["/no/such/remote.git", "https://invalid.invalid/x.git"])
def test_unreachable_remote_is_one_line(site: Path, tmp_path: Path, url: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    repository(site, Path(url))
    assert main(["deploy", "--site", str(site)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "cannot reach the remote 'origin'" in err[0], err


def test_not_a_repository_is_one_line(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", "--site", str(site)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not inside a git repository" in err[0]


def test_force_names_what_is_lost(site: Path, remote: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    colleague_publishes(remote, tmp_path, {"index.html": "theirs"})
    assert main(["deploy", "--site", str(site), "--force"]) == 0
    err = capsys.readouterr().err
    assert "--force replaces all 1 commit(s) of origin/gh-pages" in err and "Colleague's publication" in err
    assert len(commits(remote)) == 1 and git("log", "-1", "--format=%an", "gh-pages", cwd=remote).strip() != "Colleague"


@pytest.mark.parametrize("owner,repo,base,ok", [
    ("alice", "portal", "/", False),
    ("alice", "portal", "https://alice.github.io/portal/", True),
    ("alice", "portal", "/portal/", True),
    ("alice", "portal", "/other/", False),
    ("alice", "portal", "https://example.org/portal/", False),
    ("alice", "alice.github.io", "/", True),
    ("alice", "alice.github.io", "/portal/", False),
])
def test_github_pages_address(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              owner: str, repo: str, base: str, ok: bool) -> None:
    remote = bare(tmp_path / "github.com" / owner / f"{repo}.git")  # a local repository named like GitHub's
    repository(site, remote)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", f"base_url: {base}"), encoding="utf-8")
    address = f"https://{owner}.github.io/" + ("" if repo.endswith(".github.io") else f"{repo}/")
    code = main(["deploy", "--site", str(site)])
    out, err = capsys.readouterr()
    if ok:
        assert code == 0 and f"Published to {address} " in out, err
        return
    assert code == 1 and git("branch", "--list", cwd=remote).strip() == ""
    assert f"site.yaml:5:11: error: base_url is '{base}', but the site will be served at {address}" in err
    assert f"put this line in site.yaml: base_url: {address}" in err
    assert main(["deploy", "--site", str(site), "--base-url", address]) == 0  # the fix, followed literally
    path = address.split(".io", 1)[1]
    page = git("show", "gh-pages:index.html", cwd=remote)
    assert f'href="{path}static/' in page or f'href="{address}static/' in page
    assert f"Published to {address} " in capsys.readouterr().out


def test_wrong_base_url_option_is_named(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repository(site, bare(tmp_path / "github.com" / "alice" / "portal.git"))
    assert main(["deploy", "--site", str(site), "--base-url", "/"]) == 1
    assert "--base-url /: error: the site will be served at https://alice.github.io/portal/" in capsys.readouterr().err
    assert main(["deploy", "--site", str(site), "--base-url", "javascript:alert(1)"]) == 1
    assert "--base-url javascript:alert(1): error" in capsys.readouterr().err


def test_deploy_does_not_change_the_current_folder(site: Path, remote: Path) -> None:
    import os

    before = os.getcwd()
    assert main(["deploy", "--site", str(site)]) == 0
    assert os.getcwd() == before
