"""Records read newest first: a province's record sections and every records table list the newest
period first, whatever committee reported it, and in a year the full year before its parts."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

# A record's anchor ends in its file stem: 2022 (the full year), 2023-q1, 2025-h1, 2024-9m, 2025-to-date.
STEM = re.compile(r'id="(?:r|row-[a-z-]+?)-[a-z0-9-]*?-(20\d\d)(-[a-z0-9-]+)?"')


def order(html: str, selector: str) -> list[tuple[int, bool]]:
    """(year, is the full year) of each record anchored by `selector` (section or table row), in page order."""
    return [(int(m.group(1)), m.group(2) is None) for m in re.finditer(selector + r'[^>]*?' + STEM.pattern, html)]


@pytest.mark.parametrize("page", ["provinces/tra-vinh/", "provinces/tuyen-quang/", "provinces/vinh-long/",
                                  "provinces/tuyen-quang/khoi-co-quan-va-doanh-nghiep/", "en/provinces/tra-vinh/"])
def test_records_are_listed_newest_first(test_site_output: Path, page: str) -> None:
    html = (test_site_output / page / "index.html").read_text(encoding="utf-8")
    found = order(html, '<section class="record" ') + order(html, "<tr ")
    assert found, page
    sections = order(html, '<section class="record" ')
    assert sections == sorted(sections, reverse=True), (page, sections)  # newer years first; a full year first
    for table in html.split("<table")[1:]:
        rows = order(table.split("</table>")[0], "<tr ")
        assert rows == sorted(rows, reverse=True), (page, rows)
