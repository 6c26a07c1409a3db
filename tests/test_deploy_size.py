"""`deploy` refuses, before anything is committed or pushed, a site GitHub would refuse or not serve, and
says in the maintainer's language which file is too large and what to do; a file GitHub only warns about
is named and published.

Large files are sparse (`truncate` sets the size without writing the bytes), so a 180 MB file costs
nothing; sizes are what `stat` reports, as for any file. The command tests add them to the real build's
output and publish to a local bare repository, as tests/test_deploy_safety.py does.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.cli import main
from generator.output.atomic import MARKER
from generator.publish.ghpages import DeployError
from generator.publish.sizes import (
    FILE_LIMIT,
    FILE_WARNING_SIZE,
    MB,
    SITE_LIMIT,
    Finding,
    SizeFinding,
    check_sizes,
)
from tests.test_deploy_safety import bare, commits, git, repository


def sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.truncate(size)
    return path


# -- the check ----------------------------------------------------------------------------------------------


def test_limits_are_githubs() -> None:
    assert (FILE_WARNING_SIZE, FILE_LIMIT, SITE_LIMIT) == (50 * 2**20, 100 * 2**20, 2**30)


def test_a_small_site_has_no_findings(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    sparse(tmp_path / "data" / "records.csv", FILE_WARNING_SIZE)  # exactly at the warning size: no warning
    assert check_sizes(tmp_path) == []


def test_files_at_and_just_over_each_limit(tmp_path: Path) -> None:
    sparse(tmp_path / "a" / "at-warning.csv", FILE_WARNING_SIZE)
    sparse(tmp_path / "a" / "over-warning.csv", FILE_WARNING_SIZE + 1)
    sparse(tmp_path / "b" / "c" / "at-limit.json", FILE_LIMIT)
    sparse(tmp_path / "data" / "figures.csv", FILE_LIMIT + 1)
    assert check_sizes(tmp_path) == [
        SizeFinding(Finding.LARGE_FILE, FILE_WARNING_SIZE + 1, FILE_WARNING_SIZE, "a/over-warning.csv"),
        SizeFinding(Finding.LARGE_FILE, FILE_LIMIT, FILE_WARNING_SIZE, "b/c/at-limit.json"),
        SizeFinding(Finding.FILE_TOO_LARGE, FILE_LIMIT + 1, FILE_LIMIT, "data/figures.csv"),
    ]
    assert [f.refuses for f in check_sizes(tmp_path)] == [False, False, True]


def _site_of(folder: Path, total: int) -> None:
    """Files of 40 MB (under the warning size) making `total` bytes, and the build's marker file."""
    part = 40 * MB
    for i in range(total // part):
        sparse(folder / "pages" / f"{i:03}.html", part)
    sparse(folder / "pages" / "last.html", total % part)
    sparse(folder / MARKER, 10 * MB)  # not published, so not counted


def test_site_exactly_at_the_pages_limit_is_published(tmp_path: Path) -> None:
    _site_of(tmp_path, SITE_LIMIT)
    assert check_sizes(tmp_path) == []


def test_site_one_byte_over_the_pages_limit_is_refused(tmp_path: Path) -> None:
    _site_of(tmp_path, SITE_LIMIT + 1)
    assert check_sizes(tmp_path) == [SizeFinding(Finding.SITE_TOO_LARGE, SITE_LIMIT + 1, SITE_LIMIT)]
    assert check_sizes(tmp_path)[0].refuses


def test_an_unreadable_output_is_named(tmp_path: Path) -> None:
    with pytest.raises(DeployError) as raised:
        check_sizes(tmp_path / "missing")
    assert str(raised.value).startswith(f"{tmp_path / 'missing'}: cannot read the built site")


around = st.sampled_from([FILE_WARNING_SIZE, FILE_LIMIT]).flatmap(
    lambda limit: st.integers(limit - 3, limit + 3))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(around, min_size=1, max_size=12))
def test_generated_sizes_around_the_limits(tmp_path_factory: pytest.TempPathFactory, sizes: list[int]) -> None:
    folder = tmp_path_factory.mktemp("sizes")
    for i, size in enumerate(sizes):
        sparse(folder / f"d{i % 3}" / f"{i:02}.bin", size)
    findings = {f.path: f for f in check_sizes(folder)}
    for i, size in enumerate(sizes):
        found = findings.pop(f"d{i % 3}/{i:02}.bin", None)
        if size > FILE_LIMIT:
            assert found == SizeFinding(Finding.FILE_TOO_LARGE, size, FILE_LIMIT, f"d{i % 3}/{i:02}.bin")
        elif size > FILE_WARNING_SIZE:
            assert found is not None and found.kind is Finding.LARGE_FILE and not found.refuses
        else:
            assert found is None
    site = findings.pop(None, None)
    assert findings == {}
    assert (site is not None) == (sum(sizes) > SITE_LIMIT)
    if site is not None:
        assert site.size == sum(sizes) and site.refuses


# -- through `deploy` ---------------------------------------------------------------------------------------


@pytest.fixture
def site(test_site_at_root: Path) -> Path:
    return test_site_at_root


@pytest.fixture
def remote(site: Path, tmp_path: Path) -> Path:
    path = bare(tmp_path / "remote.git")
    repository(site, path)
    return path


def with_files(monkeypatch: pytest.MonkeyPatch, files: dict[str, int]) -> None:
    """Every build of this test adds the sparse `files` (path: size) to its output."""
    real: Callable[..., Any] = pipeline.build

    def build(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        if result is not None:
            for name, size in files.items():
                sparse(result.output / name, size)
        return result

    monkeypatch.setattr(pipeline, "build", build)


def state(site: Path, remote: Path) -> tuple[list[str], str, str]:
    """The remote branch's history, the local copy of it, and the objects in the site's repository."""
    return (commits(remote), git("rev-parse", "refs/remotes/origin/gh-pages", cwd=site),
            git("count-objects", "-v", cwd=site))


NATIONAL = {"data/figures.csv": int(180.5 * MB), "data/records.json": 144 * MB, "data/records.csv": 20 * MB}


@pytest.mark.parametrize("lang,lines", [
    ("en", ["data/figures.csv: error: 180.5 MB; GitHub refuses files larger than 100 MB",
            "data/records.json: error: 144 MB; GitHub refuses files larger than 100 MB",
            "Not published: the site is too large for GitHub Pages. {output} is a plain folder of files: "
            "publish it on another web host instead."]),
    ("vi", ["data/figures.csv: lỗi: 180,5 MB; GitHub không nhận tệp lớn hơn 100 MB",
            "data/records.json: lỗi: 144 MB; GitHub không nhận tệp lớn hơn 100 MB",
            "Chưa xuất bản: trang quá lớn đối với GitHub Pages. {output} là một thư mục tệp thông thường: "
            "hãy đưa nó lên một dịch vụ lưu trữ web khác."]),
])
def test_too_large_files_are_named_and_nothing_is_pushed(site: Path, remote: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str], lang: str,
                                                         lines: list[str]) -> None:
    assert main(["deploy", "--site", str(site)]) == 0  # a first publication, which must stay as it is
    before = state(site, remote)
    capsys.readouterr()
    with_files(monkeypatch, NATIONAL)
    assert main(["deploy", "--site", str(site), "--lang", lang]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [line.format(output=site / "output") for line in lines], err
    assert out == ""
    assert state(site, remote) == before  # nothing committed, nothing pushed


@pytest.mark.parametrize("lang,line", [
    ("en", "error: the site is 1.38 GB in all; GitHub Pages serves sites of at most 1 GB"),
    ("vi", "lỗi: toàn bộ trang nặng 1,38 GB; GitHub Pages chỉ phục vụ trang nặng tối đa 1 GB"),
])
def test_a_site_over_the_pages_limit_is_refused(site: Path, remote: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str], lang: str, line: str) -> None:
    with_files(monkeypatch, {f"pages/{i:02}.html": 32 * MB for i in range(44)})  # 1.375 GB, and the test site
    assert main(["deploy", "--site", str(site), "--lang", lang]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == line and len(err) == 2, err
    assert git("branch", "--list", cwd=remote).strip() == ""  # nothing was pushed


def test_a_file_github_warns_about_is_named_and_published(site: Path, remote: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with_files(monkeypatch, {"data/records.csv": 60 * MB})
    assert main(["deploy", "--site", str(site), "--lang", "vi"]) == 0
    out, err = capsys.readouterr()
    assert "data/records.csv: cảnh báo: 60 MB; GitHub cảnh báo về tệp lớn hơn 50 MB, nhưng vẫn nhận" in err
    assert len(commits(remote)) == 1 and "Đã xuất bản lên" in out, out
    size = git("cat-file", "-s", "gh-pages:data/records.csv", cwd=remote).strip()
    assert int(size) == 60 * MB
    shutil.rmtree(site / "output")
    with_files(monkeypatch, {"data/records.csv": 60 * MB + 1})
    assert main(["deploy", "--site", str(site), "--lang", "en"]) == 0
    assert ("data/records.csv: warning: 60.1 MB; GitHub warns about files larger than 50 MB, but accepts them"
            in capsys.readouterr().err)
    assert len(commits(remote)) == 2

