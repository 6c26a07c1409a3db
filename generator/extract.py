"""`generator extract`: draft a record from the text of a newspaper article.

The extractor reads sentence by sentence and clause by clause (clauses end at ";"), using the phrase
tables in extract_rules.yaml. It reports a figure only when the clause names what is counted, at
which level, for the bloc itself; anything else it saw is listed with the reason it was left out.
When unsure it leaves the figure out, or keeps it with a `CHECK:` comment for the person reviewing.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from generator.model.types import BLOCKS, LEVELS, Registry
from generator.numbers import Mention, mentions
from generator.load.records import MASS_ORGANIZATIONS

RULES_FILE = Path(__file__).parent / "extract_rules.yaml"
LEVEL_ORDER = ("total", "rated", *LEVELS)
BLOCK_NAMES = BLOCKS
MASS = MASS_ORGANIZATIONS


def fold(text: str) -> str:
    """Lower-case without diacritics, one character for one character (so positions still match)."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base.lower() if len(base.lower()) == 1 else ch)
    return "".join(out)


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    with open(RULES_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# -- the draft ---------------------------------------------------------------------------------
@dataclass
class Fig:
    count: int | None = None
    percent: Decimal | None = None
    of: int | None = None
    qualifier: str | None = None
    quote: str = ""


@dataclass
class Target:
    metric: str
    unit: str
    value: Decimal | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    quote: str = ""


@dataclass
class Draft:
    source: dict[str, str] = field(default_factory=dict)
    title: str = ""
    province: str | None = None
    province_evidence: list[str] = field(default_factory=list)
    committee_kind: str | None = None
    committee: str | None = None
    committee_evidence: list[str] = field(default_factory=list)
    province_wide: bool = False
    year: int | None = None
    year_evidence: str = ""
    period: dict[str, Any] = field(default_factory=lambda: {"kind": "full_year"})
    period_evidence: str = ""
    blocks: dict[str, dict[str, Fig]] = field(default_factory=dict)
    includes: dict[str, tuple[bool, str]] = field(default_factory=dict)
    admitted: Fig | None = None
    percent_of_target: tuple[Decimal, str] | None = None
    exceeded_by: Fig | None = None
    subsets: list[tuple[str, Fig, Decimal | None]] = field(default_factory=list)  # label, admitted, exceeded %
    targets: list[Target] = field(default_factory=list)
    mass: dict[str, Fig] = field(default_factory=dict)
    awards: list[tuple[str, int, str]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    ignored: list[tuple[str, str, str]] = field(default_factory=list)  # number, why, where

    def level(self, block: str, level: str) -> Fig | None:
        return self.blocks.get(block, {}).get(level)


# -- text ----------------------------------------------------------------------------------------
def _source_from_text(text: str) -> dict[str, str]:
    """Without a SOURCE line: a web address and a publication date written in the article, if any."""
    source = {}
    url = re.search(r"https?://[^\s)\]]+", text)
    if url:
        source["url"] = url.group(0).rstrip(".,")
    head = text[:600]
    dmy = re.search(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\b", head)
    words = re.search(r"ngày (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d\d)", head)
    found = dmy or words
    if found:
        day, month, year = (int(g) for g in found.groups())
        if 1 <= day <= 31 and 1 <= month <= 12:
            source["published"] = f"{year:04d}-{month:02d}-{day:02d}"
    return source


def _source_line(text: str) -> tuple[dict[str, str], str]:
    first, _, rest = text.partition("\n")
    if not first.startswith("SOURCE:"):
        return _source_from_text(text), text
    parts = [p.strip() for p in first[len("SOURCE:"):].split("|")]
    source = {"url": parts[0] if parts else ""}
    if len(parts) > 1:
        source["publisher"] = parts[1]
    if len(parts) > 2:
        date = re.match(r"\d{4}(-\d{2}(-\d{2})?)?", parts[2])
        if date:
            source["published"] = date.group(0)
    return source, rest


def sentences(text: str) -> list[str]:
    """Sentences, without repeats (saved pages often repeat a caption or lede)."""
    found: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        start = 0
        for m in re.finditer(r"(?<=[.!?…])\s+(?=[A-ZĐÀ-ỸẠ-Ỵ“\"(\d])", line):
            found.append(line[start:m.start()].strip())
            start = m.end()
        found.append(line[start:].strip())
    unique = []
    for s in found:
        if s and s not in unique:
            unique.append(s)
    return unique


def _clauses(sentence: str) -> list[str]:
    return [c.strip() for c in re.split(r";", sentence) if c.strip()]


def _quote(text: str) -> str:
    return text.strip(" .,;:")


# -- who, when -----------------------------------------------------------------------------------
def _detect_province(draft: Draft, text: str, registry: Registry) -> None:
    folded = fold(text)
    compact_sources = fold(" ".join(draft.source.values())).replace(" ", "")
    brand = " ".join(w for w in re.findall(r"[a-z]+", fold(text)) if re.search(r"portal|online|^bao|tv$", w))
    scores: dict[str, int] = {}
    evidence: dict[str, list[str]] = {}
    for key, p in registry.provinces.items():
        if not key.startswith("old:"):
            continue
        name = fold(p.name)
        hits = len(re.findall(rf"\b{re.escape(name)}\b", folded))
        compact = name.replace(" ", "")
        source_hit = compact in compact_sources or compact in brand.replace(" ", "")
        score = hits + (3 if source_hit else 0)
        if score:
            scores[p.slug] = score
            evidence[p.slug] = ([p.name] if hits else []) + ([compact] if source_hit else [])
    if scores:
        best = max(sorted(scores), key=lambda s: scores[s])
        draft.province, draft.province_evidence = best, evidence[best]


def _detect_committee(draft: Draft, text: str, registry: Registry) -> None:
    folded = fold(text)
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    spans: list[tuple[int, int]] = []  # a phrase counts once, for the most specific kind
    for kind, pattern in rules()["committees"]:
        for m in re.finditer(pattern, folded):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            counts[kind] = counts.get(kind, 0) + 1
            first.setdefault(kind, m.start())
            if len(draft.committee_evidence) < 3 and \
                    text[m.start():m.end()].lower() not in (e.lower() for e in draft.committee_evidence):
                draft.committee_evidence.append(text[m.start():m.end()])
    if not counts:
        draft.province_wide = bool(re.search(rules()["other_unit"]["province_wide"], folded))
        return
    kind = max(sorted(counts, key=lambda k: first[k]), key=lambda k: counts[k])
    draft.committee_kind = kind
    known = [c for c in registry.committees_of(draft.province or "") if c.kind == kind]
    draft.committee = known[0].id if known else rules()["committee_ids"][kind]


def _detect_period(draft: Draft, text: str) -> None:
    folded = fold(text)
    for kind, pattern, number in rules()["periods"]:
        m = re.search(pattern, folded)
        if m:
            draft.period = {"kind": kind, **({"number": number} if number else {}),
                            "as_written": text[m.start():m.end()]}
            draft.period_evidence = " ".join(text[max(0, m.start() - 30):m.end() + 30].split())
            return


def _detect_year(draft: Draft, sentences_: list[str]) -> None:
    published = draft.source.get("published", "")
    pub_year = int(published[:4]) if published[:4].isdigit() else None
    pub_month = int(published[5:7]) if len(published) >= 7 else None
    scores: dict[int, int] = {}
    where: dict[int, str] = {}
    for s in sentences_:
        f = fold(s)
        for m in re.finditer(r"(tong ket|ket qua|trong nam|nam|quy [iv1-4]+[ -]*|6 thang dau nam)\s*(?:nam\s*)?((?:19|20)\d\d)\b", f):
            year = int(m.group(2))
            if pub_year and year > pub_year:
                continue
            if re.search(r"trien khai (nhiem vu )?(nam )?$|phuong huong|nhiem vu (nam )?$", f[max(0, m.start() - 25):m.start()]):
                continue  # "triển khai nhiệm vụ năm 2022": the next year's plan
            if re.search(r"(nhiem ky|giai doan|khoa)\s*$", f[max(0, m.start() - 12):m.start()]):
                continue
            weight = 3 if re.search(rules()["levels"][3][1] + "|ket nap|tong ket", f) else 1
            scores[year] = scores.get(year, 0) + weight
            where.setdefault(year, s[max(0, m.start() - 10):m.end() + 10].strip())
    if scores:
        year = max(sorted(scores), key=lambda y: scores[y])
        draft.year, draft.year_evidence = year, where[year]
    elif pub_year:
        review = draft.period["kind"] == "full_year" and pub_month is not None and pub_month <= 3
        draft.year = pub_year - 1 if review else pub_year
        draft.year_evidence = (f"no year in the text; published {published}" +
                               (", a January–March year-end review describes the previous year" if review else ""))


# -- figures -------------------------------------------------------------------------------------
def _find_levels(folded: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for level, pattern in rules()["levels"]:
        for m in re.finditer(pattern, folded):
            if not any(m.start() < e and s < m.end() for s, e, _ in spans):
                spans.append((m.start(), m.end(), level))
    return sorted(spans)


def _subject(folded: str) -> str | None:
    best = None
    for name, pattern in rules()["subjects"]:
        m = re.search(pattern, folded)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def _skip_reason(folded: str) -> str | None:
    for reason, pattern in rules()["skip_clause"].items():
        if re.search(pattern, folded):
            return reason
    for reason, pattern in rules()["other_unit"].items():
        if re.search(pattern, folded):
            return reason
    return None


REASONS = {
    "award": "a commendation, not a rating", "training": "a training class, not admissions",
    "not_admission": "a membership formality, not a new admission", "congress": "congress work, not a rating",
    "not_rated": "those not assessed", "province_wide": "the whole province's figure, not the bloc's",
    "sub_unit": "a single unit inside the bloc", "other_year": "another year's figure (a comparison)",
    "target": "a target for a later period",
}


def _ignore(draft: Draft, found: list[Mention], reason: str, where: str) -> None:
    for m in found:
        draft.ignored.append((m.text.strip(), REASONS.get(reason, reason), _quote(where)[:120]))


def _strip_asides(draft: Draft, clause: str, results_year: int | None) -> str:
    """Blank out parentheses about another year or about those not assessed (asides, not results)."""
    def drop(m: re.Match[str]) -> str:
        inner = m.group(0)
        years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", inner)]
        if re.search(rules()["other_year"], fold(inner)) and (not years or any(y != results_year for y in years)):
            _ignore(draft, mentions(inner), "other_year", inner)
            return " " * len(inner)
        if re.search(rules()["skip_clause"]["not_rated"], fold(inner)):
            _ignore(draft, mentions(inner), "not_rated", inner)
            return " " * len(inner)
        return inner

    return re.sub(r"\([^()]*\)", drop, clause)


def _set(draft: Draft, block: str, level: str, fig: Fig) -> None:
    existing = draft.level(block, level)
    if existing is None:
        draft.blocks.setdefault(block, {})[level] = fig
    elif (existing.count, existing.percent) != (fig.count, fig.percent):
        if existing.count is None and fig.count is not None or existing.percent is None and fig.percent is not None:
            merged = Fig(existing.count if existing.count is not None else fig.count,
                         existing.percent if existing.percent is not None else fig.percent,
                         existing.of or fig.of, existing.qualifier or fig.qualifier, existing.quote or fig.quote)
            draft.blocks[block][level] = merged
        else:
            draft.checks.append(f"{block}.{level}: the article gives two different figures "
                                f"({_fig_text(existing)} and {_fig_text(fig)}); the first is kept")


def _fig_text(f: Fig) -> str:
    return " ".join(x for x in (str(f.count) if f.count is not None else "",
                                f"{f.percent}%" if f.percent is not None else "") if x)


def _store(draft: Draft, subject: str, level: str, fig: Fig) -> None:
    if subject in MASS:
        if level in ("good", "good_or_above") and fig.percent is not None:
            draft.mass.setdefault(subject, fig)
        return
    if level == "good_or_above":
        _set(draft, subject, "good", fig)
        draft.includes[subject] = (True, "the article says “trở lên” (or better)")
        return
    _set(draft, subject, level, fig)


def _shared_level(clause: str, folded: str, found: list[Mention], segment: list[int]) -> list[tuple[int, str]]:
    """Numbers in a segment that each name their own subject, joined by "và" or a comma."""
    pairs = []
    for i in segment:
        m = found[i]
        subject = _subject(folded[m.end:m.end + 25].split(" va ")[0])
        if subject:
            pairs.append((i, subject))
    joined = len(pairs) >= 2 and all(re.search(r"\s(va|,)\s", folded[found[a].end:found[b].start] + " ")
                                     for (a, _), (b, _) in zip(pairs, pairs[1:]))
    return pairs if joined and len({s for _, s in pairs}) == len(pairs) else []


def _ratings(draft: Draft, clause: str, inherited: str | None, sentence_has_inclusion: bool) -> str | None:
    """Levels in one clause. Returns the subject, for the next clause of the same sentence."""
    folded = fold(clause)
    levels = _find_levels(folded)
    found = mentions(clause)
    used: set[int] = set()
    subject = inherited
    rated = None
    for candidate in re.finditer(rules()["rated"], folded):
        if levels and candidate.start() > levels[0][0]:
            break
        if any(m.end <= candidate.start() + 1 for m in found):
            rated = candidate
            break
    if rated:
        before = [m for m in found if m.end <= rated.start() + 1]
        subject = _subject(folded[: rated.end()]) or subject
        if before and subject in BLOCK_NAMES:
            m = before[-1]
            fig = Fig(m.as_int(), None, int(m.of) if m.of else None, m.qualifier, _quote(clause))
            if m.percent:
                fig = Fig(None, m.value, None, m.qualifier, _quote(clause))
            _set(draft, subject, "rated", fig)
            used.add(found.index(m))
    previous_end = rated.end() if rated else 0
    for start, end, level in levels:
        segment = [i for i, m in enumerate(found) if previous_end <= m.start < start and i not in used]
        counts = [i for i in segment if not found[i].percent]
        percents = [i for i in segment if found[i].percent]
        after = clause[end:end + 14]
        post = [i for i, m in enumerate(found) if i not in used and end <= m.start <= end + 8
                and re.fullmatch(r"[\s”\"'’:]*(là\s*)?", clause[end:m.start])]
        shared = _shared_level(clause, folded, found, segment)
        if shared:  # "91,4% TCCS Đảng và 98% đảng viên hoàn thành tốt nhiệm vụ": one level, two subjects
            for i, subj in shared:
                m = found[i]
                fig = Fig(None if m.percent else m.as_int(), m.value if m.percent else None,
                          int(m.of) if m.of else None, m.qualifier, _quote(clause))
                _store(draft, subj, level, fig)
                used.add(i)
            previous_end = end
            continue
        if level == "not_completed" and not counts and not percents and \
                re.search(r"khong co\b|khong \S+( \S+)? nao", folded[previous_end:start]):
            subject = _subject(folded[previous_end:end]) or subject
            if subject in BLOCK_NAMES:  # "không có TCCSĐ không hoàn thành nhiệm vụ": stated as none
                _store(draft, subject, level, Fig(0, None, None, None, _quote(clause)))
            previous_end = end
            continue
        count_i = counts[-1] if counts else next((i for i in post if not found[i].percent), None)
        pct_i = percents[-1] if percents else next(
            (i for i, m in enumerate(found) if i not in used and m.percent and end <= m.start <= end + 14
             and re.fullmatch(r"[\s”\"'’]*[(,]?\s*(chiếm|đạt|chiem|dat)?\s*", clause[end:m.start])), None)
        region = folded[previous_end:end + (len(after) if count_i in post else 0)]
        subject = _subject(folded[(found[count_i].start if count_i is not None else previous_end):end]) \
            or _subject(region) or subject
        if count_i is not None and count_i in post:
            subject = _subject(folded[end:found[count_i].end + 25]) or subject
        previous_end = max(end, found[count_i].end if count_i is not None else end)
        if count_i is None and pct_i is None:
            continue
        if subject is None:
            continue
        count = found[count_i] if count_i is not None else None
        pct = found[pct_i] if pct_i is not None else None
        used.update(i for i in (count_i, pct_i) if i is not None)
        fig = Fig(count.as_int() if count else None, pct.value if pct else None,
                  int(count.of) if count and count.of else None,
                  (count or pct).qualifier, _quote(clause))  # type: ignore[union-attr]
        if subject not in BLOCK_NAMES + MASS:
            continue
        _store(draft, subject, level, fig)
        if level == "excellent" and sentence_has_inclusion and draft.level(subject, "good") is not None:
            if re.search(rules()["inclusion"], folded[max(0, (count.start if count else start) - 25):start]):
                draft.includes.setdefault(subject, (True, "the article says “trong đó” (of which)"))
    return subject


def _admissions(draft: Draft, clause: str) -> set[int]:
    """Admissions in one clause; returns the clause positions of the numbers it used."""
    r = rules()["admission"]
    used: set[int] = set()
    offset = 0
    parts = re.split(r"(,\s*trong đó,?\s*)", clause)
    starts = []
    for piece in parts:
        starts.append(offset)
        offset += len(piece)
    for n, (part, part_start) in enumerate(zip(parts[::2], starts[::2])):
        folded = fold(part)
        if not (re.search(r["verb"], folded) or re.search(r["passive"], folded)):
            continue
        reason = _skip_reason(folded)
        names_bloc = re.search(r"dang (uy|bo) khoi", folded)
        if reason and not (names_bloc and reason in ("province_wide",)):
            _ignore(draft, mentions(part), reason, part)
            continue
        found = mentions(part)
        verb = re.search(r["verb"], folded) or re.search(r["passive"], folded)
        counts = [m for m in found if not m.percent and re.match(r"\s*(đảng viên|dang vien|đồng chí|dong chi|quần chúng|quan chung)", part[m.end:])]
        if re.search(r["passive"], folded):
            counts = [m for m in counts if m.start < verb.end() + 40]
        else:
            counts = [m for m in counts if m.start >= verb.start() - 2] or counts
        range_m = re.search(r"từ\s+\d[\d.]*\s*[-–đến]+\s*\d", part)
        if not counts or range_m:
            continue
        m = counts[0]
        used.add(part_start + m.start)
        fig = Fig(m.as_int(), None, None, m.qualifier, _quote(part))
        among_new = re.search(r"trong so (dang vien|nhung dang vien) (moi )?(duoc )?ket nap", folded)
        is_subset = (n > 0 or among_new) and draft.admitted is not None and not names_bloc
        if is_subset:
            label = re.sub(r"^\s*(đảng viên|dang vien)\s*(được\s*)?(kết nạp\s*)?", "", part[m.end:]).split("(")[0]
            draft.subsets.append((_quote(label) or "trong đó", fig, None))
        elif draft.admitted is None:
            draft.admitted = fig
        elif draft.admitted.count != fig.count:
            draft.checks.append(f"admissions: another admission count {fig.count} in “{_quote(part)[:80]}”; "
                                "left out — check which one is the bloc's")
            continue
        for p in (x for x in found if x.percent and x.start > m.start):
            before = fold(part[max(0, p.start - 12):p.start])
            after = fold(part[p.end:p.end + 40])
            target = None
            if re.search(r["exceeded"], before):
                target = "exceeded"
            elif re.search(r"dat|bang", before) and not re.search(r["of_members"], after):
                target = "of_target"
            if is_subset:
                if target == "exceeded":
                    draft.subsets[-1] = (draft.subsets[-1][0], draft.subsets[-1][1], p.value)
                continue
            if target == "exceeded" and draft.exceeded_by is None:
                draft.exceeded_by = Fig(None, p.value, None, None, _quote(part))
            elif target == "of_target" and draft.percent_of_target is None:
                draft.percent_of_target = (p.value, _quote(part))
                if not re.search(r["of_target"], after + before):
                    draft.checks.append(f"admissions: {p.text.strip()} is read as percent of target, "
                                        "though the article does not say “chỉ tiêu” or “kế hoạch”")
            elif re.search(r["of_members"], after):
                draft.ignored.append((p.text.strip(), "a share of all members, not of the target", _quote(part)[:120]))
        over = re.search(r"vượt chỉ tiêu\s+(\d+)", part)
        if over and not is_subset and draft.exceeded_by is None:
            draft.exceeded_by = Fig(int(over.group(1)), None, None, None, _quote(part))
    return used


def _totals(draft: Draft, clause: str, used: set[int]) -> None:
    """Total members / organizations of the bloc ("nâng tổng số lên gần 7.000 đảng viên")."""
    folded = fold(clause)
    if _skip_reason(folded) in ("province_wide", "sub_unit", "training") or _find_levels(folded) \
            or re.search(rules()["rated"], folded):
        return
    nouns = {"members": r"\s*(đảng viên|ĐV)\b", "organizations": r"\s*(chi, đảng bộ|chi bộ|đảng bộ|tổ chức|TCCS)"}
    for block in ("members", "organizations"):
        if draft.level(block, "total") is not None:
            continue
        for pattern in rules()["totals"][block]:
            marker = re.search(pattern, clause)
            if not marker:
                continue
            noun_in_marker = block == "members" and "đảng viên" in marker.group(0)
            for m in mentions(clause):
                if m.percent or m.start < marker.end() - 1 or m.start in used:
                    continue
                if noun_in_marker or re.match(nouns[block], clause[m.end:], re.IGNORECASE):
                    _set(draft, block, "total", Fig(m.as_int(), None, None, m.qualifier, _quote(clause)))
                    used.add(m.start)
                break
            if draft.level(block, "total") is not None:
                break


TARGET_METRICS = {
    ("organizations", "good"): "organizations_good_or_above", ("organizations", "good_or_above"): "organizations_good_or_above",
    ("organizations", "not_completed"): "organizations_not_completed",
    ("members", "good"): "members_good_or_above", ("members", "good_or_above"): "members_good_or_above",
    ("members", "completed"): "members_completed_or_above",
    ("trade_unions", "good"): "trade_unions_good", ("youth_union", "good"): "youth_union_good",
    ("veterans", "good"): "veterans_good", ("agencies", "good"): "agencies_good",
}


def _targets(draft: Draft, sentence: str) -> None:
    for clause in _clauses(sentence):
        folded = fold(clause)
        if re.search(rules()["admission"]["verb"], folded):
            rng = re.search(r"(\d[\d.]*)\s*(?:-|–|đến)\s*(\d[\d.]*)\s*(đảng viên|dang vien)", clause)
            single = re.search(r"(?:kết nạp|ket nap)(?:\s+mới)?\s+(\d[\d.]*)\s*(đảng viên|dang vien)", clause)
            if rng:
                draft.targets.append(Target("admissions", "count", min=Decimal(rng.group(1).replace(".", "")),
                                            max=Decimal(rng.group(2).replace(".", "")), quote=_quote(clause)))
            elif single:
                draft.targets.append(Target("admissions", "count", value=Decimal(single.group(1).replace(".", "")),
                                            quote=_quote(clause)))
            continue
        parts = re.split(r",\s+|\s+và\s+", clause)
        pending: list[tuple[Mention, str | None, bool, str]] = []
        for part in parts:
            pf = fold(part)
            levels = _find_levels(pf)
            pcts = [m for m in mentions(part) if m.percent]
            subject = _subject(pf)
            if re.search(r"co quan, don vi|co quan$", pf) or pf.startswith("don vi"):
                subject = "agencies"
            zero = re.search(r"khong co .*khong hoan thanh", pf)
            at_least = bool(re.search(rules()["at_least"], pf))
            if pcts:
                pending.append((pcts[0], subject, at_least, part))
            if zero and subject in ("organizations", None):
                draft.targets.append(Target("organizations_not_completed", "count", value=Decimal(0), quote=_quote(part)))
                continue
            if not levels:
                continue
            level = levels[-1][2]
            for pct, subj, least, text in pending:
                metric = TARGET_METRICS.get((subj or subject or "", level))
                if metric:
                    t = Target(metric, "percent", quote=_quote(text if len(pending) > 1 else clause))
                    if least:
                        t.min = pct.value
                    else:
                        t.value = pct.value
                    draft.targets.append(t)
            pending = []


def _awards(draft: Draft, clause: str) -> None:
    for m in re.finditer(r"(?:tặng|trao|trao tặng)\s+(Giấy khen|Bằng khen|Cờ [Tt]hi đua)[^0-9]{0,60}?\b(\d+)\s+([^,;.()]{3,80})",
                         clause, re.IGNORECASE):
        draft.awards.append((f"{m.group(1)} cho {m.group(3).strip()}", int(m.group(2)), _quote(m.group(0))))


def _decide_inclusion(draft: Draft) -> None:
    for block in BLOCK_NAMES:
        good, excellent = draft.level(block, "good"), draft.level(block, "excellent")
        if good is None or excellent is None or block in draft.includes:
            continue
        if excellent.of is not None and good.count is not None and excellent.of == good.count:
            draft.includes[block] = (True, f"excellent is written as a share of good ({excellent.count}/{excellent.of})")
            continue
        rated = draft.level(block, "rated")
        parts = [draft.level(block, lv) for lv in ("good", "completed", "not_completed")]
        if rated and rated.count and all(p and p.count is not None for p in parts):
            total = sum(p.count for p in parts)  # type: ignore[union-attr,misc]
            if total == rated.count:
                draft.includes[block] = (True, f"good + completed + not completed = {total} = rated")
                continue
            if total + (excellent.count or 0) == rated.count:
                draft.includes[block] = (False, f"all four levels add up to the {rated.count} rated")
                continue
        elif rated and rated.count and all(p is not None and p.count is not None for p in parts[:2]) and parts[2] is None:
            if parts[0].count + parts[1].count == rated.count:  # type: ignore[union-attr,operator]
                draft.includes[block] = (True, f"good + completed = {rated.count} rated")
                continue
            if parts[0].count + parts[1].count + (excellent.count or 0) == rated.count:  # type: ignore[union-attr,operator]
                draft.includes[block] = (False, f"excellent + good + completed = {rated.count} rated")
                continue
        draft.includes[block] = (False, "CHECK: the article lists the levels side by side and does not say "
                                        "whether “good” includes “excellent”; read as separate levels")


# -- the whole article -----------------------------------------------------------------------------
def extract(text: str, registry: Registry, province: str | None = None, committee: str | None = None,
            year: int | None = None) -> Draft:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    draft = Draft()
    draft.source, body = _source_line(text)
    ss = sentences(body)
    draft.title = next((s for s in ss if len(s) > 10), "")[:200]
    _detect_province(draft, text, registry)
    _detect_committee(draft, body, registry)
    _detect_period(draft, body)
    _detect_year(draft, ss)
    if province:
        draft.province, draft.province_evidence = province, ["--province"]
    if committee:
        draft.committee, draft.committee_evidence = committee, ["--committee"]
    if year:
        draft.year, draft.year_evidence = year, "--year"
    if draft.committee is None:
        draft.province_wide = True
        draft.checks.append("no bloc committee (Đảng ủy Khối …) is named: the article looks like a "
                            "province-wide report, so no figure is taken as a bloc's")
        for s in ss:
            _ignore(draft, mentions(s), "province_wide", s)
        return draft
    target_rx = rules()["targets"]
    for s in ss:
        folded = fold(s)
        marker = re.search(target_rx, folded)
        if marker and re.search(r"\d", s[marker.start():marker.end() + 60]):
            _targets(draft, s)
            _ignore(draft, [m for m in mentions(s)], "target", s)
            continue
        s_clean = _strip_asides(draft, s, draft.year)
        has_inclusion = bool(re.search(rules()["inclusion"], fold(s_clean)))
        subject = None
        for clause in _clauses(s_clean):
            cf = fold(clause)
            reason = _skip_reason(cf)
            if reason == "award":
                _awards(draft, clause)
            if reason and not re.search(rules()["admission"]["verb"], cf):
                if reason != "award":
                    _ignore(draft, mentions(clause), reason, clause)
                elif not re.search(r"(tặng|trao)", clause):
                    _ignore(draft, mentions(clause), reason, clause)
                continue
            if re.search(rules()["admission"]["verb"], cf) or re.search(rules()["admission"]["passive"], cf):
                used = _admissions(draft, clause)
                _totals(draft, clause, used)
                continue
            if _find_levels(cf) or re.search(rules()["rated"], cf):
                subject = _ratings(draft, clause, subject, has_inclusion)
            _totals(draft, clause, set())
    _decide_inclusion(draft)
    _reconcile_rated(draft)
    return draft


def _reconcile_rated(draft: Draft) -> None:
    """A rated figure without a count but with levels written as N/M: M is the number rated."""
    for block in BLOCK_NAMES:
        levels = [draft.level(block, lv) for lv in ("good", "completed", "not_completed")]
        denominators = {f.of for f in levels if f is not None and f.of is not None}
        rated = draft.level(block, "rated")
        if rated is not None and rated.count is None and len(denominators) == 1:
            draft.checks.append(f"{block}: the levels are shares of {denominators.pop()} rated, "
                                "a number the article gives only as the denominator")


# -- output --------------------------------------------------------------------------------------
def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _num(value: Decimal | int) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fig_yaml(f: Fig, base_unstated: bool = False) -> str:
    parts = []
    if f.count is not None:
        parts.append(f"count: {f.count}")
    if f.percent is not None:
        parts.append(f"percent: {_num(f.percent)}")
    if f.of is not None:
        parts.append(f"of: {f.of}")
    if base_unstated:
        parts.append("base: unstated")
    if f.qualifier:
        parts.append(f"qualifier: {f.qualifier}")
    parts.append(f"quote: {_q(f.quote)}")
    return "{" + ", ".join(parts) + "}"


def _level_lines(level: str, figs: dict[str, Fig]) -> list[str]:
    """One level of a block, with a CHECK for an approximation or a percent whose base is unstated."""
    f, rated = figs[level], figs.get("rated")
    lines = [f"  # CHECK: approximate figure (“{f.qualifier}”) as written"] if f.qualifier else []
    unstated = level not in ("total", "rated") and f.percent is not None and f.of is None and (
        rated is None or rated.count is None)
    if unstated:
        lines.append("  # CHECK: the article does not say what this percent is a share of")
    return lines + [f"  {level}: {_fig_yaml(f, unstated)}"]


def record_stem(draft: Draft) -> str:
    suffix = {"full_year": "", "quarter": f"q{draft.period.get('number')}", "half_year": f"h{draft.period.get('number', 1)}",
              "nine_months": "9m", "to_date": "to-date"}[draft.period["kind"]]
    return f"{draft.year}-{suffix}" if suffix else str(draft.year)


def to_yaml(draft: Draft, article: str) -> str:
    lines = [f"# Draft record made by `python -m generator extract` from {article}.",
             "# Check every figure against the article, resolve each CHECK comment, then delete these comments.",
             f"# province: {', '.join(draft.province_evidence) or 'not found'}",
             f"# committee: {', '.join(draft.committee_evidence) or 'not found'}",
             f"# year: {draft.year_evidence or 'not found'}",
             f"# period: {draft.period_evidence or 'no partial-period words: full year'}"]
    lines += [f"# CHECK: {c}" for c in draft.checks]
    lines.append(f"province: {draft.province or 'CHECK-unknown'}")
    lines.append(f"committee: {draft.committee or 'CHECK-unknown'}")
    lines.append(f"year: {draft.year or 'CHECK-unknown'}")
    if draft.period["kind"] != "full_year":
        lines.append("period:")
        lines += [f"  {k}: {_q(v) if isinstance(v, str) and k == 'as_written' else v}" for k, v in draft.period.items()]
    if not draft.source.get("published") or not draft.source.get("url") or not draft.source.get("publisher"):
        lines.append("# CHECK: fill in the source's missing address, publisher or date")
    lines += ["sources:", f"  - url: {draft.source.get('url') or 'CHECK-missing'}",
              f"    publisher: {_q(draft.source.get('publisher', 'CHECK-missing'))}",
              f"    published: {draft.source.get('published', 'CHECK-missing')}",
              f"    title: {_q(draft.title)}"]
    for block in BLOCK_NAMES:
        figs = draft.blocks.get(block)
        if not figs:
            continue
        lines.append(f"{block}:")
        if block in draft.includes and "good" in figs and "excellent" in figs or block in draft.includes and \
                draft.includes[block][0]:
            value, why = draft.includes[block]
            lines.append(f"  # {why}")
            lines.append(f"  good_includes_excellent: {str(value).lower()}")
        for level in LEVEL_ORDER:
            if level in figs:
                lines += _level_lines(level, figs)
    if draft.admitted or draft.percent_of_target or draft.exceeded_by:
        lines.append("admissions:")
        if draft.admitted:
            lines.append(f"  admitted: {_fig_yaml(draft.admitted)}")
        if draft.percent_of_target:
            lines.append(f"  percent_of_target: {_num(draft.percent_of_target[0])}")
        if draft.exceeded_by:
            lines.append(f"  exceeded_by: {_fig_yaml(draft.exceeded_by)}")
        if draft.subsets:
            lines.append("  subsets:")
            for label, f, exceeded in draft.subsets:
                lines.append(f"    - label: {_q(label)}")
                lines.append(f"      admitted: {f.count}")
                if exceeded is not None:
                    lines.append(f"      exceeded_by: {{percent: {_num(exceeded)}}}")
                lines.append(f"      quote: {_q(f.quote)}")
    if draft.mass:
        lines.append("mass_organizations:")
        lines += [f"  {k}: {_fig_yaml(f)}" for k, f in draft.mass.items()]
    if draft.targets:
        lines.append("targets:")
        period = str((draft.year or 0) + 1) if draft.year else "CHECK"
        for t in draft.targets:
            lines.append(f"  - metric: {t.metric}")
            lines.append(f"    period: \"{period}\"  # CHECK: the period the target is for")
            lines.append(f"    unit: {t.unit}")
            for k in ("value", "min", "max"):
                v = getattr(t, k)
                if v is not None:
                    lines.append(f"    {k}: {_num(v)}")
            lines.append(f"    quote: {_q(t.quote)}")
    if draft.awards:
        lines.append("awards:")
        for desc, count, quote in draft.awards:
            lines += [f"  - description: {_q(desc)}", f"    count: {count}", f"    quote: {_q(quote)}"]
    if draft.ignored:
        lines.append("# Numbers seen and deliberately not used:")
        seen = set()
        for number, why, where in draft.ignored:
            if (number, why) in seen:
                continue
            seen.add((number, why))
            lines.append(f"#   {number}: {why} — “{where}”")
    return "\n".join(lines) + "\n"


def level_figures(block: str, level: str, f: Any) -> set[tuple[str, str, str, Decimal]]:
    """A rating figure (a draft's Fig or a record's Figure) as scored tuples; the denominator of
    "rated N/M" counts as the total M."""
    out = set()
    if f.count is not None:
        out.add((block, level, "count", Decimal(f.count)))
    if f.percent is not None:
        out.add((block, level, "pct", f.percent))
    if level == "rated" and f.of is not None:
        out.add((block, "total", "count", Decimal(f.of)))
    return out


def figures(draft: Draft) -> set[tuple[str, str, str, Decimal]]:
    """The draft's figures as (block, level, kind, value), the unit of precision and recall."""
    out: set[tuple[str, str, str, Decimal]] = set()
    for block, figs in draft.blocks.items():
        for level, f in figs.items():
            out |= level_figures(block, level, f)
    if draft.admitted and draft.admitted.count is not None:
        out.add(("admissions", "admitted", "count", Decimal(draft.admitted.count)))
    if draft.percent_of_target:
        out.add(("admissions", "percent_of_target", "pct", draft.percent_of_target[0]))
    if draft.exceeded_by:
        kind, v = ("pct", draft.exceeded_by.percent) if draft.exceeded_by.percent is not None else ("count", draft.exceeded_by.count)
        out.add(("admissions", "exceeded_by", kind, Decimal(v)))  # type: ignore[arg-type]
    for t in draft.targets:
        for k in ("value", "min", "max"):
            v = getattr(t, k)
            if v is not None:
                out.add(("targets", t.metric, k, v))
    for k, f in draft.mass.items():
        if f.percent is not None:
            out.add(("mass", k, "pct", f.percent))
    return out


def write_path(root: Path, draft: Draft) -> Path:
    return root / "content" / "records" / str(draft.province) / str(draft.committee) / f"{record_stem(draft)}.yaml"
