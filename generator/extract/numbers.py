"""Vietnamese numbers as newspapers write them: 6.027 (thousands), 92,94% (decimals), 05, gần 6 ngàn.

`mentions(text)` finds every number with its form (count, fraction, percent), position and
approximation word; dates such as 22/01/2021, 14/02 or 03/02/2024 are recognised and left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from generator.extract.text import fold
from generator.model.types import QUALIFIERS, Qualifier

_NUM = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_UNITS = {"ngàn": 1000, "nghìn": 1000, "ngan": 1000, "nghin": 1000, "vạn": 10000, "van": 10000,
          "triệu": 1_000_000, "trieu": 1_000_000}
# The approximation words written before a number ("trở lên" follows it), with or without diacritics.
_BEFORE: dict[str, Qualifier] = {form: q for q in QUALIFIERS if q != "trở lên" for form in (q, fold(q))}
_QUALIFIER = rf"(?:(?P<q>{'|'.join(_BEFORE)})\s+)?(?:(?:gần|gan)\s+)?"
_DATE_FULL = re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\1(?:19|20)?\d\d\b")
_DATE_WORDS = re.compile(r"(ngày|ngay|đợt|dot|sáng|sang|chiều|chieu|tối|toi|hôm|hom|tháng|thang)\s*$", re.I)
_TERM = re.compile(r"\b(19|20)\d\d\s*[-–]\s*(19|20)\d\d\b")
_MENTION = re.compile(
    _QUALIFIER + rf"(?P<a>{_NUM})(?:\s*(?P<unit>ngàn|nghìn|vạn|triệu)\b)?"
    rf"(?:(?P<slash>\s*/\s*)(?P<b>{_NUM})|\s+trong tổng số\s+(?P<c>{_NUM}))?(?P<pct>\s*%)?",
    re.IGNORECASE)


def parse(text: str) -> Decimal:
    """One number as written: "6.027" -> 6027, "92,94" -> 92.94, "05" -> 5, "6,5 vạn" -> 65000."""
    text = text.strip()
    unit = 1
    for word, factor in _UNITS.items():
        if text.lower().endswith(" " + word):
            text, unit = text[: -len(word) - 1].strip(), factor
    if not re.fullmatch(_NUM, text):
        raise ValueError(f"not a Vietnamese number: {text!r}")
    whole, _, decimals = text.partition(",")
    number = Decimal(whole.replace(".", "") + ("." + decimals if decimals else ""))
    return number * unit


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    value: Decimal
    of: Decimal | None = None  # the denominator of N/M or "N trong tổng số M"
    percent: bool = False
    qualifier: Qualifier | None = None

    @property
    def is_count(self) -> bool:
        return not self.percent

    def as_int(self) -> int | None:
        return int(self.value) if self.value == self.value.to_integral_value() else None


def _masked(text: str) -> str:
    """Blank out dates and term ranges (same length), so their digits are never read as figures."""
    for pattern in (_DATE_FULL, _TERM):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def mentions(text: str) -> list[Mention]:
    masked = _masked(text)
    found = []
    for m in _MENTION.finditer(masked):
        a = m.group("a")
        before = masked[max(0, m.start() - 12): m.start()]
        if m.group("slash") and _DATE_WORDS.search(before):
            continue  # "ngày 14/02", "đợt 03/02"
        if not m.group("slash") and not m.group("pct") and re.fullmatch(r"(19|20)\d\d", a) \
                and not re.match(r"\s*(đảng viên|dang vien|người|nguoi)", masked[m.end():]):
            continue  # a year
        if re.search(r"[\d.,]$|\w-$", masked[: m.start("a")]) or re.match(r"[.,]\d|\w", masked[m.end():]):
            continue  # part of a longer token: 6.1 (a date), Covid-19, 5G
        unit = m.group("unit")
        value = parse(a + (" " + unit if unit else ""))
        denominator = m.group("b") or m.group("c")
        qualifier = _BEFORE.get(m.group("q").lower()) if m.group("q") else None
        if qualifier is None and re.search(r"(gần|gan)\s+$", masked[max(0, m.start() - 6): m.start("a")]):
            qualifier = "gần"
        found.append(Mention(m.start("a") if not m.group("q") else m.start(), m.end(), text[m.start():m.end()],
                             value, parse(denominator) if denominator else None, bool(m.group("pct")),
                             qualifier))
    return found
