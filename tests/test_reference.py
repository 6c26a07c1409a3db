"""The reference dataset matches its articles figure for figure, and carries nothing they don't say."""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.load.site import Site, load_site
from generator.model.problems import Problems
from generator.model.types import BLOCKS, LEVELS, Committee, Figure, PartialDate, Record

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def site() -> Site:
    problems = Problems()
    loaded = load_site(ROOT, problems)
    assert loaded is not None and not problems.items
    return loaded


@pytest.fixture(scope="module")
def records(site: Site) -> dict[str, Record]:
    return {f"{r.province}/{r.stem}": r for r in site.records}


def _expected() -> dict[str, dict]:
    files = sorted((FIXTURES / "expected").glob("*.yaml"))
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in files}


EXPECTED = _expected()
BLOC_ARTICLES = sorted(k for k, v in EXPECTED.items() if v["committee"]["is_bloc"])


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


def _record_of(site: Site, article: str) -> list[Record]:
    refs = next(a.records for a in site.reviewed if a.id == article)
    return [r for r in site.records if r.ref in refs]


def test_every_bloc_article_gave_a_record_and_no_other_did(site: Site) -> None:
    for article, data in EXPECTED.items():
        listed = next(a for a in site.reviewed if a.id == article)
        if data["committee"]["is_bloc"]:
            assert len(_record_of(site, article)) == 1, article
        else:
            assert listed.records == () and listed.not_used == "province_wide", article


def test_province_wide_and_unnamed_reports_stay_out(site: Site, records: dict[str, Record]) -> None:
    assert "hai-duong/2019" not in records and "son-la/2020" not in records
    unnamed = next(a for a in site.reviewed if a.id.startswith("seed_unnamed"))
    assert unnamed.not_used == "province_not_named" and unnamed.records == ()


def _check_admissions(r: Record, adm: dict | None) -> None:
    if adm and adm.get("count") is not None:
        assert r.admissions is not None and r.admissions.admitted is not None
        assert r.admissions.admitted.count == adm["count"]
    else:
        assert r.admissions is None or r.admissions.admitted is None
    if adm and adm.get("pct_of_target") is not None:
        assert r.admissions.percent_of_target == Decimal(str(adm["pct_of_target"]))  # type: ignore[union-attr]
    if adm and adm.get("pct_of_target_min") is not None:  # "đạt trên 100%": a bound, kept as one
        assert r.admissions.percent_of_target == Decimal(str(adm["pct_of_target_min"]))  # type: ignore[union-attr]
        assert r.admissions.percent_of_target_qualifier == adm["qualifier"]  # type: ignore[union-attr]


def _check_block(key: str, name: str, r: Record, expected: dict) -> None:
    block = r.block(name)
    for level, fig in expected.items():
        level = "good" if level == "good_or_above" else level
        if level not in ("total", "rated", *LEVELS):
            continue  # e.g. a membership at the start of the term: kept in the notes
        mine = block.level(level) if block else None
        assert mine is not None, (key, name, level)
        assert mine.count == fig.get("count", fig.get("approx")), (key, name, level)
        if "pct" in fig:
            assert mine.percent == Decimal(str(fig["pct"])), (key, name, level)
        if "includes_excellent" in fig and level == "good":
            assert block.good_includes_excellent is fig["includes_excellent"], (key, name)  # type: ignore[union-attr]
    if not expected and block is not None:
        pytest.fail(f"{key}: {name} present but the hand-checked extraction has none")


@pytest.mark.parametrize("article", BLOC_ARTICLES)
def test_matches_the_hand_checked_extraction(site: Site, article: str) -> None:
    expected = EXPECTED[article]
    [r] = _record_of(site, article)
    if expected["period"] == "target_only":  # a target for a year, and nothing else
        [target] = [t for t in expected["targets"] if t["metric"] == "admissions"]
        assert r.year == target["for_period"] and r.admissions.target.count == target["value"]  # type: ignore[union-attr]
        assert not r.has_results
        return
    assert r.year == expected["results_year"]
    assert r.period.is_full_year == (expected["period"] == "full_year")
    _check_admissions(r, expected.get("admissions"))
    for name in BLOCKS:
        _check_block(article, name, r, expected.get(name) or {})


def test_distractors_are_not_recorded(records: dict[str, Record]) -> None:
    counts = {key: {f.count for _, f in _figures(r) if f.count is not None} for key, r in records.items()}
    assert 310 not in counts["thai-nguyen/2020-q1"]
    assert 62 not in counts["tuyen-quang/2021-q1"]
    assert not {14, 7, 11, 6, 36, 9} & counts["can-tho/2017-to-date"]
    assert not {134, 130, 22} & counts["hai-duong/2021"]
    assert not {32, 59, 10} & counts["dong-thap/2022-h1"]
    assert not {28, 21, 11, 8, 7, 235, 63, 130} & counts["hai-duong/2022-to-date"]
    assert not {165, 103, 159, 5356} & counts["thai-nguyen/2020-to-date"]
    assert not {90, 144, 400, 500, 112, 274} & counts["quang-nam/2022-h1"]
    assert not {1905, 150, 110} & counts["quang-nam/2024"]
    assert not {1669, 477, 36607, 2000} & counts["binh-thuan/2019-to-date"]
    assert not {2000, 2680, 25, 28} & counts["nam-dinh/2020"]
    assert not {350} & counts["dong-nai/2017-q1"]  # the year's target, kept under targets
    assert counts["ninh-thuan/2021"] == {152, 150}  # 9/9 are targets met, not ratings


# -- the registries follow the reference (restructuring_2025.md, provinces.yaml) ------------------
FEB_2025 = PartialDate(2025, 2)
JULY_EVE = dt.date(2025, 6, 30)


def _merged(site: Site, slug: str) -> str | None:
    """The new unit an old province became part of, when that was a real merger (not unchanged)."""
    old = site.registry.province(slug, "old")
    if old is None or old.merged_into is None:
        return None
    new = site.registry.province(old.merged_into, "new")
    return old.merged_into if new and (new.slug != slug or len(new.merged_from) > 1) else None


def _linked(c: Committee, link: str) -> tuple[str, str]:
    return tuple(link.split("/", 1)) if "/" in link else (c.province, link)  # type: ignore[return-value]


def test_blocs_end_in_february_2025_with_two_successors(site: Site) -> None:
    for c in site.registry.committees.values():
        if c.kind.startswith("khoi_") and c.to_year == 2025:
            assert c.ended == FEB_2025, c.key
            kinds = sorted(site.registry.committees[_linked(c, s)].kind for s in c.successors)
            assert kinds == ["co_quan_dang_2025", "ubnd_2025"], c.key


def test_2025_committees_of_merged_provinces_end_on_30_june(site: Site) -> None:
    for c in site.registry.committees.values():
        if not c.kind.endswith("_2025"):
            continue
        formed_in_july = any(site.registry.committees[_linked(c, p)].kind.endswith("_2025") for p in c.predecessors)
        into = None if formed_in_july else _merged(site, c.province)
        if into is None:  # a committee of a new unit, or of a province left unchanged, keeps running
            assert c.ended is None and c.to_year is None, c.key
            continue
        assert (c.to_year, c.ended) == (2025, JULY_EVE), c.key
        [successor] = [site.registry.committees[_linked(c, s)] for s in c.successors]
        assert successor.province == into and successor.kind == c.kind, c.key
        back = [_linked(successor, p) for p in successor.predecessors]
        assert c.key in back, (c.key, successor.key)


def test_hue_became_a_centrally_governed_city_on_1_january_2025(site: Site) -> None:
    hue = site.registry.province("thua-thien-hue", "old")
    assert hue is not None
    assert hue.type_on(dt.date(2024, 12, 31)) == "province"
    assert hue.type_on(dt.date(2025, 1, 1)) == "municipality"
    assert site.registry.province("hue", "new").type == "municipality"  # type: ignore[union-attr]
    ordinary = site.registry.province("tra-vinh", "old")
    assert ordinary is not None and ordinary.type_on(dt.date(2025, 6, 30)) == "province"


@pytest.mark.parametrize("record,old,new,expected", [
    ("phu-tho/khoi-cac-co-quan/2020", "good: {percent: 95, base: unstated,", "good: {percent: 95,",
     ":13:3: error: it is not said what the 95% of 'good' is a share of in 'members'"),
    ("tra-vinh/khoi-co-quan-va-doanh-nghiep/2022", "completed: {count: 5, of: 85,", "completed: {count: 5, of: 85, "
     "percent: 5.88, base: unstated,", ":15:3: error: 'completed' gives 'of: 85' and 'base: unstated'"),
])
def test_a_percent_must_say_its_base(tmp_path: Path, capsys: pytest.CaptureFixture[str], record: str, old: str,
                                     new: str, expected: str) -> None:
    copy = tmp_path / "site"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("output", ".git", "tests", "docs", "generator"))
    path = copy / "content/records" / f"{record}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["check", "--site", str(copy)]) == 1
    assert expected in capsys.readouterr().err
