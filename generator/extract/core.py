"""Read a whole article into a Draft: who and when, then each sentence, then what follows from all."""
from __future__ import annotations

from dataclasses import dataclass

from generator.extract import who
from generator.extract.admissions import read_admissions, read_awards, read_targets, read_totals
from generator.extract.draft import Draft, Report, figures
from generator.extract.numbers import mentions
from generator.extract.ratings import (
    decide_inclusion,
    find_levels,
    ignore,
    read_ratings,
    reconcile_rated,
    skip_reason,
    strip_asides,
)
from generator.extract.rules import Rules
from generator.extract.text import (
    ASIDE,
    clauses,
    fold,
    looks_cut_off,
    normalise,
    quote,
    sentences,
    source_line,
    title_line,
)
from generator.model.types import Registry


@dataclass(frozen=True)
class Overrides:
    """What the person running the command already knows (--province, --committee, --year)."""

    province: str | None = None
    committee: str | None = None
    year: int | None = None


def extract(text: str, registry: Registry, rules: Rules | None = None, overrides: Overrides = Overrides(),
            meta: dict[str, str] | None = None) -> Draft:
    """A draft record from an article's text; `meta` (url, publisher, published, title) wins over the text."""
    rules = rules or Rules.load()
    draft = Draft()
    draft.source, body = source_line(normalise(text))
    draft.source.update({k: v for k, v in (meta or {}).items() if v})
    ss = sentences(body)
    title = draft.source.get("title") or title_line(body)
    draft.title = title or "CHECK-title"
    if not draft.source.get("title"):
        draft.checks.append("the title is the text's first headline-like line: check it against the page")
    draft.cut_off = looks_cut_off(body)
    _who_and_when(draft, body, ss, registry, rules, overrides)
    if draft.report is Report.OTHER_UNIT:
        for s in ss:
            ignore(draft, mentions(s), "province_wide", s)
    else:
        lines = bloc_lines(ss, rules) if draft.report is Report.BLOC_LINE else [BlocLine(s) for s in ss]
        for line in lines:
            _read_line(draft, line, rules)
        draft.settle_admission_target()
        decide_inclusion(draft)
        reconcile_rated(draft)
    who.settle_until(draft)
    _inference_checks(draft)
    return draft


def _who_and_when(draft: Draft, body: str, ss: list[str], registry: Registry, rules: Rules,
                  overrides: Overrides) -> None:
    who.detect_province(draft, body + "\n" + draft.source.get("url", ""), registry)
    if overrides.province:
        draft.province, draft.province_evidence = overrides.province, ["--province"]
    who.detect_committee(draft, body, registry, rules)
    if overrides.committee:
        draft.committee, draft.committee_evidence = overrides.committee, ["--committee"]
        draft.committee_registered = True
    who.detect_report(draft, draft.title, ss, rules)
    who.detect_period(draft, body, rules)
    who.detect_year(draft, ss, rules)
    if overrides.year:
        draft.year, draft.year_evidence, draft.year_inferred = overrides.year, "--year", False


@dataclass(frozen=True)
class BlocLine:
    """A piece of text read as the bloc's, and the units named together with it, if any."""

    text: str
    shared_with: str = ""  # "huyện Phú Quý, huyện Tuy Phong và Đảng bộ": a figure after them is theirs too


def bloc_lines(ss: list[str], rules: Rules) -> list[BlocLine]:
    """In a province-wide list, the bloc's own line: from its name to the next unit's name."""
    lines = []
    next_unit = rules.rx("province_report.next_unit")
    for s in ss:
        folded = fold(s)
        for span in who.committee_spans(folded, rules):
            ends = [m.start() for m in [next_unit.search(folded, span.end), *who.named_items(s, span.end)[:1]] if m]
            shared = who.listed_before(s, span.start, rules)
            lines.append(BlocLine(s[span.start:min(ends, default=len(s))], shared))
    return list(dict.fromkeys(lines))


def _read_line(draft: Draft, line: BlocLine, rules: Rules) -> None:
    before = figures(draft)
    _read_sentence(draft, line.text, rules)
    if line.shared_with and figures(draft) != before:
        draft.checks.append(f"a figure of the bloc's line is said of several units at once (“{line.shared_with} "
                            f"{quote(line.text)[:60]}…”): it may be each unit's or theirs together; "
                            "check that it is the bloc's own")


def _read_sentence(draft: Draft, s: str, rules: Rules) -> None:
    if who.is_target(s, rules):
        read_targets(draft, s, rules)
        ignore(draft, mentions(s), "target", s)
        for aside in ASIDE.findall(s):  # "(đầu nhiệm kỳ, Đảng bộ Khối có tổng số 5.356 đảng viên)"
            read_totals(draft, aside.strip("()"), rules)
        return
    cleaned = strip_asides(draft, s, rules)
    inclusion = bool(rules.rx("inclusion").search(fold(cleaned)))
    subject: str | None = None
    for clause in clauses(cleaned):
        subject = _read_clause(draft, clause, subject, inclusion, rules)


def _read_clause(draft: Draft, clause: str, subject: str | None, inclusion: bool, rules: Rules) -> str | None:
    cf = fold(clause)
    reason = skip_reason(cf, rules)
    admission = bool(rules.rx("admission.verb").search(cf) or rules.rx("admission.passive").search(cf))
    if reason == "award":
        read_awards(draft, clause, rules)
    if reason and not admission:
        if reason != "award" or not draft.awards or (draft.awards[-1].award.quote or "") not in clause:
            ignore(draft, mentions(clause), reason, clause)
        return subject
    if admission:
        read_admissions(draft, clause, rules)
        read_totals(draft, clause, rules)
        return subject
    if find_levels(cf, rules) or rules.rx("rated").search(cf):
        subject = read_ratings(draft, clause, subject, inclusion, rules)
    read_totals(draft, clause, rules)
    return subject


def _inference_checks(draft: Draft) -> None:
    """A CHECK for every conclusion the article does not state outright."""
    checks = []
    if draft.report is Report.OTHER_UNIT:
        checks.append("no bloc committee (Đảng ủy Khối …) is named: the article looks like a province-wide "
                      "or another unit's report, so no figure is taken as a bloc's")
    elif draft.report is Report.BLOC_LINE:
        checks.append("a province-wide report: only the bloc's own line of its list was read; the other "
                      "units' figures and the province's totals are not the bloc's")
    if draft.cut_off:
        checks.append(f"the text looks cut off (it ends “…{draft.cut_off}”): figures after the cut are "
                      "missing; find the full article if you can")
    if draft.year_inferred:
        checks.append(f"the year is inferred, not stated: {draft.year_evidence}")
    if draft.period.kind == "to_date" and draft.period.until is not None:
        checks.append(f"the period ends on {draft.period.until.isoformat()}, taken from the publication date")
    if draft.province and draft.province_evidence and draft.province_evidence[0].startswith("in the source"):
        checks.append("the province is taken from the source's name or address only, not the article's text")
    if draft.committee and not draft.committee_registered:
        checks.append(f"the province has no '{draft.committee}' committee in content/committees.yaml yet: "
                      "add it there (or give --committee) before checking the record")
    if draft.report is not Report.OTHER_UNIT and draft.target_only:
        checks.append("the article gives targets only, no results: the record holds the targets")
    draft.checks[:0] = checks
