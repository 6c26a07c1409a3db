"""The hand-checked figures of the development articles, as (block, level, kind, value) tuples.

The ten articles come with hand-checked extractions (tests/fixtures/expected/); the seed articles'
hand-checked figures are the reference records in content/records/. Only rating, admission, total,
mass-organisation and rating/admission target figures are scored; awards and other non-rating
figures are not.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from generator.extract import level_figures
from generator.load.site import load_site
from generator.model.types import BLOCKS, LEVELS, Record
from generator.model.problems import Problems

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_RECORDS = {"seed_phu-tho_2020.txt": "phu-tho/2020", "seed_tra-vinh_2022.txt": "tra-vinh/2022",
                "seed_lam-dong_2019.txt": "lam-dong/2019", "seed_tuyen-quang_2022-q1.txt": "tuyen-quang/2022-q1"}
SCORED_TARGETS = {"organizations_good_or_above", "organizations_not_completed", "members_good_or_above",
                  "members_completed_or_above", "admissions"}
# Numbers in each article that look like results but are not the bloc's (from the expected files'
# `distractors`), as values: none of them may come out as a bloc figure.
DISTRACTORS = {
    "03_hai-duong_2021.txt": {22, 134, 130, Decimal("79.85"), 17},
    "07_hai-phong_2023.txt": {5, 4, 3, 2},
    "09_dong-thap_2022.txt": {32, 59, 10},
    "13_can-tho_2017.txt": {14, 7, 11, 6, 36, 9, Decimal("233.3"), Decimal("233.5"), 220, 200, 180},
    "15_tuyen-quang_2021.txt": {62, 25, 7},
    "17_hai-duong_2019.txt": {662, 686, 604, Decimal("91.2"), Decimal("23.8"), Decimal("8.8"), Decimal("90.33"),
                              Decimal("9.1"), Decimal("0.57"), 6, 45, 8, 5, 59},
    "19_thai-nguyen_2020.txt": {310, 60, 38, 100},
}
Figure = tuple[str, str, str, Decimal]


def _from_expected(data: dict) -> set[Figure]:
    if not data["committee"]["is_bloc"]:
        return set()
    out: set[Figure] = set()
    for block in ("organizations", "collectives", "members"):
        for level, fig in (data.get(block) or {}).items():
            level = "good" if level == "good_or_above" else level
            if "count" in fig or "approx" in fig:
                out.add((block, level, "count", Decimal(str(fig.get("count", fig.get("approx"))))))
            if "pct" in fig:
                out.add((block, level, "pct", Decimal(str(fig["pct"]))))
    adm = data.get("admissions") or {}
    if "count" in adm:
        out.add(("admissions", "admitted", "count", Decimal(adm["count"])))
    if adm.get("pct_of_target") is not None:
        out.add(("admissions", "percent_of_target", "pct", Decimal(str(adm["pct_of_target"]))))
    if adm.get("exceeded_by") is not None:
        text = str(adm["exceeded_by"])
        kind = "pct" if text.endswith("%") else "count"
        out.add(("admissions", "exceeded_by", kind, Decimal(text.rstrip("%").replace(",", "."))))
    for t in data.get("targets") or []:
        metric = t["metric"].removesuffix("_pct")
        if metric not in SCORED_TARGETS:
            continue
        if "range" in t:
            out.add(("targets", metric, "min", Decimal(t["range"][0])))
            out.add(("targets", metric, "max", Decimal(t["range"][1])))
        for k in ("value", "min"):
            if k in t:
                out.add(("targets", metric, k, Decimal(str(t[k]))))
    return out


def _from_record(record: Record) -> set[Figure]:
    out: set[Figure] = set()
    for block in BLOCKS:
        b = record.block(block)
        for level in ("total", "rated", *LEVELS):
            f = b.level(level) if b is not None else None
            if f is not None:
                out |= level_figures(block, level, f)
    a = record.admissions
    if a is not None:
        if a.admitted and a.admitted.count is not None:
            out.add(("admissions", "admitted", "count", Decimal(a.admitted.count)))
        if a.percent_of_target is not None:
            out.add(("admissions", "percent_of_target", "pct", a.percent_of_target))
        if a.exceeded_by is not None:
            e = a.exceeded_by
            out.add(("admissions", "exceeded_by", "pct" if e.percent is not None else "count",
                     e.percent if e.percent is not None else Decimal(e.count)))  # type: ignore[arg-type]
    for t in record.targets:
        if t.metric in SCORED_TARGETS:
            for k in ("value", "min", "max"):
                if getattr(t, k) is not None:
                    out.add(("targets", t.metric, k, getattr(t, k)))
    for k, f in record.mass_organizations.items():
        if f.percent is not None:
            out.add(("mass", k, "pct", f.percent))
    return out


def expected() -> dict[str, set[Figure]]:
    oracle = {}
    for path in sorted((FIXTURES / "expected").glob("*.yaml")):
        if int(path.stem[:2]) % 2 == 1:  # the ten development articles (01, 03, …, 19); the others are held out
            oracle[path.stem + ".txt"] = _from_expected(yaml.safe_load(path.read_text(encoding="utf-8")))
    site = load_site(ROOT, Problems())
    records = {f"{r.province}/{r.stem}": r for r in site.records}  # type: ignore[union-attr]
    for article, key in SEED_RECORDS.items():
        oracle[article] = _from_record(records[key])
    return oracle
