"""Display helpers for templates: formatted cells, the rows of a rating table, and the period and
source link of a record.

They are plain Python because a national build calls them hundreds of thousands of times, where
Jinja macros cost far more than a function call.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from markupsafe import Markup, escape

from generator.model.derive import ROWS, Derived, Value
from generator.model.types import Block, Figure, Period, Record, Source
from generator.plan.wording import period_text
from generator.render import formats
from generator.render.labels import Labels

MISSING = Markup('<span class="missing">–</span>')
# Letters only Vietnamese writes: a quoted word holding one is Vietnamese, not English.
VIETNAMESE_LETTERS = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_QUOTED = re.compile("“([^”]*)”")


def quoted_vi(text: str, lang: str) -> Markup:
    """A label with its “quoted” Vietnamese words marked lang="vi" on other editions, so a screen
    reader says “gần” in Vietnamese and the English around it in English."""
    if lang == "vi":
        return Markup(escape(text))
    out, end = Markup(""), 0
    for m in _QUOTED.finditer(text):
        word = m.group(1)
        marked = Markup('<span lang="vi">{}</span>').format(word) if VIETNAMESE_LETTERS.search(word) else escape(word)
        out += escape(text[end:m.start()]) + Markup("“") + marked + Markup("”")
        end = m.end()
    return out + escape(text[end:])


def cell(v: Value | None, locale: str = formats.LOCALE) -> Markup:
    """A value as shown in a table: the locale's format, and a marked, explained "*" when derived."""
    if v is None:
        return MISSING
    # Keyed by what it shows, the number as written (4.00 and 4 must not share an entry): hashing the
    # value itself took longer than making most cells.
    return _cell(str(v.number), v.unit, v.qualifier, v.derived, v.how, v.base_unstated, locale)


@lru_cache(maxsize=65536)
def _cell(number: str, unit: str, qualifier: str | None, derived: bool, how: str | None, base_unstated: bool,
          locale: str) -> Markup:
    text = escape(formats.qualified(qualifier, formats.value_text(Decimal(number), unit, locale), locale))
    if derived:
        # A tappable, keyboard-focusable explanation (a title= tooltip reaches neither touch nor keyboard).
        text = Markup(f'{text}<details class="how"><summary>*</summary><span class="how-text">= {escape(how or "")}'
                      '</span></details>')
    if base_unstated:  # explained by the legend under the table (labels: reviewed.base_unstated_legend)
        text = Markup(f'{text}<span class="base-unstated">†</span>')
    return text


_LINK = Markup('<a class="source" href="{}" rel="noopener noreferrer">{}<span lang="vi">{}</span>{} ({})</a>')


class Wording:
    """A record's period, a source's link and a permalink as every table writes them, the first two made
    once per edition (a national build writes each record's period and source a dozen times over).
    One per renderer: the words are its labels', the dates its locale's."""

    def __init__(self, labels: Labels, locale: str):
        self.labels, self.locale = labels, locale
        self._periods: dict[tuple[Period, int, bool], Markup] = {}
        self._links: dict[tuple[str, str, object, bool, bool], Markup] = {}
        self._lists: dict[tuple[tuple[Source, ...], bool, bool], Markup] = {}

    def period(self, r: Record, badge: bool = False) -> Markup:
        """"Quý I/2022 (đến 31/03/2022)", "Cả năm 2022"; with `badge`, a part of a year says so."""
        key = (r.period, r.year, badge)
        made = self._periods.get(key)
        if made is None:
            made = escape(period_text(r, self.labels, self.locale))
            if badge and not r.period.is_full_year:
                made += Markup(' <span class="badge">{}</span>').format(self.labels["site"]["coverage_partial"])
            self._periods[key] = made
        return made

    def source_link(self, s: Source, short: bool = False, prefix: bool = True) -> Markup:
        """A link to a source, saying whether the address is the article itself or only the
        newspaper's site (the article's address unknown)."""
        key = (s.url, s.publisher, s.published, short, prefix)
        made = self._links.get(key)
        if made is None:
            made = self._links[key] = self._link(s, short, prefix)
        return made

    def source_links(self, r: Record, short: bool = False, prefix: bool = True) -> Markup:
        """A record's sources, each linked (see `source_link`), one after the other."""
        return self.links(r.sources, short, prefix)

    def row_source_links(self, found: Iterable[Source]) -> Markup:
        """The sources of one row of a chart's table, short."""
        return self.links(found, True, False)

    def links(self, sources: Iterable[Source], short: bool, prefix: bool) -> Markup:
        key = (tuple(sources), short, prefix)
        made = self._lists.get(key)
        if made is None:
            made = self._lists[key] = Markup("; ").join(self.source_link(s, short, prefix) for s in key[0])
        return made

    def permalink(self, id: str, what: str) -> Markup:
        """A link to this very place: without JavaScript it opens the address (to bookmark or share);
        with it, site.js also copies the full address and says so in the page's status line (the
        templates' `permalink_status`). `what` is what a screen reader hears it copies."""
        return Markup(f'<a class="permalink" href="#{escape(id)}"><span aria-hidden="true">#</span>'
                      f'<span class="visually-hidden">{escape(self.labels["permalinks"]["copy_link"])} {escape(what)}'
                      '</span></a>')

    def _link(self, s: Source, short: bool, prefix: bool) -> Markup:
        words = self.labels["site"]
        rest = s.url.split("://")[-1].split("/", 1)
        article = len(rest) > 1 and rest[1].strip("/") != ""
        kind = ("source_article" if article else "source_site_only") + ("_short" if short else "")
        return _LINK.format(s.url, words["source"] + ": " if prefix else "", s.publisher,
                            ", " + formats.date(s.published, self.locale) if s.published else "", words[kind])


def _as_written(f: Figure | None, locale: str) -> str:
    """The figure as the source wrote it, with † when its percent has no stated base."""
    text = formats.figure(f, locale)
    return text + " †" if f is not None and f.base_unstated and f.percent is not None else text


def block_rows(d: Derived, name: Block, labels: Labels,
               locale: str = formats.LOCALE) -> list[tuple[str, str, Markup, Markup]]:
    """(level label, as the source wrote it, count, share) for one rating block of one record."""
    stated_block, block = d.record.block(name), d.block(name)
    if stated_block is None or block is None:
        return []
    fields = labels["fields"]
    rows: list[tuple[str, str, Markup, Markup]] = []
    totals: tuple[tuple[Literal["total", "rated"], Value | None], ...] = (("total", block.total),
                                                                         ("rated", block.rated))
    for key, value in totals:
        stated = stated_block.level(key)
        if stated is not None or value is not None:
            rows.append((fields[key], _as_written(stated, locale), cell(value, locale) if value else Markup(""),
                         Markup("")))
    for row in ROWS:
        level = block.levels[row]
        if row == "good_only" or row == "good_or_above":  # two comparisons: the type checker narrows `row` by them
            from_good = level.count is not None and not level.count.derived
            stated = stated_block.good if from_good else None
        else:
            stated = stated_block.level(row)
        if stated is not None or level.count is not None or level.share is not None:
            rows.append((fields[row], _as_written(stated, locale), cell(level.count, locale),
                         cell(level.share, locale)))
    if stated_block.good is not None and block.good_includes_excellent is None:
        rows.append((fields["good"], _as_written(stated_block.good, locale),
                     Markup(escape(fields["includes_unknown"])), Markup("")))
    return rows


def _period_end_month(p: Period) -> int:
    """The month a period ends in: its cut-off date's, else the one its kind implies (Q2 ends in June)."""
    if p.until is not None:
        return p.until.month
    months = {"quarter": 3 * (p.number or 1), "half_year": 6 * (p.number or 1), "nine_months": 9}
    return months.get(p.kind, 12)


def newest_first(items: Iterable[Derived]) -> list[Derived]:
    """Records as a reader scans them: the newest period first, whatever committee reported it; in a
    year, the full year before the parts of it."""
    by_committee = sorted(items, key=lambda d: d.record.committee)  # ties keep this order: the sort is stable
    return sorted(by_committee, key=lambda d: (d.record.year, _period_end_month(d.record.period),
                                               d.record.period.is_full_year), reverse=True)
