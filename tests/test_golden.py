"""Golden output: the test site's WHOLE built output compared, file by file, with tests/golden/.

After an intended change to the output, run `python scripts/update_goldens.py` and review
`git diff tests/golden` before committing. This test never writes the goldens.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml

import generator
from tests.goldens import GOLDEN, SHOWN_FILES, SITE, compare, file_diff, files_under, report

TEMPLATES = Path(generator.__file__).resolve().parent / "render" / "theme" / "templates"

# Where each page type's pages are written (vi at the root, en under en/).
PAGE_TYPES = {
    "home": r"index\.html", "provinces": r"provinces/index\.html", "province": r"provinces/[^/]+/index\.html",
    "committee": r"provinces/[^/]+/[^/]+/index\.html", "years": r"years/index\.html",
    "year": r"years/\d{4}/index\.html", "indicators": r"indicators/index\.html",
    "indicator": r"indicators/[^/]+/index\.html", "page": r"(about|methodology)/index\.html",
    "data": r"data/index\.html", "search": r"search/index\.html", "embed": r"embed/[^/]+/index\.html",
    "404": r"404\.html", "sources": r"sources/index\.html",
}


def test_whole_output_matches_the_goldens(test_site_output: Path) -> None:
    golden, built = files_under(GOLDEN), files_under(test_site_output)
    assert golden, f"{GOLDEN} is empty: run `python scripts/update_goldens.py`"
    result = compare(golden, built)
    if result:
        pytest.fail(report(result, golden, built), pytrace=False)


def test_the_test_site_has_every_page_type_in_both_languages(test_site_output: Path) -> None:
    templates = {p.stem for p in TEMPLATES.glob("*.html") if not p.stem.startswith("_")} - {"base", "macros"}  # _x: partials
    assert templates
    assert sorted(templates - set(PAGE_TYPES)) == [], "a new page type: add it to PAGE_TYPES and to tests/site"
    names = list(files_under(test_site_output))
    for kind, pattern in PAGE_TYPES.items():
        for prefix in ("", "en/"):
            assert any(re.fullmatch(prefix + pattern, n) for n in names), (kind, prefix)


def test_the_test_site_has_partial_periods_approximations_derived_figures_and_lineage(
        test_site_output: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((test_site_output / "data/records.csv").read_text(encoding="utf-8-sig"))))
    assert {"full_year", "quarter", "half_year", "to_date"} <= {r["period"] for r in rows}
    values = [v for r in rows for v in r.values()]
    assert "gần" in values and "trên" in values
    assert any(k.endswith("_derived") and v == "true" for r in rows for k, v in r.items())
    assert {r["year"] for r in rows} >= {"2019", "2024", "2025"}  # before and after February 2025
    province = (test_site_output / "provinces/tra-vinh/index.html").read_text(encoding="utf-8")
    assert 'href="/portal/provinces/vinh-long/"' in province  # merged into on 1 July 2025
    committee = (test_site_output / "provinces/tra-vinh/dang-bo-ubnd/index.html").read_text(encoding="utf-8")
    assert 'href="/portal/provinces/vinh-long/dang-bo-ubnd/"' in committee  # a successor in another province
    assert (test_site_output / "feed.xml").is_file() and (test_site_output / "sitemap.xml").is_file()


# -- the comparison itself --------------------------------------------------------------------------------
def test_report_names_missing_extra_and_changed_files_and_shows_the_first_diffs() -> None:
    golden = {"a.html": b"<p>1</p>\n", "gone.html": b"x", **{f"p{i}.html": b"same\nold\n" for i in range(5)}}
    built = {"a.html": b"<p>2</p>\n", "new.html": b"y", **{f"p{i}.html": b"same\nnew\n" for i in range(5)}}
    result = compare(golden, built)
    assert (result.missing, result.extra) == (["gone.html"], ["new.html"])
    assert result.changed == ["a.html"] + [f"p{i}.html" for i in range(5)]
    text = report(result, golden, built)
    assert "gone.html" in text and "new.html" in text and "6 file(s) changed" in text
    assert "-<p>1</p>\n+<p>2</p>" in text
    shown = [n for n in result.changed if f"+++ built/{n}" in text]
    assert shown == result.changed[:SHOWN_FILES]
    assert "scripts/update_goldens.py" in text


def test_a_change_deep_in_a_long_line_is_shown_not_cut_off() -> None:
    cells = ",".join(f'"{i}"' for i in range(2000))
    old = f'<script type="application/json">[{cells}]</script>\n'.encode()
    new = old.replace(b'"1999"', b'"changed"')
    diff = file_diff("page.html", old, new)
    assert '"changed"' in diff and '"1999"' in diff
    assert max(len(line) for line in diff.splitlines()) < 300
    assert "binary" in file_diff("x.png", b"\x89PNG\xff", b"\x89PNG\xfe")


def test_the_test_site_pins_the_portals_chartjs() -> None:
    """The browser tests serve the pinned Chart.js of site.yaml to the test site's pages."""

    def pin(path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8"))["chartjs"]

    assert pin(SITE / "site.yaml") == pin(SITE.parent.parent / "site.yaml")
