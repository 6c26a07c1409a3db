"""The hand-checked truth of the development articles, and the extractor's score against it.

The twenty articles come with hand-checked extractions (tests/fixtures/expected/, copied unchanged
from the shared reference); the seed articles' hand-checked figures are the reference records in
content/records/. A figure is (block, level, kind, value); only rating, admission, total,
mass-organisation and rating/admission target figures are scored. Besides figures, each article's
province, committee, year, period, whose report it is and whether the saved text is cut off.

`cross_validate()` is the honest measure: the articles are split in two halves; each half is read
with the rules minus every alternative written only for that half (see generator/extract/rules.yaml),
then the halves swap. `leave_one_out()` does the same one article at a time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.extract import Draft, Report, Rules, extract, figures, level_figures
from generator.load.site import load_site
from generator.model.problems import Problems
from generator.model.types import BLOCKS, LEVELS, Record, Registry

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED_RECORDS = {"seed_phu-tho_2020.txt": "phu-tho/2020", "seed_tra-vinh_2022.txt": "tra-vinh/2022",
                "seed_lam-dong_2019.txt": "lam-dong/2019", "seed_tuyen-quang_2022-q1.txt": "tuyen-quang/2022-q1"}
SCORED_TARGETS = {"organizations_good_or_above", "organizations_not_completed", "members_good_or_above",
                  "members_completed_or_above", "admissions"}
# Province-wide reports in which the bloc is one line of a list (from the expected files' notes).
BLOC_LINES = {"16_quang-nam_2024.txt", "19_thai-nguyen_2020.txt", "20_binh-thuan_2019.txt"}
_D = Decimal
# The values of each article's `distractors:` (and of its other units' figures): numbers that look like
# the bloc's results but are not. None of them may come out as a bloc figure.
DISTRACTORS: dict[str, set[Any]] = {
    "02_ninh-thuan_2021.txt": {9, 150},
    "03_hai-duong_2021.txt": {22, 134, 130, _D("79.85"), 17},
    "04_nam-dinh_2020.txt": {2000, 2680, 25, 28},
    "07_hai-phong_2023.txt": {5, 4, 3, 2},
    "08_hai-duong_2022.txt": {28, 21, 11, 8, 7, 235, 63},
    "09_dong-thap_2022.txt": {32, 59, 10},
    "10_thai-nguyen_2020.txt": {165, 103, 159},
    "12_dong-nai_2017.txt": {_D("3.02"), _D("6.6"), 50},
    "13_can-tho_2017.txt": {14, 7, 11, 6, 36, 9, _D("233.3"), _D("233.5"), 220, 200, 180},
    "14_quang-nam_2022.txt": {90, 21, 4, 11, 400, 144, 500, 112, 274},
    "15_tuyen-quang_2021.txt": {62, 25, 7, 4},
    "16_quang-nam_2024.txt": {1905, 150, 110, 125, 90, 115, 87, 30, 48, 77, 80, 95, 12, 29, 15},
    "17_hai-duong_2019.txt": {662, 686, 604, _D("91.2"), _D("23.8"), _D("8.8"), _D("90.33"), _D("9.1"),
                              _D("0.57"), 6, 45, 8, 5, 59},
    "18_son-la_2020.txt": {100, 120, 451, 27, 2},
    "19_thai-nguyen_2020.txt": {310, 60, 38, 100},
    "20_binh-thuan_2019.txt": {1669, _D("83.45"), 2000, 477, 248, 14, 2370, 229, 36607},
}
Figure = tuple[str, str, str, Decimal]


@dataclass(frozen=True)
class Truth:
    figures: frozenset[Figure]
    province: str
    committee_kind: str | None  # None: not a bloc's report
    year: int | None
    period: str  # full_year | partial | target_only
    report: Report
    truncated: bool | None  # None: not known (seed articles)


def _block_figures(data: dict[str, Any]) -> set[Figure]:
    out: set[Figure] = set()
    for block in BLOCKS:
        for level, fig in (data.get(block) or {}).items():
            level = {"good_or_above": "good", "total_at_term_start": "total"}.get(level, level)
            if fig.get("count") is not None or fig.get("approx") is not None:
                out.add((block, level, "count", Decimal(str(fig.get("count", fig.get("approx"))))))
            if "pct" in fig:
                out.add((block, level, "pct", Decimal(str(fig["pct"]))))
    return out


def _admission_figures(adm: dict[str, Any]) -> set[Figure]:
    out: set[Figure] = set()
    if adm.get("count") is not None:
        out.add(("admissions", "admitted", "count", Decimal(adm["count"])))
    if adm.get("target") is not None:
        out.add(("admissions", "target", "count", Decimal(adm["target"])))
    pot = adm.get("pct_of_target", adm.get("pct_of_target_min"))
    if pot is not None:
        out.add(("admissions", "percent_of_target", "pct", Decimal(str(pot))))
    if adm.get("exceeded_by") is not None:
        text = str(adm["exceeded_by"])
        kind = "pct" if text.endswith("%") else "count"
        out.add(("admissions", "exceeded_by", kind, Decimal(text.rstrip("%").replace(",", "."))))
    return out


def _target_figures(targets: list[dict[str, Any]]) -> set[Figure]:
    out: set[Figure] = set()
    for t in targets:
        metric = t["metric"].removesuffix("_pct")
        if metric not in SCORED_TARGETS:
            continue
        if "range" in t:
            out.add(("targets", metric, "min", Decimal(t["range"][0])))
            out.add(("targets", metric, "max", Decimal(t["range"][1])))
        for k in ("value", "min"):
            if k in t:
                bound = "min" if k == "value" and t.get("qualifier") == "trở lên" else k
                out.add(("targets", metric, bound, Decimal(str(t[k]))))
    return out


def _from_expected(name: str, data: dict[str, Any]) -> Truth:
    committee = data["committee"]
    is_bloc = bool(committee["is_bloc"])
    found = _block_figures(data) | _admission_figures(data.get("admissions") or {}) | \
        _target_figures(data.get("targets") or []) if is_bloc else set()
    report = Report.BLOC_LINE if name in BLOC_LINES else Report.BLOC if is_bloc else Report.OTHER_UNIT
    return Truth(frozenset(found), data["province"]["slug"], committee["kind"] if is_bloc else None,
                 data.get("results_year"), data["period"], report, data["text_completeness"] == "truncated")


def _from_record(record: Record) -> Truth:
    out: set[Figure] = set()
    for block in BLOCKS:
        b = record.block(block)
        for level in ("total", "rated", *LEVELS):
            f = b.level(level) if b is not None else None
            if f is not None:
                out |= level_figures(block, level, f)
    a = record.admissions
    if a is not None and a.admitted and a.admitted.count is not None:
        out.add(("admissions", "admitted", "count", Decimal(a.admitted.count)))
    if a is not None and a.target is not None and a.target.count is not None:
        out.add(("admissions", "target", "count", Decimal(a.target.count)))
    if a is not None and a.percent_of_target is not None:
        out.add(("admissions", "percent_of_target", "pct", a.percent_of_target))
    for t in record.targets:
        out |= {("targets", t.metric, k, v) for k, v in (("value", t.value), ("min", t.min), ("max", t.max))
                if t.metric in SCORED_TARGETS and v is not None}
    out |= {("mass", k, "pct", f.percent) for k, f in record.mass_organizations.items() if f.percent is not None}
    kind = record.committee.replace("-", "_")
    period = "full_year" if record.period.is_full_year else "partial"
    return Truth(frozenset(out), record.province, kind, record.year, period, Report.BLOC, None)


@dataclass(repr=False)  # short in a failing test's report
class Site:
    registry: Registry
    truth: dict[str, Truth]


def load() -> Site:
    """The registry and every development article's truth (the site is loaded once)."""
    site = load_site(ROOT, Problems())
    assert site is not None
    truth = {p.stem + ".txt": _from_expected(p.stem + ".txt", yaml.safe_load(p.read_text(encoding="utf-8")))
             for p in sorted((FIXTURES / "expected").glob("*.yaml"))}
    records = {f"{r.province}/{r.stem}": r for r in site.records}
    truth |= {article: _from_record(records[key]) for article, key in SEED_RECORDS.items()}
    return Site(site.registry, truth)


def tag(article: str) -> str:
    """The name rules.yaml uses for an article: "01", or "s-phu-tho" for a seed."""
    return "s-" + article.split("_")[1] if article.startswith("seed_") else article[:2]


def halves(articles: list[str]) -> tuple[list[str], list[str]]:
    """Odd-numbered articles with two seeds; even-numbered ones with the other two."""
    first = [a for a in articles if (a[:2].isdigit() and int(a[:2]) % 2 == 1)
             or tag(a) in ("s-phu-tho", "s-lam-dong")]
    return first, [a for a in articles if a not in first]


# -- scoring ------------------------------------------------------------------------------------
def _period_of(draft: Draft) -> str:
    if draft.target_only:
        return "target_only"
    return "full_year" if draft.period.is_full_year else "partial"


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    distractors: list[str] = field(default_factory=list)
    identity: dict[str, list[bool]] = field(default_factory=dict)  # what -> one result per article
    lines: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / max(self.right + self.wrong, 1)

    @property
    def recall(self) -> float:
        return self.right / max(self.right + self.missed, 1)

    def accuracy(self, what: str) -> tuple[int, int]:
        results = self.identity.get(what, [])
        return sum(results), len(results)

    def add(self, article: str, draft: Draft, truth: Truth) -> None:
        got = {f for f in figures(draft) if f[0] != "targets" or f[1] in SCORED_TARGETS}
        if truth.report is Report.OTHER_UNIT and draft.report is Report.OTHER_UNIT:
            got = set()
        right, wrong, missed = got & truth.figures, got - truth.figures, truth.figures - got
        self.right, self.wrong, self.missed = self.right + len(right), self.wrong + len(wrong), \
            self.missed + len(missed)
        values = DISTRACTORS.get(article, set())
        self.distractors += [f"{article}: {f}" for f in wrong
                             if f[3] in values or truth.report is Report.OTHER_UNIT]
        checks = {"province": draft.province == truth.province,
                  "committee": (draft.committee_kind if draft.report is not Report.OTHER_UNIT else None)
                  == truth.committee_kind,
                  "report": draft.report is truth.report, "period": _period_of(draft) == truth.period}
        if truth.year is not None:
            checks["year"] = draft.year == truth.year
        if truth.truncated is not None:
            checks["cut_off"] = (draft.cut_off is not None) == truth.truncated
        for what, ok in checks.items():
            self.identity.setdefault(what, []).append(ok)
        bad = [w for w, ok in checks.items() if not ok]
        self.lines.append(f"{article}: {len(right)}/{len(truth.figures)} found; wrong: {sorted(wrong)}; "
                          f"missed: {sorted(missed)}" + (f"; identity wrong: {bad}" if bad else ""))

    def merge(self, other: Score) -> None:
        self.right, self.wrong, self.missed = (self.right + other.right, self.wrong + other.wrong,
                                               self.missed + other.missed)
        self.distractors += other.distractors
        self.lines += other.lines
        for what, results in other.identity.items():
            self.identity.setdefault(what, []).extend(results)

    def summary(self) -> str:
        parts = [f"precision {self.precision:.3f}", f"recall {self.recall:.3f}",
                 f"({self.right} right, {self.wrong} wrong, {self.missed} missed)",
                 f"distractors reported {len(self.distractors)}"]
        parts += [f"{what} {ok}/{n}" for what in ("province", "committee", "report", "year", "period", "cut_off")
                  for ok, n in [self.accuracy(what)]]
        return ", ".join(parts)


def score(site: Site, articles: list[str], rules: Rules) -> Score:
    result = Score()
    for article in articles:
        text = (FIXTURES / "articles" / article).read_text(encoding="utf-8")
        result.add(article, extract(text, site.registry, rules), site.truth[article])
    return result


def cross_validate(site: Site, strict: bool = False) -> tuple[Score, list[tuple[list[str], Score]]]:
    """Each half read with the rules minus the alternatives written only for that half; then merged.

    `strict`: vocabulary tagged general but first noticed in an article ("general 12") counts as that
    article's, so it is held out with it too.
    """
    total = Score()
    folds = []
    for held_out in halves(sorted(site.truth)):
        rules = Rules.load(held_out=frozenset(tag(a) for a in held_out), strict=strict)
        fold_score = score(site, held_out, rules)
        folds.append((held_out, fold_score))
        total.merge(fold_score)
    return total, folds


def leave_one_out(site: Site, strict: bool = False) -> Score:
    total = Score()
    for article in sorted(site.truth):
        total.merge(score(site, [article], Rules.load(held_out=frozenset({tag(article)}), strict=strict)))
    return total
