"""How figures, numbers and dates read on the pages (vi-VN through Babel: 6.027; 92,94%; 14/02/2023),
and JSON that is safe inside a page's <script> element. The output side only: reading numbers from
YAML is `load.reader`, finding them in article text is the extractor's."""
from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

from generator.model.derive import Value
from generator.model.types import Figure, PartialDate

LOCALE = "vi_VN"


@cache
def _locale(locale: str) -> Locale:
    return Locale.parse(locale)


@cache
def _pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


def number(value: int | Decimal | float, locale: str = LOCALE) -> str:
    """Group thousands and keep exactly the decimals the value carries (92.90 stays 92,90).

    Babel does the formatting; the parsed locale and patterns are kept, and results are cached,
    because a national build formats hundreds of thousands of numbers.
    """
    return _number(str(value), locale)  # by text: 4.00 and 4 are equal as numbers, not as written


@lru_cache(maxsize=65536)
def _number(text: str, locale: str) -> str:
    value = Decimal(text)
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return str(_pattern(decimals).apply(value, _locale(locale)))


def percent(value: Decimal | int, locale: str = LOCALE) -> str:
    return f"{number(value, locale)}%"


def value(v: Value | None, locale: str = LOCALE) -> str:
    if v is None:
        return ""
    return qualified(v.qualifier, value_text(v.number, v.unit, locale), locale)


def value_text(amount: Decimal, unit: str, locale: str = LOCALE) -> str:
    """A value's number as shown, without its approximation word: a count whole, a percent with its decimals."""
    return number(int(amount), locale) if unit == "count" else percent(amount, locale)


def qualified(qualifier: str | None, text: str, locale: str = LOCALE) -> str:
    """An approximate figure as a person writes it: "gần 7.000", "95% trở lên"; in English "nearly 7,000"."""
    if not qualifier:
        return text
    word = _qualifier_words(locale).get(qualifier, qualifier)
    return f"{text} {word}" if qualifier in SUFFIXES else f"{word} {text}"


SUFFIXES = ("trở lên",)  # approximation words written after the figure


@cache
def _qualifier_words(locale: str) -> dict[str, str]:
    """The approximation words in the edition's language (the labels' `qualifiers`)."""
    from generator.render.labels import load_labels  # the labels import nothing from here
    words: dict[str, str] = load_labels("vi" if locale.startswith("vi") else "en").get("qualifiers", {})
    return words


def headline(v: Value, locale: str = LOCALE) -> str:
    """A headline card's percent: one decimal, rounded half-up like every share on the site (the
    exact figure is in the record's table), with its approximation word in the edition's language."""
    tenth = v.number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return qualified(v.qualifier, f"{number(tenth, locale)}%", locale)


def figure(f: Figure | None, locale: str = LOCALE) -> str:
    """A stated figure as the source wrote it: "79/85 (92,94%)", "gần 7.000", "95%"."""
    if f is None:
        return ""
    parts = []
    if f.count is not None:
        count = number(f.count, locale)
        parts.append(f"{count}/{number(f.of, locale)}" if f.of else count)
    if f.percent is not None:
        pct = percent(f.percent, locale)
        parts.append(f"({pct})" if parts else pct)
    return qualified(f.qualifier, " ".join(parts), locale)


def date(d: dt.date | PartialDate | None, locale: str = LOCALE) -> str:
    """14/02/2023 in Vietnamese; the locale's own medium format elsewhere (Feb 14, 2023)."""
    return "" if d is None else _date(d, locale)


@lru_cache(maxsize=65536)
def _date(d: dt.date | PartialDate, locale: str) -> str:  # Babel's formatting, cached: every cited date, per page
    vietnamese = locale.startswith("vi")
    if isinstance(d, PartialDate):
        if not d.month:
            return str(d.year)
        if vietnamese:
            return f"{d.month:02d}/{d.year}"
        return format_date(dt.date(d.year, d.month, 1), "MMM yyyy", locale=_locale(locale))
    return format_date(d, "dd/MM/yyyy" if vietnamese else "medium", locale=_locale(locale))  # parsed once


def script_json(data: object) -> str:
    """JSON safe inside <script type="application/json">: no record text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text
