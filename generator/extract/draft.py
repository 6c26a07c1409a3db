"""The draft record an article yields, in the model's own types, and its figures for scoring."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from generator.model.types import BLOCKS, Award, Figure, Period, Subset, Target, period_suffix

LEVEL_ORDER = ("total", "rated", "excellent", "good", "completed", "not_completed")
ScoredFigure = tuple[str, str, str, Decimal]  # (block, level, count|pct|value|min|max, value)


class Report(enum.Enum):
    """Whose results the article reports."""

    BLOC = "bloc"  # the bloc committee's own report
    BLOC_LINE = "bloc_line"  # a province-wide report in which the bloc is one line of a list
    OTHER_UNIT = "other_unit"  # the province or another unit: nothing is the bloc's


@dataclass(frozen=True)
class Inclusion:
    """Whether "good" includes "excellent", and why the draft thinks so."""

    value: bool
    why: str
    inferred: bool = False  # a reading, not stated: the draft says CHECK


@dataclass(frozen=True)
class Ignored:
    number: str
    why: str
    where: str


@dataclass(frozen=True)
class DraftAward:
    award: Award
    year: int | None  # the year the award is for, when the clause says so


@dataclass
class Draft:
    source: dict[str, str] = field(default_factory=dict)
    title: str = ""
    province: str | None = None
    province_evidence: list[str] = field(default_factory=list)
    committee_kind: str | None = None
    committee: str | None = None
    committee_evidence: list[str] = field(default_factory=list)
    committee_registered: bool = True  # the registry has this committee for the province
    report: Report = Report.BLOC
    year: int | None = None
    year_evidence: str = ""
    year_inferred: bool = False
    period: Period = field(default_factory=Period)
    period_evidence: str = ""
    blocks: dict[str, dict[str, Figure]] = field(default_factory=dict)
    totals_as_of: dict[str, str] = field(default_factory=dict)  # block -> when its total holds
    derived: dict[str, str] = field(default_factory=dict)  # "block.level" -> how a figure not stated was made
    includes: dict[str, Inclusion] = field(default_factory=dict)
    admitted: Figure | None = None
    admission_target: Figure | None = None
    percent_of_target: Figure | None = None
    exceeded_by: Figure | None = None
    subsets: list[Subset] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    mass: dict[str, Figure] = field(default_factory=dict)
    awards: list[DraftAward] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    cut_off: str | None = None

    def level(self, block: str, level: str) -> Figure | None:
        return self.blocks.get(block, {}).get(level)

    @property
    def has_results(self) -> bool:
        return bool(self.blocks or self.admitted or self.percent_of_target or self.exceeded_by or self.mass)

    def settle_admission_target(self) -> None:
        """This year's admissions target, stated among the targets ("năm 2017 … sẽ kết nạp mới 350")."""
        for t in self.targets:
            if self.admission_target is None and t.metric == "admissions" and t.value is not None \
                    and t.period == str(self.year) and self.admitted is not None:
                self.admission_target = Figure(count=int(t.value), quote=t.quote)

    @property
    def target_only(self) -> bool:
        return bool(self.targets) and not self.has_results

    def set_level(self, block: str, level: str, fig: Figure) -> None:
        """Keep the first figure for a level; fill in a part it lacked; flag a contradiction."""
        existing = self.level(block, level)
        if existing is None:
            self.blocks.setdefault(block, {})[level] = fig
            return
        if (existing.count, existing.percent) == (fig.count, fig.percent):
            return
        if (existing.count is None and fig.count is not None) or (existing.percent is None and fig.percent is not None):
            self.blocks[block][level] = replace(
                existing, count=existing.count if existing.count is not None else fig.count,
                percent=existing.percent if existing.percent is not None else fig.percent,
                of=existing.of or fig.of, qualifier=existing.qualifier or fig.qualifier)
            return
        self.checks.append(f"{block}.{level}: the article gives two different figures "
                           f"({figure_text(existing)} and {figure_text(fig)}); the first is kept")


def figure_text(f: Figure) -> str:
    parts = [str(f.count) if f.count is not None else "", f"{f.percent}%" if f.percent is not None else ""]
    return " ".join(p for p in parts if p)


def stem(draft: Draft) -> str:
    suffix = period_suffix(draft.period.kind, draft.period.number or 1)
    return f"{draft.year}-{suffix}" if suffix else str(draft.year)


def write_path(root: Path, draft: Draft) -> Path:
    return root / "content" / "records" / str(draft.province) / str(draft.committee) / f"{stem(draft)}.yaml"


# -- scoring ----------------------------------------------------------------------------------
def level_figures(block: str, level: str, f: Figure) -> set[ScoredFigure]:
    """A rating figure as scored tuples; the denominator of "rated N/M" counts as the total M."""
    out: set[ScoredFigure] = set()
    if f.count is not None:
        out.add((block, level, "count", Decimal(f.count)))
    if f.percent is not None:
        out.add((block, level, "pct", f.percent))
    if level == "rated" and f.of is not None:
        out.add((block, "total", "count", Decimal(f.of)))
    return out


def _admission_figures(draft: Draft) -> set[ScoredFigure]:
    out: set[ScoredFigure] = set()
    if draft.admitted is not None and draft.admitted.count is not None:
        out.add(("admissions", "admitted", "count", Decimal(draft.admitted.count)))
    if draft.admission_target is not None and draft.admission_target.count is not None:
        out.add(("admissions", "target", "count", Decimal(draft.admission_target.count)))
    if draft.percent_of_target is not None and draft.percent_of_target.percent is not None:
        out.add(("admissions", "percent_of_target", "pct", draft.percent_of_target.percent))
    e = draft.exceeded_by
    if e is not None and e.percent is not None:
        out.add(("admissions", "exceeded_by", "pct", e.percent))
    elif e is not None and e.count is not None:
        out.add(("admissions", "exceeded_by", "count", Decimal(e.count)))
    return out


def figures(draft: Draft) -> set[ScoredFigure]:
    """The draft's figures as (block, level, kind, value): the unit of precision and recall."""
    out: set[ScoredFigure] = set()
    for block in BLOCKS:
        for level, f in draft.blocks.get(block, {}).items():
            out |= level_figures(block, level, f)
    out |= _admission_figures(draft)
    for t in draft.targets:
        for k, v in (("value", t.value), ("min", t.min), ("max", t.max)):
            if v is not None:
                out.add(("targets", t.metric, k, v))
    for k, f in draft.mass.items():
        if f.percent is not None:
            out.add(("mass", k, "pct", f.percent))
    return out
