"""Admissions (with target and percent of target), totals, next-period targets and awards."""
from __future__ import annotations

import re
from decimal import Decimal

from generator.extract.draft import Draft, DraftAward, Ignored
from generator.extract.numbers import Mention, mentions
from generator.extract.ratings import find_levels, ignore, skip_reason, subject_at, subject_of
from generator.extract.rules import Rules
from generator.extract.text import ASIDE, clauses, fold, quote
from generator.model.types import Award, Figure, Subset, Target

_OF_WHICH = re.compile(r"(,\s*trong đó,?\s*)")
_NAMES_BLOC = re.compile(r"dang (uy|bo) khoi")
_SUBSET_LEAD = re.compile(r"^\s*(đảng viên|dang vien)\s*(được\s*)?(kết nạp\s*)?")
_REACHED = re.compile(r"dat|bang")
_RANGE = re.compile(r"(\d[\d.]*)\s*(?:-|–|đến)\s*(\d[\d.]*)\s*(đảng viên|dang vien)")
_AGENCIES = re.compile(r"co quan, don vi|co quan$|^don vi")
_ZERO = re.compile(r"khong co .*khong hoan thanh")
_YEAR_AFTER = re.compile(r"nam ((?:19|20)\d\d)")
_PARTS = re.compile(r",\s+|\s+và\s+")
AS_OF = {"now": "the publication date (“hiện có”, “đến nay”)", "term_start": "the start of the term",
         "year_end": "the end of a year named in the quote"}
TARGET_METRICS = {
    ("organizations", "good"): "organizations_good_or_above",
    ("organizations", "good_or_above"): "organizations_good_or_above",
    ("organizations", "not_completed"): "organizations_not_completed",
    ("members", "good"): "members_good_or_above", ("members", "good_or_above"): "members_good_or_above",
    ("members", "completed"): "members_completed_or_above",
    ("trade_unions", "good"): "trade_unions_good", ("youth_union", "good"): "youth_union_good",
    ("veterans", "good"): "veterans_good", ("agencies", "good"): "agencies_good",
}


def _counts(part: str, folded: str, found: list[Mention], rules: Rules) -> list[Mention]:
    """Numbers followed by the admitted noun, near the verb."""
    noun, over = rules.rx("admission.noun"), rules.rx("admission.not_count_before")
    counts = [m for m in found if not m.percent and noun.match(folded[m.end:].lstrip())
              and not over.search(folded[max(0, m.start - 20):m.start])]
    passive = rules.rx("admission.passive").search(folded)
    verb = passive or rules.rx("admission.verb").search(folded)
    if verb is None:
        return []
    if passive:
        return [m for m in counts if m.start < verb.end() + 40]
    return [m for m in counts if m.start >= verb.start() - 2] or counts


def _percent_kind(part: str, p: Mention, rules: Rules) -> str | None:
    before = fold(part[max(0, p.start - 12):p.start])
    after = fold(part[p.end:p.end + 40])
    if rules.rx("admission.exceeded").search(before):
        return "exceeded"
    if rules.rx("admission.of_members").search(after):
        return "of_members"
    if _REACHED.search(before):
        return "of_target"
    return None


def _percents(draft: Draft, part: str, m: Mention, found: list[Mention], rules: Rules) -> None:
    for p in (x for x in found if x.percent and x.start > m.start):
        kind = _percent_kind(part, p, rules)
        if kind == "exceeded" and draft.exceeded_by is None:
            draft.exceeded_by = Figure(percent=p.value, qualifier=p.qualifier, quote=quote(part))
        elif kind == "of_target" and draft.percent_of_target is None:
            draft.percent_of_target = Figure(percent=p.value, qualifier=p.qualifier, quote=quote(part))
            around = fold(part[max(0, p.start - 12):p.end + 40])
            if not rules.rx("admission.of_target").search(around):
                draft.checks.append(f"admissions: {p.text.strip()} is read as percent of target, "
                                    "though the article does not say “chỉ tiêu” or “kế hoạch”")
        elif kind == "of_members":
            draft.ignored.append(Ignored(p.text.strip(), "a share of all members, not of the target",
                                         quote(part)[:120]))


def _subset(draft: Draft, part: str, m: Mention, found: list[Mention], rules: Rules) -> None:
    label = _SUBSET_LEAD.sub("", part[m.end:]).split("(")[0]
    exceeded = next((p for p in found if p.percent and p.start > m.start
                     and _percent_kind(part, p, rules) == "exceeded"), None)
    draft.subsets.append(Subset(
        quote(label) or "trong đó", Figure(count=m.as_int(), qualifier=m.qualifier),
        Figure(percent=exceeded.value) if exceeded else None, quote(part)))


def _no_count(draft: Draft, part: str, found: list[Mention], rules: Rules) -> None:
    """"đạt trên 100% so với chỉ tiêu": a percent of target without the number admitted."""
    for p in found:
        if p.percent and _percent_kind(part, p, rules) == "of_target" and draft.percent_of_target is None:
            draft.percent_of_target = Figure(percent=p.value, qualifier=p.qualifier, quote=quote(part))


def _one_part(draft: Draft, part: str, first: bool, rules: Rules) -> None:
    folded = fold(part)
    found = mentions(part)
    counts = _counts(part, folded, found, rules)
    if rules.rx("targets.range").search(folded):
        return
    if not counts:
        _no_count(draft, part, found, rules)
        return
    m = counts[0]
    names_bloc = _NAMES_BLOC.search(folded)
    among_new = rules.rx("admission.among_new").search(folded)
    if (not first or among_new) and draft.admitted is not None and not names_bloc:
        _subset(draft, part, m, found, rules)
        return
    if draft.admitted is None:
        draft.admitted = Figure(count=m.as_int(), qualifier=m.qualifier, quote=quote(part))
        if m.of is not None:  # "kết nạp mới 152/150 đảng viên": admitted / target
            draft.admission_target = Figure(count=int(m.of), quote=quote(part))
    elif draft.admitted.count != m.as_int():
        draft.checks.append(f"admissions: another admission count {m.as_int()} in “{quote(part)[:80]}”; "
                            "left out — check which one is the bloc's")
        return
    _percents(draft, part, m, found, rules)
    over = rules.rx("admission.exceeded_count").search(folded)
    if over and draft.exceeded_by is None:
        draft.exceeded_by = Figure(count=int(over.group(1)), quote=quote(part))


def read_admissions(draft: Draft, clause: str, rules: Rules) -> None:
    """Admissions in one clause; a part after "trong đó" with its own count is a subset."""
    pieces = _OF_WHICH.split(clause)[::2]
    for n, part in enumerate(pieces):
        folded = fold(part)
        if not (rules.rx("admission.verb").search(folded) or rules.rx("admission.passive").search(folded)):
            continue
        reason = skip_reason(folded, rules)
        if reason and not (_NAMES_BLOC.search(folded) and reason == "province_wide"):
            ignore(draft, mentions(part), reason, part)
            continue
        _one_part(draft, part, n == 0, rules)


def read_totals(draft: Draft, clause: str, rules: Rules) -> None:
    """Total members / organizations of the bloc ("nâng tổng số lên gần 7.000 đảng viên")."""
    folded = fold(clause)
    if skip_reason(folded, rules) in ("province_wide", "sub_unit", "training") or find_levels(folded, rules) \
            or rules.rx("rated").search(folded):
        return
    for block in ("members", "organizations"):
        if draft.level(block, "total") is None:
            _total(draft, block, clause, folded, rules)


def _total(draft: Draft, block: str, clause: str, folded: str, rules: Rules) -> None:
    found = [m for m in mentions(clause) if not m.percent and m.of is None]  # "2.662/2.748" is not a total
    if _summed_total(draft, block, clause, folded, found, rules):
        return
    for _, marker_rx in rules.table(f"totals.{block}"):
        marker = marker_rx.search(folded)
        if not marker:
            continue
        noun_in_marker = block == "members" and "dang vien" in marker.group(0)
        after = [m for m in found if m.start >= marker.end() - 1]
        if noun_in_marker and after:
            _set_mention_total(draft, block, after[0], clause, folded, rules)
            return
        named = next((m for m in after if subject_at(folded[m.end:], rules) == block), None)
        if named is not None:
            _set_mention_total(draft, block, named, clause, folded, rules)
            return
    after_rx = rules.patterns.get(f"totals_after.{block}")
    named = next((m for m in found if after_rx and after_rx.match(folded[m.end:])), None)
    if named is not None:
        _set_mention_total(draft, block, named, clause, folded, rules)


def _summed_total(draft: Draft, block: str, clause: str, folded: str, found: list[Mention], rules: Rules) -> bool:
    """"81 đảng bộ và 78 chi bộ cơ sở": the total is the sum of its parts, a derived figure marked as such."""
    rx = rules.patterns.get(f"total_parts.{block}")
    m = rx.search(folded) if rx else None
    parts = [x for x in found if m and m.start() < x.end <= m.end()]  # "gần 81 …" starts before the match
    counts = [x.as_int() for x in parts]
    if m is None or len(parts) != 2 or None in counts:
        return False
    total = sum(c for c in counts if c is not None)
    written = clause[m.start():m.end()]
    qualifier = next((x.qualifier for x in parts if x.qualifier), None)
    _set_total(draft, block, Figure(count=total, qualifier=qualifier, quote=quote(clause)), folded, rules)
    how = f"{' + '.join(str(c) for c in counts)} = {total} from “{written}”"
    draft.derived[f"{block}.total"] = how
    draft.checks.append(f"{block}.total is not stated but summed: {how}; check that the parts are all the "
                        "bloc's grassroots organizations, or leave the total out")
    return True


def _set_mention_total(draft: Draft, block: str, m: Mention, clause: str, folded: str, rules: Rules) -> None:
    _set_total(draft, block, Figure(count=m.as_int(), qualifier=m.qualifier, quote=quote(clause)), folded, rules)


def _set_total(draft: Draft, block: str, fig: Figure, folded: str, rules: Rules) -> None:
    draft.set_level(block, "total", fig)
    as_of = next((name for name, rx in rules.table("as_of") if rx.search(folded)), None)
    draft.totals_as_of[block] = AS_OF.get(as_of or "", "not said: CHECK when this total holds")


# -- targets --------------------------------------------------------------------------------
def _target_period(draft: Draft, sentence: str) -> str:
    """The year a target is for: one the sentence names (not before the results), else the next year."""
    years = [int(y) for y in _YEAR_AFTER.findall(fold(ASIDE.sub("", sentence)))]
    named = [y for y in years if draft.year is None or y >= draft.year]
    if named:
        return str(named[0])
    return str(draft.year + 1) if draft.year else "CHECK"


def _admission_target(draft: Draft, clause: str, period: str, rules: Rules) -> None:
    rng = _RANGE.search(clause)
    if rng:
        draft.targets.append(Target("admissions", period, "count", min=Decimal(rng.group(1).replace(".", "")),
                                    max=Decimal(rng.group(2).replace(".", "")), quote=quote(clause)))
        return
    single = rules.rx("targets.admissions").search(fold(ASIDE.sub("", clause)))
    if single:
        draft.targets.append(Target("admissions", period, "count", value=Decimal(single.group(1).replace(".", "")),
                                    quote=quote(clause)))


def _part_subject(part: str, pf: str, rules: Rules) -> str | None:
    return "agencies" if _AGENCIES.search(pf) else subject_of(pf, rules)


def _rating_targets(draft: Draft, clause: str, period: str, rules: Rules) -> None:
    """"95% trở lên tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ, không có cơ sở không hoàn thành …"."""
    pending: list[tuple[Mention, str | None, bool, str]] = []
    parts = _PARTS.split(clause)
    for part in parts:
        pf = fold(part)
        pcts = [m for m in mentions(part) if m.percent]
        subject = _part_subject(part, pf, rules)
        if pcts:
            pending.append((pcts[0], subject, bool(rules.rx("at_least").search(pf)), part))
        if _ZERO.search(pf) and subject in ("organizations", None):
            draft.targets.append(Target("organizations_not_completed", period, "count", value=Decimal(0),
                                        quote=quote(part)))
            continue
        levels = find_levels(pf, rules)
        if levels:
            _flush(draft, pending, subject, levels[-1][2], clause, period)
            pending = []


def _flush(draft: Draft, pending: list[tuple[Mention, str | None, bool, str]], subject: str | None,
           level: str, clause: str, period: str) -> None:
    for pct, subj, at_least, text in pending:
        metric = TARGET_METRICS.get((subj or subject or "", level))
        if metric:
            where = quote(text if len(pending) > 1 else clause)
            draft.targets.append(Target(metric, period, "percent", quote=where, value=None if at_least else pct.value,
                                        min=pct.value if at_least else None))


def read_targets(draft: Draft, sentence: str, rules: Rules) -> None:
    period = _target_period(draft, sentence)
    for clause in clauses(sentence):
        if rules.rx("admission.verb").search(fold(clause)):
            _admission_target(draft, clause, period, rules)
        else:
            _rating_targets(draft, clause, period, rules)


# -- awards -------------------------------------------------------------------------------------
def read_awards(draft: Draft, clause: str, rules: Rules) -> None:
    """"tặng Giấy khen cho 11 chi, đảng bộ … năm 2020": the award, how many, and for which year."""
    folded = fold(clause)
    for _, rx in rules.table("award"):
        for m in rx.finditer(folded):
            name, count, who = (clause[m.start(g):m.end(g)] for g in ("name", "count", "who"))
            year_m = _YEAR_AFTER.search(folded, m.start("who"))
            award = Award(f"{name} {who.strip()}", int(count), quote(clause[m.start():m.end()]))
            draft.awards.append(DraftAward(award, int(year_m.group(1)) if year_m else None))
