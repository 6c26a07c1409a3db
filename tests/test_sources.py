"""Every article accounted for: content/sources.yaml lists each article read, its records or why
none, is checked on load with located messages, and becomes the "sources reviewed" page in both
editions."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.load.site import load_site
from generator.model.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
SOURCES = "content/sources.yaml"


def copy_site(target: Path) -> Path:
    target.mkdir()
    shutil.copy(ROOT / "site.yaml", target / "site.yaml")
    shutil.copytree(ROOT / "content", target / "content")
    shutil.copytree(ROOT / "templates", target / "templates")
    return target


@pytest.fixture
def built(portal: Path) -> Path:
    return portal / "output"


def test_every_saved_article_is_listed_once() -> None:
    problems = Problems()
    site = load_site(ROOT, problems)
    assert site is not None and not problems.items
    ids = [a.id for a in site.reviewed]
    assert sorted(ids) == sorted(p.stem for p in ARTICLES.glob("*.txt"))
    assert len(ids) == len(set(ids)) == 25
    unused = {a.id: a.not_used for a in site.reviewed if not a.records}
    assert unused == {"17_hai-duong_2019": "province_wide", "18_son-la_2020": "province_wide",
                      "seed_unnamed-province_mid-term": "province_not_named"}
    assert all(a.note for a in site.reviewed if not a.records)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("prefix,reason", [("", "báo cáo của toàn Đảng bộ tỉnh"), ("en/", "the whole provincial")])
def test_the_page_lists_every_article_with_its_records_or_reason(built: Path, prefix: str, reason: str) -> None:
    page = (built / prefix / "sources/index.html").read_text(encoding="utf-8")
    assert page.count('<tr id="article-') == 25
    links = re.findall(r'href="/(?:en/)?(provinces/[a-z-]+/)#(r-[a-z0-9-]+)"', page)
    assert len(links) == 22  # every record, once
    for province_page, anchor in links:  # each link lands on the record
        assert f'id="{anchor}"' in (built / prefix / province_page / "index.html").read_text(encoding="utf-8")
    assert _text(page).count(reason) == 2
    # Each row's id is its article's id in content/sources.yaml: a link to it survives articles added before it.
    ids = re.findall(r'<tr id="article-([^"]+)">', page)
    assert ids[:3] == ["seed_phu-tho_2020", "seed_tra-vinh_2022", "seed_lam-dong_2019"]
    assert "17_hai-duong_2019" in ids and len(set(ids)) == 25
    unknown = "không rõ ngày đăng" if not prefix else "publication date unknown"
    assert _text(page).count(unknown) == 2  # Nam Định's "published: unknown" and the unnamed seed
    home = (built / prefix / "index.html").read_text(encoding="utf-8")
    assert f'href="/{prefix}sources/"' in home  # linked from the footer


def test_a_record_no_article_names_is_still_listed(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    path = site / SOURCES
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    records: [bac-lieu/khoi-cac-co-quan/2023]\n",
                                 "    not_used: no_bloc_figures\n    title: T\n    note: N\n"), encoding="utf-8")
    assert main(["build", "--site", str(site)]) == 0
    page = (site / "output/sources/index.html").read_text(encoding="utf-8")
    assert page.count('<tr id="article-') == 26 and "#r-khoi-cac-co-quan-2023" in page
    # The record's row, named by no article, takes its id from the article's address (a digest of it).
    row = page.split("#r-khoi-cac-co-quan-2023")[0].rsplit("<tr ", 1)[1]
    assert re.match(r'id="article-[0-9a-f]{12}"', row), row[:40]


CASES = [
    ("records and not_used", "    records: [bac-lieu/khoi-cac-co-quan/2023]\n",
     "    records: [bac-lieu/khoi-cac-co-quan/2023]\n    not_used: province_wide\n",
     ":41:5: error: an article needs either 'records' or 'not_used'"),
    ("unknown reason", "    not_used: province_not_named\n", "    not_used: no_province\n",
     ":22:15: error: 'not_used' cannot be 'no_province'"),
    ("record named twice", "    records: [bac-lieu/khoi-cac-co-quan/2023]\n",
     "    records: [quang-ngai/khoi-co-quan-va-doanh-nghiep/2021]\n",
     ":41:5: error: the record 'quang-ngai/khoi-co-quan-va-doanh-nghiep/2021' is named by '01_quang-ngai_2021' "
     "and '06_bac-lieu_2023'"),
    ("no such record", "    records: [bac-lieu/khoi-cac-co-quan/2023]\n",
     "    records: [bac-lieu/khoi-cac-co-quan/2022]\n",
     ":41:5: warning: article '06_bac-lieu_2023' names no record 'bac-lieu/khoi-cac-co-quan/2022'; "
     "did you mean 'bac-lieu/khoi-cac-co-quan/2023'?"),
    ("badly written record", "    records: [bac-lieu/khoi-cac-co-quan/2023]\n", "    records: [bac-lieu/2023]\n",
     ":42:15: error: each item of 'records' should name a record as province/committee/year"),
    ("duplicate id", "  - id: 06_bac-lieu_2023\n", "  - id: 04_nam-dinh_2020\n",
     ":41:5: error: the article '04_nam-dinh_2020' is listed twice"),
    ("unknown province", "    province: son-la\n", "    province: son-laa\n",
     ":73:5: error: unknown province 'son-laa'; did you mean 'son-la'?"),
    ("missing note", "    not_used: province_not_named\n    title:", "    not_used: province_not_named\n    titl:",
     ":21:5: error: missing"),
]


@pytest.mark.parametrize("what,old,new,expected", CASES, ids=[c[0] for c in CASES])
def test_mistakes_are_reported_where_they_are(site: Path, capsys: pytest.CaptureFixture[str], what: str, old: str,
                                             new: str, expected: str) -> None:
    path = site / SOURCES
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    main(["check", "--site", str(site)])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith(SOURCES)]
    assert any(expected in line for line in lines), (expected, lines)
