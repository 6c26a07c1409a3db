"""Who and when: the province, the bloc committee, whose report it is, the year and the period."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from generator.extract.draft import Draft, Report
from generator.extract.numbers import mentions
from generator.extract.rules import RULES_FILE, RuleError, Rules
from generator.extract.text import fold
from generator.i18n import later
from generator.model.types import PERIOD_KINDS, Period, PeriodKind, Registry

_WORD = re.compile(r"[a-z]+")
_BRAND = re.compile(r"portal|online|^bao|tv$")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_UNTIL = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*((?:19|20)\d\d))?")
_TARGET_REACH = 60  # a target word counts when a number follows within this many characters
_LISTED_UNITS = 2  # other units named beside the bloc in one sentence: a province-wide list
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
# An item of a list of units and their figures: "Cụ thể: Hội An 110; Bắc Trà My 95 và Công an 12". A
# name (a capital first) and a number within a few words, after ":", ";" or "và"; "; 102 TCCSĐ …" (a
# number first) is a list of levels, not of units.
_ITEM = re.compile(r"(?:[;:]|\svà)\s*(?P<name>[^\W\d]+(?:\s+[^\W\d]+){0,3})\s+\d")


def named_items(s: str, start: int = 0) -> list[re.Match[str]]:
    """The items of a list of units in `s` from `start`: a name with a capital first, then a number."""
    return [m for m in _ITEM.finditer(s, start) if m.group("name")[0].isupper()]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def detect_province(draft: Draft, text: str, registry: Registry) -> None:
    folded = fold(text)
    compact_sources = fold(" ".join(draft.source.values())).replace(" ", "")
    brand = "".join(w for w in _WORD.findall(folded) if _BRAND.search(w))
    best: tuple[int, str, list[str]] | None = None
    for key, p in sorted(registry.provinces.items()):
        if not key.startswith("old:"):
            continue
        name = fold(p.name)
        hits = len(re.findall(rf"\b{re.escape(name)}\b", folded))
        compact = name.replace(" ", "")
        source_hit = compact in compact_sources or compact in brand
        score = hits + (3 if source_hit else 0)
        if score and (best is None or score > best[0]):
            best = (score, p.slug, ([f"named in the article ({p.name})"] if hits else [])
                    + ([f"in the source's address or name ({compact})"] if source_hit else []))
    if best:
        draft.province, draft.province_evidence = best[1], best[2]


def committee_spans(folded: str, rules: Rules) -> list[Span]:
    """Every naming of a bloc committee; a phrase counts once, for the most specific kind."""
    spans: list[Span] = []
    for kind, pattern in rules.table("committees"):
        for m in pattern.finditer(folded):
            if not any(m.start() < s.end and s.start < m.end() for s in spans):
                spans.append(Span(m.start(), m.end(), kind))
    return sorted(spans, key=lambda s: s.start)


def detect_committee(draft: Draft, text: str, registry: Registry, rules: Rules) -> None:
    spans = committee_spans(fold(text), rules)
    if not spans:
        return
    counts: dict[str, int] = {}
    for s in spans:
        counts[s.kind] = counts.get(s.kind, 0) + 1
        written = text[s.start:s.end]
        if len(draft.committee_evidence) < 3 and written.lower() not in (e.lower() for e in draft.committee_evidence):
            draft.committee_evidence.append(written)
    first = {s.kind: i for i, s in reversed(list(enumerate(spans)))}
    kind = max(sorted(counts, key=lambda k: first[k]), key=lambda k: counts[k])
    draft.committee_kind = kind
    known = [c for c in registry.committees_of(draft.province or "") if c.kind == kind]
    draft.committee = known[0].id if known else kind.replace("_", "-")
    draft.committee_registered = bool(known)


def detect_report(draft: Draft, title: str, sentences: list[str], rules: Rules) -> None:
    """A province-wide (or other unit's) report: said in the title or in the first figures."""
    if draft.committee is None:
        draft.report = Report.OTHER_UNIT
        return
    with_figures = [s for s in sentences if mentions(s)][:2]
    marker = rules.rx("province_report.marker")
    if any(marker.search(fold(s)) for s in [title, *with_figures]) or any(_in_a_list(s, rules) for s in sentences):
        draft.report = Report.BLOC_LINE


def _in_a_list(s: str, rules: Rules) -> bool:
    """The bloc named in one sentence with other units and their figures (a province-wide list)."""
    folded = fold(s)
    if not committee_spans(folded, rules) or len(mentions(s)) < 2:
        return False
    next_unit = rules.rx("province_report.next_unit")
    units = [m for m in next_unit.finditer(folded) if not folded.startswith("khoi", m.end())]
    return len(units) >= _LISTED_UNITS or len(named_items(s)) >= _LISTED_UNITS


_LIST_START = re.compile(r"[\d;:.(]|trong do( co)?\s")
_JOINED = re.compile(r"(,|\bva)\s*((dang bo|dang uy)\s*)?$")  # the bloc joined to the name before it


def listed_before(s: str, start: int, rules: Rules) -> str:
    """The units named just before the bloc in the same list, with no figure between them and the bloc.

    "… trong đó có Đảng bộ huyện Tuy Phong, huyện Phú Quý và Đảng bộ Khối … đạt trên 100%": the figure
    after the list is said of all its units. Empty when the bloc stands alone.
    """
    head = fold(s)[:start]
    joined = _JOINED.search(head)
    if joined is None:
        return ""
    begin = max((m.end() for m in _LIST_START.finditer(head)), default=0)
    units = rules.rx("province_report.unit").findall(head[begin:joined.start()])
    return " ".join(s[begin:start].split()) if units else ""


def is_target(s: str, rules: Rules) -> bool:
    """A sentence that sets targets: a target word with a number soon after it."""
    marker = rules.rx("targets.marker").search(fold(s))
    return marker is not None and any(ch.isdigit() for ch in s[marker.start():marker.end() + _TARGET_REACH])


def _plan_context(folded: str, start: int, rules: Rules) -> bool:
    return bool(rules.rx("period_plan").search(folded[max(0, start - 40):start]))


def _period_kind(name: str) -> tuple[PeriodKind, int | None]:
    """A rule's name as the model's period kind: "quarter_1" is quarter 1, "nine_months" has no number."""
    stem, _, number = name.rpartition("_")
    kind, num = (stem, int(number)) if number.isdigit() else (name, None)
    for known in PERIOD_KINDS:
        if known == kind:
            return known, num
    raise RuleError(later("{file}: error: period rule '{name}' is not a period kind; use one of {kinds}, with '_N' for "
                          "a quarter or half", file=RULES_FILE.name, name=name, kinds=", ".join(PERIOD_KINDS)))


def detect_period(draft: Draft, text: str, rules: Rules) -> None:
    folded = fold(text)
    for name, pattern in rules.table("periods"):
        for m in pattern.finditer(folded):
            if _plan_context(folded, m.start(), rules):
                continue
            kind, num = _period_kind(name)
            draft.period = Period(kind=kind, number=num, as_written=text[m.start():m.end()].strip())
            draft.period_evidence = " ".join(text[max(0, m.start() - 30):m.end() + 30].split())
            return


def _year_scores(sentences: list[str], pub_year: int | None, rules: Rules) -> tuple[dict[int, int], dict[int, str]]:
    scores: dict[int, int] = {}
    where: dict[int, str] = {}
    for s in sentences:
        if is_target(s, rules):
            continue  # a target's year is not the results' year
        f = fold(s)
        weight = 3 if rules.rx("year.strong").search(f) else 1
        for m in rules.rx("year.mention").finditer(f):
            year = int(m.group(2))
            before = f[max(0, m.start() - 25):m.start()]
            if pub_year and year > pub_year or rules.rx("year.plan_before").search(before):
                continue  # "triển khai nhiệm vụ năm 2022": the next year's plan
            if rules.rx("year.term_before").search(f[max(0, m.start() - 12):m.start()]) \
                    or rules.rx("year_baseline").search(f[max(0, m.start() - 25):m.start()]):
                continue
            scores[year] = scores.get(year, 0) + weight
            where.setdefault(year, " ".join(s[m.start():m.end()].split()))
    return scores, where


def detect_year(draft: Draft, sentences: list[str], rules: Rules) -> None:
    published = draft.source.get("published", "")
    pub_year = int(published[:4]) if published[:4].isdigit() else None
    scores, where = _year_scores(sentences, pub_year, rules)
    if scores:
        year = max(sorted(scores), key=lambda y: scores[y])
        draft.year, draft.year_evidence = year, f"“{where[year]}”"
        return
    if pub_year is None:
        return
    pub_month = int(published[5:7]) if len(published) >= 7 else None
    review = draft.period.is_full_year and pub_month is not None and pub_month <= 3
    draft.year = pub_year - 1 if review else pub_year
    draft.year_inferred = True
    draft.year_evidence = (f"no year stated for the results; published {published}"
                           + (", and a January–March year-end review describes the previous year" if review else ""))


def settle_until(draft: Draft) -> None:
    """The last day a partial period covers, when the article or the period says it."""
    p = draft.period
    if p.is_full_year or draft.year is None:
        return
    until: dt.date | None = None
    if p.kind == "quarter" and p.number in _QUARTER_END:
        month, day = _QUARTER_END[p.number]
        until = dt.date(draft.year, month, day)
    elif p.kind == "half_year" and p.number == 1:
        until = dt.date(draft.year, 6, 30)
    elif p.kind == "nine_months":
        until = dt.date(draft.year, 9, 30)
    elif p.kind == "to_date":
        until = _until_from_text(draft)
    draft.period = Period(p.kind, p.number, until, p.as_written)


def _until_from_text(draft: Draft) -> dt.date | None:
    """"tính đến ngày 30/6/2022", else the publication date of a year-to-date report."""
    m = _UNTIL.search(draft.period_evidence[draft.period_evidence.find(draft.period.as_written or ""):])
    if m and draft.year is not None:
        try:
            return dt.date(int(m.group(3) or draft.year), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    published = draft.source.get("published", "")
    if len(published) == 10 and published[:4] == str(draft.year):
        return dt.date.fromisoformat(published)
    return None


def years_in(text: str) -> list[int]:
    return [int(y) for y in _YEAR.findall(text)]
