"""The draft as a record file for a person to review (YAML with comments) or as JSON for tools."""
from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from generator.extract.draft import LEVEL_ORDER, Draft, Report
from generator.model.types import BLOCKS, Figure

_PERIOD_WORDS = {"full_year": "the full year", "quarter": "quarter", "half_year": "half-year",
                 "nine_months": "nine months", "to_date": "from the start of the year to a date"}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _num(value: Decimal | int) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fig(f: Figure) -> str:
    parts = []
    if f.count is not None:
        parts.append(f"count: {f.count}")
    if f.percent is not None:
        parts.append(f"percent: {_num(f.percent)}")
    if f.of is not None:
        parts.append(f"of: {f.of}")
    if f.base_unstated:
        parts.append("base: unstated")
    if f.qualifier:
        parts.append(f"qualifier: {f.qualifier}")
    parts.append(f"quote: {_q(f.quote or '')}")
    return "{" + ", ".join(parts) + "}"


def _period_words(draft: Draft) -> str:
    p = draft.period
    if p.is_full_year:
        return "the full year (no partial-period words in the article)"
    number = f" {p.number}" if p.number else ""
    return f"{_PERIOD_WORDS.get(p.kind, p.kind)}{number}, from “{p.as_written}”"


def _header(draft: Draft, article: str) -> list[str]:
    committee = "; ".join(f"“{e}”" for e in draft.committee_evidence) or "no bloc committee named"
    province = ", ".join(draft.province_evidence) or "not found"
    year = draft.year_evidence or "not found"
    lines = [f"# Draft record made by `python -m generator extract` from {article}.",
             "# Check every figure against the article, resolve each CHECK comment, then delete these comments.",
             f"# province: {province}", f"# committee: {committee}", f"# year: {year}",
             f"# period: {_period_words(draft)}"]
    return [" ".join(line.split()) for line in lines] + [f"# CHECK: {c}" for c in draft.checks]


def _identity(draft: Draft) -> list[str]:
    lines = [f"province: {draft.province or 'CHECK-unknown'}", f"committee: {draft.committee or 'CHECK-unknown'}",
             f"year: {draft.year or 'CHECK-unknown'}"]
    p = draft.period
    if not p.is_full_year:
        lines += ["period:", f"  kind: {p.kind}"]
        lines += [f"  number: {p.number}"] if p.number else []
        lines += [f"  until: {p.until.isoformat()}"] if p.until else []
        lines += [f"  as_written: {_q(p.as_written or '')}"]
    return lines


def _source(draft: Draft) -> list[str]:
    s = draft.source
    lines = []
    if not (s.get("published") and s.get("url") and s.get("publisher")):
        lines.append("# CHECK: fill in the source's missing address, publisher or date")
    lines += ["sources:", f"  - url: {s.get('url') or 'CHECK-missing'}",
              f"    publisher: {_q(s.get('publisher', 'CHECK-missing'))}",
              f"    published: {s.get('published', 'CHECK-missing')}", f"    title: {_q(draft.title)}"]
    return lines


def _blocks(draft: Draft) -> list[str]:
    lines: list[str] = []
    for block in BLOCKS:
        figs = draft.blocks.get(block)
        if not figs:
            continue
        lines.append(f"{block}:")
        inclusion = draft.includes.get(block)
        if inclusion is not None:
            lines.append(f"  # {'CHECK: ' if inclusion.inferred else ''}{inclusion.why}")
            lines.append(f"  good_includes_excellent: {str(inclusion.value).lower()}")
        for level in LEVEL_ORDER:
            f = figs.get(level)
            if f is not None and level == "total" and block in draft.totals_as_of:
                lines.append(f"  # {block} total as of: {draft.totals_as_of[block]}")
            if f"{block}.{level}" in draft.derived:
                lines.append(f"  # CHECK: derived (summed), not stated: {draft.derived[f'{block}.{level}']}")
            if f is not None and f.qualifier:
                lines.append(f"  # CHECK: an approximate figure (“{f.qualifier}”), kept as written")
            if f is not None:
                lines += _level(level, f, figs.get("rated"))
    return lines


def _level(level: str, f: Figure, rated: Figure | None) -> list[str]:
    """A level's line; a percent with no 'of' and no count rated is marked as having no stated base."""
    if level in ("total", "rated") or f.percent is None or f.of is not None or (rated and rated.count is not None):
        return [f"  {level}: {_fig(f)}"]
    return ["  # CHECK: the article does not say what this percent is a share of",
            f"  {level}: {_fig(replace(f, base_unstated=True))}"]


def _admissions(draft: Draft) -> list[str]:
    if not (draft.admitted or draft.percent_of_target or draft.exceeded_by):
        return []
    lines = ["admissions:"]
    if draft.admitted:
        lines.append(f"  admitted: {_fig(draft.admitted)}")
    if draft.admission_target:
        lines.append(f"  target: {_fig(draft.admission_target)}")
    pot = draft.percent_of_target
    if pot is not None and pot.percent is not None:
        qualifier = f" — “{pot.qualifier}”: at least this much" if pot.qualifier else ""
        value = f"{{percent: {_num(pot.percent)}, qualifier: {pot.qualifier}}}" if pot.qualifier else _num(pot.percent)
        lines += [f"  # from “{pot.quote}”{qualifier}", f"  percent_of_target: {value}"]
    if draft.exceeded_by:
        lines.append(f"  exceeded_by: {_fig(draft.exceeded_by)}")
    if draft.subsets:
        lines.append("  subsets:")
    for sub in draft.subsets:
        lines.append(f"    - label: {_q(sub.label)}")
        if sub.admitted is not None and sub.admitted.count is not None:
            lines.append(f"      admitted: {sub.admitted.count}")
        if sub.exceeded_by is not None and sub.exceeded_by.percent is not None:
            lines.append(f"      exceeded_by: {{percent: {_num(sub.exceeded_by.percent)}}}")
        lines.append(f"      quote: {_q(sub.quote or '')}")
    return lines


def _rest(draft: Draft) -> list[str]:
    lines: list[str] = []
    if draft.mass:
        lines.append("mass_organizations:")
        lines += [f"  {k}: {_fig(f)}" for k, f in draft.mass.items()]
    if draft.targets:
        lines.append("targets:")
    for t in draft.targets:
        lines += [f"  - metric: {t.metric}", f"    period: \"{t.period}\"  # CHECK: the period the target is for",
                  f"    unit: {t.unit}"]
        lines += [f"    {k}: {_num(v)}" for k, v in (("value", t.value), ("min", t.min), ("max", t.max))
                  if v is not None]
        lines.append(f"    quote: {_q(t.quote or '')}")
    if draft.awards:
        lines.append("awards:")
    for a in draft.awards:
        year = f" (năm {a.year})" if a.year and str(a.year) not in a.award.description else ""
        lines += [f"  - description: {_q(a.award.description + year)}", f"    count: {a.award.count}",
                  f"    quote: {_q(a.award.quote or '')}"]
    return lines


def _ignored(draft: Draft) -> list[str]:
    if not draft.ignored:
        return []
    lines = ["# Numbers seen and deliberately not used:"]
    for item in dict.fromkeys((i.number, i.why, i.where) for i in draft.ignored):
        lines.append(" ".join(f"#   {item[0]}: {item[1]} — “{item[2]}”".split()))
    return lines


def to_yaml(draft: Draft, article: str) -> str:
    lines = _header(draft, article) + _identity(draft) + _source(draft)
    if draft.report is not Report.OTHER_UNIT:
        lines += _blocks(draft) + _admissions(draft) + _rest(draft)
    return "\n".join(lines + _ignored(draft)) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, Figure):
        return {k: _jsonable(getattr(value, k)) for k in ("count", "percent", "of", "qualifier", "quote")
                if getattr(value, k) is not None}
    return value


def to_json(draft: Draft, article: str) -> dict[str, Any]:
    """The draft as plain data: identity, evidence, every figure with its quote, checks and left-outs."""
    return {
        "article": article, "report": draft.report.value, "province": draft.province, "committee": draft.committee,
        "committee_kind": draft.committee_kind, "year": draft.year, "year_inferred": draft.year_inferred,
        "period": {"kind": draft.period.kind, "number": draft.period.number, "as_written": draft.period.as_written,
                   "until": draft.period.until.isoformat() if draft.period.until else None},
        "evidence": {"province": draft.province_evidence, "committee": draft.committee_evidence,
                     "year": draft.year_evidence, "period": draft.period_evidence},
        "source": {**draft.source, "title": draft.title}, "cut_off": draft.cut_off,
        "blocks": {b: {lv: _jsonable(f) for lv, f in figs.items()} for b, figs in draft.blocks.items()},
        "totals_as_of": draft.totals_as_of, "derived": draft.derived,
        "good_includes_excellent": {b: {"value": i.value, "why": i.why, "inferred": i.inferred}
                                    for b, i in draft.includes.items()},
        "admissions": {"admitted": _jsonable(draft.admitted), "target": _jsonable(draft.admission_target),
                       "percent_of_target": _jsonable(draft.percent_of_target),
                       "exceeded_by": _jsonable(draft.exceeded_by),
                       "subsets": [{"label": s.label, "admitted": _jsonable(s.admitted),
                                    "exceeded_by": _jsonable(s.exceeded_by), "quote": s.quote}
                                   for s in draft.subsets]},
        "targets": [{"metric": t.metric, "period": t.period, "unit": t.unit, "value": _jsonable(t.value),
                     "min": _jsonable(t.min), "max": _jsonable(t.max), "quote": t.quote} for t in draft.targets],
        "mass_organizations": {k: _jsonable(f) for k, f in draft.mass.items()},
        "awards": [{"description": a.award.description, "count": a.award.count, "year": a.year,
                    "quote": a.award.quote} for a in draft.awards],
        "checks": draft.checks,
        "not_used": [{"number": i.number, "why": i.why, "where": i.where} for i in draft.ignored],
    }
