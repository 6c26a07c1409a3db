"""Rating levels of organizations, collectives and members, clause by clause."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.extract.draft import Draft, Ignored, Inclusion
from generator.extract.numbers import Mention, mentions
from generator.extract.rules import Rules
from generator.extract.text import ASIDE, fold, quote
from generator.load.records import MASS_ORGANIZATIONS
from generator.model.types import BLOCKS, Figure

REASONS = {
    "award": "a commendation, not a rating", "training": "a training class, not admissions",
    "not_admission": "a membership formality, not a new admission", "congress": "congress work, not a rating",
    "not_rated": "those not assessed", "province_wide": "the whole province's figure, not the bloc's",
    "sub_unit": "a single unit inside the bloc", "other_year": "another year's figure (a comparison)",
    "target": "in a target (see targets:), not a result", "other_unit": "another unit's figure, not the bloc's",
}
_JOINED = re.compile(r"\s(va|,)\s")
_NONE = re.compile(r"khong co\b|khong \S+( \S+)? nao")
_POST_GAP = re.compile(r"[\s”\"'’:]*(là\s*)?")
_PCT_GAP = re.compile(r"[\s”\"'’]*[(,]?\s*(chiếm|đạt|chiem|dat)?\s*")


def ignore(draft: Draft, found: list[Mention], reason: str, where: str) -> None:
    for m in found:
        draft.ignored.append(Ignored(m.text.strip(), REASONS.get(reason, reason), quote(where)[:120]))


def find_levels(folded: str, rules: Rules) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for level, pattern in rules.table("levels"):
        for m in pattern.finditer(folded):
            if not any(m.start() < e and s < m.end() for s, e, _ in spans):
                spans.append((m.start(), m.end(), level))
    return sorted(spans)


def subject_of(folded: str, rules: Rules) -> str | None:
    best: tuple[int, str] | None = None
    for name, pattern in rules.table("subjects"):
        m = pattern.search(folded)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def subject_at(folded: str, rules: Rules) -> str | None:
    """The subject named right at the start of the text ("73 chi, đảng bộ …" after the number)."""
    text = folded.lstrip()
    return next((name for name, pattern in rules.table("subjects") if pattern.match(text)), None)


def skip_reason(folded: str, rules: Rules) -> str | None:
    for section in ("skip", "other_unit"):
        for reason, pattern in rules.table(section):
            if pattern.search(folded):
                return reason
    return None


def strip_asides(draft: Draft, clause: str, rules: Rules) -> str:
    """Blank out parentheses about another year or about those not assessed (asides, not results)."""
    def drop(m: re.Match[str]) -> str:
        inner = m.group(0)
        folded = fold(inner)
        years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", inner)]
        if rules.rx("other_year").search(folded) and (not years or any(y != draft.year for y in years)):
            ignore(draft, mentions(inner), "other_year", inner)
            return " " * len(inner)
        if rules.rx("skip.not_rated").search(folded):
            ignore(draft, mentions(inner), "not_rated", inner)
            return " " * len(inner)
        return inner

    return ASIDE.sub(drop, clause)


def store(draft: Draft, subject: str, level: str, fig: Figure) -> None:
    if subject in MASS_ORGANIZATIONS:
        if level in ("good", "good_or_above") and fig.percent is not None:
            draft.mass.setdefault(subject, fig)
        return
    if level == "good_or_above":
        draft.set_level(subject, "good", fig)
        draft.includes[subject] = Inclusion(True, "the article says “trở lên” (or better) or names both levels")
        return
    draft.set_level(subject, level, fig)


def _figure(m: Mention, clause: str) -> Figure:
    if m.percent:
        return Figure(percent=m.value, qualifier=m.qualifier, quote=quote(clause))
    return Figure(count=m.as_int(), of=int(m.of) if m.of else None, qualifier=m.qualifier, quote=quote(clause))


@dataclass
class Clause:
    """One clause being read: its text, folded text, numbers and what is already used."""

    text: str
    folded: str
    found: list[Mention]
    subject: str | None
    inclusion: bool
    inclusion_rx: re.Pattern[str]
    used: set[int] = field(default_factory=set)
    previous_end: int = 0


def _shared_level(c: Clause, segment: list[int], rules: Rules) -> list[tuple[int, str]]:
    """Numbers in a segment that each name their own subject, joined by "và" or a comma."""
    pairs = []
    for i in segment:
        m = c.found[i]
        subject = subject_of(c.folded[m.end:m.end + 25].split(" va ")[0], rules)
        if subject:
            pairs.append((i, subject))
    joined = len(pairs) >= 2 and all(_JOINED.search(c.folded[c.found[a].end:c.found[b].start] + " ")
                                     for (a, _), (b, _) in zip(pairs, pairs[1:], strict=False))
    return pairs if joined and len({s for _, s in pairs}) == len(pairs) else []


def _rated(draft: Draft, c: Clause, levels: list[tuple[int, int, str]], rules: Rules) -> None:
    """"85/85 chi bộ, đảng bộ cơ sở được đánh giá, xếp loại": how many were rated."""
    rated = None
    for candidate in rules.rx("rated").finditer(c.folded):
        if levels and candidate.start() > levels[0][0]:
            break
        if any(m.end <= candidate.start() + 1 for m in c.found):
            rated = candidate
            break
    if rated is None:
        return
    before = [m for m in c.found if m.end <= rated.start() + 1]
    c.subject = subject_of(c.folded[: rated.end()], rules) or c.subject
    if before and c.subject in BLOCKS:
        m = before[-1]
        draft.set_level(c.subject, "rated", _figure(m, c.text))
        c.used.add(c.found.index(m))
    c.previous_end = rated.end()


def _stated_none(draft: Draft, c: Clause, start: int, end: int, level: str, rules: Rules) -> bool:
    """"không có TCCSĐ nào không hoàn thành nhiệm vụ": a level stated as none."""
    if level != "not_completed" or not _NONE.search(c.folded[c.previous_end:start]):
        return False
    c.subject = subject_of(c.folded[c.previous_end:end], rules) or c.subject
    if c.subject in BLOCKS:
        store(draft, c.subject, level, Figure(count=0, quote=quote(c.text)))
    c.previous_end = end
    return True


def _pick(c: Clause, start: int, end: int) -> tuple[int | None, int | None, bool]:
    """The count and percent that belong to the level at start..end, and whether the count follows it."""
    segment = [i for i, m in enumerate(c.found) if c.previous_end <= m.start < start and i not in c.used]
    counts = [i for i in segment if not c.found[i].percent]
    percents = [i for i in segment if c.found[i].percent]
    post = [i for i, m in enumerate(c.found) if i not in c.used and end <= m.start <= end + 8
            and not m.percent and _POST_GAP.fullmatch(c.text[end:m.start])]
    count_i = counts[-1] if counts else (post[0] if post else None)
    pct_i = percents[-1] if percents else next(
        (i for i, m in enumerate(c.found) if i not in c.used and m.percent and end <= m.start <= end + 14
         and _PCT_GAP.fullmatch(c.text[end:m.start])), None)
    return count_i, pct_i, bool(post) and count_i in post


def _one_level(draft: Draft, c: Clause, span: tuple[int, int, str], rules: Rules) -> None:
    start, end, level = span
    segment = [i for i, m in enumerate(c.found) if c.previous_end <= m.start < start and i not in c.used]
    shared = _shared_level(c, segment, rules)
    if shared:  # "91,4% TCCS Đảng và 98% đảng viên hoàn thành tốt nhiệm vụ": one level, two subjects
        for i, subj in shared:
            store(draft, subj, level, _figure(c.found[i], c.text))
            c.used.add(i)
            _note_inclusion(draft, c, subj, level, c.found[shared[0][0]].start)
        c.previous_end = end
        return
    if _stated_none(draft, c, start, end, level, rules):
        return
    count_i, pct_i, follows = _pick(c, start, end)
    origin = c.found[count_i].start if count_i is not None else c.previous_end
    c.subject = subject_of(c.folded[origin:end], rules) or subject_of(c.folded[c.previous_end:end], rules) \
        or c.subject
    if follows and count_i is not None:
        c.subject = subject_of(c.folded[end:c.found[count_i].end + 25], rules) or c.subject
    c.previous_end = max(end, c.found[count_i].end if count_i is not None else end)
    if (count_i is None and pct_i is None) or c.subject not in BLOCKS + MASS_ORGANIZATIONS:
        return
    _keep(draft, c, level, count_i, pct_i, start, rules)


def _keep(draft: Draft, c: Clause, level: str, count_i: int | None, pct_i: int | None, start: int,
          rules: Rules) -> None:
    count = c.found[count_i] if count_i is not None else None
    pct = c.found[pct_i] if pct_i is not None else None
    c.used.update(i for i in (count_i, pct_i) if i is not None)
    qualifier = count.qualifier if count is not None else pct.qualifier if pct is not None else None
    fig = Figure(count=count.as_int() if count else None, percent=pct.value if pct else None,
                 of=int(count.of) if count and count.of else None, qualifier=qualifier, quote=quote(c.text))
    assert c.subject is not None
    store(draft, c.subject, level, fig)
    _note_inclusion(draft, c, c.subject, level, count.start if count else start)


def _note_inclusion(draft: Draft, c: Clause, subject: str, level: str, first: int) -> None:
    """"… hoàn thành tốt nhiệm vụ, trong đó … hoàn thành xuất sắc": excellent is part of good."""
    if level != "excellent" or not c.inclusion or draft.level(subject, "good") is None:
        return
    if c.inclusion_rx.search(c.folded[max(0, first - 25):first]):
        draft.includes.setdefault(subject, Inclusion(True, "the article says “trong đó” (of which)"))


def read_ratings(draft: Draft, text: str, inherited: str | None, inclusion: bool, rules: Rules) -> str | None:
    """Levels in one clause. Returns the subject, for the next clause of the same sentence."""
    c = Clause(text, fold(text), mentions(text), inherited, inclusion, rules.rx("inclusion"))
    levels = find_levels(c.folded, rules)
    _rated(draft, c, levels, rules)
    for span in levels:
        _one_level(draft, c, span, rules)
    return c.subject


# -- after the whole article --------------------------------------------------------------
def _by_sums(draft: Draft, block: str) -> Inclusion | None:
    """Whether the levels add up to those rated with or without "excellent"."""
    rated = draft.level(block, "rated")
    excellent = draft.level(block, "excellent")
    parts = [draft.level(block, lv) for lv in ("good", "completed", "not_completed")]
    if rated is None or not rated.count or excellent is None or parts[0] is None or parts[1] is None:
        return None
    given = [p for p in parts if p is not None]
    if any(p.count is None for p in given):
        return None
    total = sum(p.count or 0 for p in given)
    if total == rated.count:
        return Inclusion(True, f"the levels other than excellent add up to the {rated.count} rated")
    if total + (excellent.count or 0) == rated.count:
        return Inclusion(False, f"all levels add up to the {rated.count} rated")
    return None


def decide_inclusion(draft: Draft) -> None:
    for block in BLOCKS:
        good, excellent = draft.level(block, "good"), draft.level(block, "excellent")
        if good is None or excellent is None or block in draft.includes:
            continue
        if excellent.of is not None and good.count is not None and excellent.of == good.count:
            draft.includes[block] = Inclusion(True, f"excellent is written as a share of good "
                                                    f"({excellent.count}/{excellent.of})")
            continue
        draft.includes[block] = _by_sums(draft, block) or Inclusion(
            False, "the article lists the levels side by side and does not say whether “good” includes "
                   "“excellent”; read as separate levels", inferred=True)


def reconcile_rated(draft: Draft) -> None:
    """A rated figure without a count but with levels written as N/M: M is the number rated."""
    for block in BLOCKS:
        levels = [draft.level(block, lv) for lv in ("good", "completed", "not_completed")]
        denominators = {f.of for f in levels if f is not None and f.of is not None}
        rated = draft.level(block, "rated")
        if rated is not None and rated.count is None and len(denominators) == 1:
            draft.checks.append(f"{block}: the levels are shares of {denominators.pop()} rated, "
                                "a number the article gives only as the denominator")
