"""The reference dataset matches its articles figure for figure, and carries nothing they don't say."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.load.site import load_site
from generator.model.problems import Problems
from generator.model.types import BLOCKS, LEVELS, Figure, Record
from generator.render.formats import number

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLE_FOR = {
    "phu-tho/2020": "seed_phu-tho_2020.txt", "tra-vinh/2022": "seed_tra-vinh_2022.txt",
    "lam-dong/2019": "seed_lam-dong_2019.txt", "tuyen-quang/2022-q1": "seed_tuyen-quang_2022-q1.txt",
    "quang-ngai/2021": "01_quang-ngai_2021.txt", "hai-duong/2021": "03_hai-duong_2021.txt",
    "dong-thap/2020": "05_dong-thap_2020.txt", "hai-phong/2023": "07_hai-phong_2023.txt",
    "dong-thap/2022-h1": "09_dong-thap_2022.txt", "dong-nai/2018-to-date": "11_dong-nai_2018.txt",
    "can-tho/2017-to-date": "13_can-tho_2017.txt", "tuyen-quang/2021-q1": "15_tuyen-quang_2021.txt",
    "thai-nguyen/2020-q1": "19_thai-nguyen_2020.txt",
}
EXPECTED_FOR = {k: v.replace(".txt", ".yaml") for k, v in ARTICLE_FOR.items() if not v.startswith("seed")}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    problems = Problems()
    site = load_site(ROOT, problems)
    assert site is not None and not problems.errors
    return {f"{r.province}/{r.stem}": r for r in site.records}


def _figures(r: Record) -> list[tuple[str, Figure]]:
    found = []
    for name in BLOCKS:
        block = r.block(name)
        if block:
            found += [(f"{name}.{lv}", block.level(lv)) for lv in ("total", "rated", *LEVELS) if block.level(lv)]
    if r.admissions:
        a = r.admissions
        found += [(f"admissions.{k}", f) for k, f in (("admitted", a.admitted), ("target", a.target),
                                                      ("exceeded_by", a.exceeded_by)) if f]
    found += [(f"mass.{k}", f) for k, f in r.mass_organizations.items()]
    return found


def test_every_reference_record_has_its_article(records: dict[str, Record]) -> None:
    assert set(records) == set(ARTICLE_FOR)


def test_province_wide_and_unnamed_reports_stay_out(records: dict[str, Record]) -> None:
    assert "hai-duong/2019" not in records  # 17: province-wide, not a bloc's results
    for expected in (FIXTURES / "expected").glob("*.yaml"):
        data = yaml.safe_load(expected.read_text(encoding="utf-8"))
        if not data["committee"]["is_bloc"]:
            assert f"{data['province']['slug']}/{data['results_year']}" not in records


@pytest.mark.parametrize("key", sorted(ARTICLE_FOR))
def test_quotes_are_in_the_article(records: dict[str, Record], key: str) -> None:
    article = _norm((FIXTURES / "articles" / ARTICLE_FOR[key]).read_text(encoding="utf-8"))
    for quote in records[key].quotes():
        assert _norm(quote) in article, quote


@pytest.mark.parametrize("key", sorted(ARTICLE_FOR))
def test_each_figure_is_written_in_its_quote(records: dict[str, Record], key: str) -> None:
    for where, fig in _figures(records[key]):
        if fig.quote is None:
            continue  # a figure without its own quote is covered by the record-level quote test
        text = _norm(fig.quote)
        if fig.count is not None:
            written = {number(fig.count), f"{fig.count:02d}", str(fig.count)}
            if fig.qualifier == "gần" and fig.count % 1000 == 0:
                written.add(f"{fig.count // 1000} ngàn")
            assert any(re.search(rf"(?<![\d.,]){re.escape(w)}(?![\d,]|\.\d)", text) for w in written), (where, text)
        if fig.percent is not None:
            assert number(fig.percent) + "%" in text.replace("% ", "%"), (where, text)


@pytest.mark.parametrize("key", sorted(EXPECTED_FOR))
def test_matches_the_hand_checked_extraction(records: dict[str, Record], key: str) -> None:
    expected = yaml.safe_load((FIXTURES / "expected" / EXPECTED_FOR[key]).read_text(encoding="utf-8"))
    r = records[key]
    assert r.year == expected["results_year"]
    assert r.period.is_full_year == (expected["period"] == "full_year")
    adm = expected.get("admissions")
    if adm:
        assert r.admissions.admitted.count == adm["count"]
        if adm.get("pct_of_target") is not None:
            assert r.admissions.percent_of_target == Decimal(str(adm["pct_of_target"]))
    else:
        assert r.admissions is None or r.admissions.admitted is None
    for name in BLOCKS:
        block_expected = expected.get(name) or {}
        block = r.block(name)
        for level, fig in block_expected.items():
            mine = block.level(level) if block else None
            assert mine is not None, (name, level)
            assert mine.count == fig.get("count", fig.get("approx")), (name, level)
            if "pct" in fig:
                assert mine.percent == Decimal(str(fig["pct"])), (name, level)
            if "includes_excellent" in fig and level == "good":
                assert block.good_includes_excellent is fig["includes_excellent"]
        if not block_expected and block is not None:
            # the record may only add what the article states; the oracle lists all stated levels
            pytest.fail(f"{key}: {name} present but the hand-checked extraction has none")


def test_distractors_are_not_recorded(records: dict[str, Record]) -> None:
    counts = {key: {f.count for _, f in _figures(r) if f.count is not None} for key, r in records.items()}
    assert 310 not in counts["thai-nguyen/2020-q1"]
    assert 62 not in counts["tuyen-quang/2021-q1"]
    assert not {14, 7, 11, 6, 36, 9} & counts["can-tho/2017-to-date"]
    assert not {134, 130, 22} & counts["hai-duong/2021"]
    assert not {32, 59, 10} & counts["dong-thap/2022-h1"]
