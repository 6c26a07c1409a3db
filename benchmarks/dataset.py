"""Write a complete synthetic national site (site.yaml, registries, N records) for benchmarks.

    python benchmarks/dataset.py --records 3000 --out /tmp/national

Every record is marked `synthetic: true`, its figures are internally consistent (levels add up to
those rated, percents match their counts), and it is written to DIR only — never into content/.
`python -m generator build --site DIR` builds it.
"""
from __future__ import annotations

import argparse
import math
import random
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(2010, 2026)
KINDS = [("khoi-cac-co-quan", "khoi_cac_co_quan", "Đảng bộ Khối các cơ quan"),
         ("khoi-doanh-nghiep", "khoi_doanh_nghiep", "Đảng bộ Khối Doanh nghiệp"),
         ("khoi-co-quan-va-doanh-nghiep", "khoi_co_quan_va_doanh_nghiep", "Đảng bộ Khối các cơ quan và doanh nghiệp")]


def pct(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def split(rng: random.Random, total: int) -> list[int]:
    """Four rating levels that add up to `total`, mostly good, few not completed."""
    excellent = int(total * rng.uniform(0.1, 0.3))
    completed = int(total * rng.uniform(0.0, 0.08))
    not_completed = int(total * rng.uniform(0.0, 0.02))
    return [excellent, total - excellent - completed - not_completed, completed, not_completed]


def block(rng: random.Random, rated: int) -> str:
    excellent, good_only, completed, not_completed = split(rng, rated)
    includes = rng.random() < 0.6
    good = good_only + excellent if includes else good_only
    total = rated + rng.randint(0, max(1, rated // 20))
    return (f"  total: {total}\n  rated: {rated}\n  good_includes_excellent: {str(includes).lower()}\n"
            f"  good: {{count: {good}, percent: {pct(good, rated)}}}\n  excellent: {excellent}\n"
            f"  completed: {completed}\n  not_completed: {not_completed}\n")


def record(rng: random.Random, province: str, committee: str, year: int) -> str:
    orgs, members = rng.randint(30, 250), rng.randint(1500, 9000)
    target = rng.randint(80, 300)
    admitted = int(target * rng.uniform(0.8, 1.4))
    return (f"# SYNTHETIC benchmark data, not real figures.\nsynthetic: true\nprovince: {province}\n"
            f"committee: {committee}\nyear: {year}\nsources:\n  - url: https://example.org/synthetic/{province}/{committee}/{year}\n"
            f"    publisher: Synthetic\n    published: {year + 1}-01-15\n    title: Synthetic record {province} {committee} {year}\n"
            f"organizations:\n{block(rng, orgs)}collectives:\n{block(rng, orgs - rng.randint(0, 5))}"
            f"members:\n{block(rng, members)}"
            f"admissions:\n  admitted: {admitted}\n  target: {target}\n  percent_of_target: {pct(admitted, target)}\n")


def write(out: Path, records: int, seed: int = 2025) -> int:
    rng = random.Random(seed)
    provinces = yaml.safe_load((ROOT / "content/provinces.yaml").read_text(encoding="utf-8"))["before_2025_07_01"]
    per_province = max(2, math.ceil(records / (len(provinces) * len(YEARS))))
    if out.exists():
        shutil.rmtree(out)
    (out / "content/records").mkdir(parents=True)
    shutil.copy(ROOT / "content/provinces.yaml", out / "content/provinces.yaml")
    config = (ROOT / "site.yaml").read_text(encoding="utf-8")
    (out / "site.yaml").write_text(config.replace("title: ", "title: (SYNTHETIC) ", 1), encoding="utf-8")
    shutil.copytree(ROOT / "content/pages", out / "content/pages")
    committees = []
    for p in provinces:
        committees.append(f"{p['slug']}:")
        for i in range(per_province):
            cid, kind, name = KINDS[i] if i < len(KINDS) else (f"khoi-tong-hop-{i + 1}", "khoi_cac_co_quan",
                                                                 f"Đảng bộ Khối tổng hợp {i + 1}")
            committees.append(f"  - id: {cid}\n    kind: {kind}\n    names:\n      - name: {name} {p['name']} (synthetic)")
    (out / "content/committees.yaml").write_text("\n".join(committees) + "\n", encoding="utf-8")
    written = 0
    for year in YEARS:
        for i in range(per_province):
            for p in provinces:
                if written >= records:
                    return written
                cid = KINDS[i][0] if i < len(KINDS) else f"khoi-tong-hop-{i + 1}"
                folder = out / "content/records" / p["slug"] / cid
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"{year}.yaml").write_text(record(rng, p["slug"], cid, year), encoding="utf-8")
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    n = write(args.out, args.records, args.seed)
    print(f"Wrote {n} synthetic records to {args.out}")


if __name__ == "__main__":
    main()
