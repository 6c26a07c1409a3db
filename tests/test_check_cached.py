"""`check` reads what the last build kept in `.portal-cache/`, writes nothing, and finds exactly what a
check that kept nothing finds.

Random sequences of the maintainers' edits (those of `test_incremental`), of edits that make problems
(a broken link, a link to a record's anchor while the record comes and goes, a template that does not
compile, a record that does not validate, link problems made warnings) and of builds (which leave a
newer cache) are applied to a copy of the test site; after each, `check` with the cache must report
what a check without it reports, and leave every file of the site as it was.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator import cache, pipeline
from generator.cli import main
from generator.commands.check import check_site
from generator.model.problems import Problems
from tests.test_incremental import EDITS, LAM_DONG_2019, RECORDS, Edited, _copy, _number, _period, _record

LAM_DONG_2020 = RECORDS[2]  # removed and put back by `_record`
ABOUT = "content/pages/about.md"


def _toggle_line(site: Edited, relative: str, line: str) -> None:
    site.edit(relative, lambda text: text.replace(line, "") if line in text else text + line)


def _broken_link(site: Edited, n: int) -> None:
    _toggle_line(site, ABOUT, "\n[Trang không có](/portal/khong-co/)\n")


def _anchor_link(site: Edited, n: int) -> None:
    """Links to records' places on their province's pages, and to a heading: broken while Lâm Đồng 2020
    is removed, while Tuyên Quang 2019 is a half-year record, or while the heading is renamed."""
    _toggle_line(site, "content/pages/methodology.md", "\n[Năm 2020](/portal/provinces/lam-dong/#r-khoi-cac-co-quan-2020)"
                 " [Năm 2019](/portal/provinces/tuyen-quang/#r-khoi-cac-co-quan-2019) [Lịch sử](/portal/about/#lich-su)\n")


def _heading(site: Edited, n: int) -> None:
    """A heading of the about page renamed, and back: the methodology page links to it (`_anchor_link`);
    no file of the site is added or removed, only the about page's ids change."""
    site.edit(ABOUT, lambda text: text.replace("## Lịch sử\n", "## Lịch sử sáp nhập\n") if "## Lịch sử\n" in text
              else text.replace("## Lịch sử sáp nhập\n", "## Lịch sử\n"))


def _template_error(site: Edited, n: int) -> None:
    (site.root / "templates").mkdir(exist_ok=True)
    path = site.root / "templates" / "year.html"
    if path.exists():
        path.unlink()
    else:
        path.write_text("{% extends 'base.html' %}{% block main %}{{ oops( }}{% endblock %}\n", encoding="utf-8")


def _bad_record(site: Edited, n: int) -> None:
    site.edit(LAM_DONG_2019, lambda text: re.sub(r"^year: .*$", "year: 2099" if "year: 2019" in text else "year: 2019",
                                                  text, count=1, flags=re.M))


def _links_warn(site: Edited, n: int) -> None:
    site.edit("site.yaml", lambda text: text.replace("link_check: error", "link_check: warning")
              if "link_check: error" in text else text.replace("link_check: warning", "link_check: error"))


def _built(site: Edited, n: int) -> None:
    """`build`, which leaves its cache for the next `check` when it passes."""
    main(["build", "--site", str(site.root), "--quiet"])


CHANGES: tuple[Callable[[Edited, int], None], ...] = (
    *EDITS, _broken_link, _anchor_link, _heading, _template_error, _bad_record, _links_warn, _built, _built)


def _files(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the site, the cache's included, with its time and bytes (the output aside: `check`
    has none)."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


def _checked(root: Path) -> list[str]:
    """What `check` reports, with the last build's cache; asserting it wrote nothing."""
    before = _files(root)
    problems = Problems()
    check_site(root, problems)
    assert _files(root) == before
    return [str(p) for p in problems.sorted()]


def _fresh(root: Path) -> list[str]:
    problems = Problems()
    pipeline.check(root, problems, None)
    return [str(p) for p in problems.sorted()]


@settings(max_examples=4, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(CHANGES), st.integers(0, 10**6)), min_size=4, max_size=12))
@example([(_anchor_link, 0), (_built, 0), (_heading, 0), (_record, 2), (_built, 0), (_number, 1)])
def test_a_check_with_the_last_builds_cache_finds_what_a_fresh_check_finds(
        steps: list[tuple[Callable[[Edited, int], None], int]]) -> None:
    with _copy() as site:
        _built(site, 0)
        for change, n in steps:
            change(site, n)
            assert _checked(site.root) == _fresh(site.root)


def test_the_problems_the_cached_check_is_compared_on_are_found() -> None:
    """The edits above make the problems they are meant to (else the comparison would be of nothing)."""
    with _copy() as site:
        _built(site, 0)
        _anchor_link(site, 0)
        assert _checked(site.root) == []
        _built(site, 0)
        for change, anchor in ((_record, "#r-khoi-cac-co-quan-2020"), (_period, "#r-khoi-cac-co-quan-2019"),
                               (_heading, "#lich-su")):
            change(site, 2)  # the page that links to the record is unchanged
            found = _checked(site.root)
            assert found == _fresh(site.root) and len(found) == 2  # both editions' methodology pages
            assert all(anchor in line and "missing anchor" in line for line in found)
            change(site, 2)
            assert _checked(site.root) == []
        for change, expected in ((_broken_link, "leads nowhere"), (_template_error, "templates/year.html"),
                                 (_bad_record, "the year 2099 is in the future")):
            change(site, 0)
            assert any(expected in line for line in _checked(site.root)), change.__name__
            change(site, 0)


def _rendered(root: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Pages `python -m generator check` made (not taken from the last build), both editions."""
    loaded: list[cache.BuildCache] = []
    load = cache.load

    def spied(at: Path) -> cache.BuildCache:
        loaded.append(load(at))
        return loaded[-1]

    with monkeypatch.context() as patched:
        patched.setattr(cache, "load", spied)
        assert main(["check", "--site", str(root), "--quiet"]) == 0
    return loaded[0].render.rendered


def test_check_after_a_build_makes_again_only_what_an_edit_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    with _copy() as site:
        with mock.patch.object(pipeline, "stream_pages", wraps=pipeline.stream_pages) as streamed:
            assert main(["check", "--site", str(site.root), "--quiet"]) == 0  # no cache yet: every page
            pages = sum(len(call.args[1]) for call in streamed.call_args_list)
        _built(site, 0)
        assert _rendered(site.root, monkeypatch) == 0
        site.edit(LAM_DONG_2019, lambda text: re.sub(r"(publisher: Báo Lâm Đồng)[^\n]*", r"\1 (sửa)", text, count=1))
        again = _rendered(site.root, monkeypatch)
        assert 0 < again < pages // 4
