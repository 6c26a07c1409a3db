"""What a page shows when it is shared (Zalo, Facebook, X): its Open Graph words and, for province and
indicator pages, the share card drawn at build time (`output.share_cards`) with the page's headline
figure, its period and its source. Other pages share the edition's generic card."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from generator.model.derive import Derived, Value
from generator.model.indicators import Indicator
from generator.model.types import BLOCKS
from generator.plan.charts import full_years
from generator.plan.index import SiteIndex
from generator.plan.memo import PlanMemo, made
from generator.plan.page import IndicatorContext, PlannedPage, ProvinceContext
from generator.plan.wording import edition_locale, period_text, source_text
from generator.render import formats
from generator.render.labels import Labels

CARD = "share.png"  # a card's file name, in its page's folder; the generic card is at the edition's root


@dataclass(frozen=True)
class Headline:
    """One figure as a card shows it: what it counts, the number as written, its period and source."""

    place: str  # the province the figure is about
    what: str  # "Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên"
    figure: str  # "92,9%", "gần 7.000"; a derived one ends with the words saying so ("(số liệu suy ra)")
    period: str  # "Cả năm 2022"
    source: str  # "Báo Trà Vinh, 14/02/2023"
    newest: bool = False  # an indicator's newest figure, among every province's (the sentence says so)

    def label(self, labels: Labels) -> str:
        """The card's line above the figure: what it counts; on an indicator's card, whose it is."""
        return f"{labels['share']['newest']}: {self.place}" if self.newest else self.what


@dataclass(frozen=True)
class ShareCard:
    """A page's own card: its file, the words of its meta tags and what the image shows."""

    image: str  # relative to the edition's root: "provinces/tra-vinh/share.png"
    title: str  # og:title and the card's heading
    description: str  # og:description and og:image:alt: one sentence with the place, figure, period, source
    headline: Headline | None  # None: the page has no figure yet (the card says so)


def what_text(block: str | None, measure: str, labels: Labels) -> str:
    """What a headline figure counts, as a phrase: "Tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên"."""
    if block is None:
        return labels["fields"][measure]
    return f"{labels['blocks'][block]} {labels['fields'][measure].lower()}"


def _figure(v: Value, labels: Labels, locale: str) -> str:
    """A headline number as the pages show it (one decimal for a share), marked when derived."""
    text = formats.value(v, locale) if v.unit == "count" else formats.headline(v, locale)
    return text + (labels["share"]["derived"] if v.derived else "")


def record_headline(d: Derived, place: str, labels: Labels, locale: str) -> Headline | None:
    """A record's headline: the first block's good-or-above share, else the members admitted."""
    for name in BLOCKS:
        block = d.block(name)
        share = block.share("good_or_above") if block else None
        if share is not None and not share.base_unstated:
            return _headline(d, place, what_text(name, "good_or_above", labels), share, labels, locale)
    adm = d.record.admissions
    if adm is not None and adm.admitted is not None and adm.admitted.count is not None:
        figure = formats.figure(adm.admitted, locale)
        return Headline(place, labels["fields"]["admitted"], figure, period_text(d.record, labels, locale),
                        source_text(d.record, locale))
    return None


def _headline(d: Derived, place: str, what: str, v: Value, labels: Labels, locale: str) -> Headline:
    return Headline(place, what, _figure(v, labels, locale), period_text(d.record, labels, locale),
                    source_text(d.record, locale))


def indicator_headline(ind: Indicator, index: SiteIndex, labels: Labels, locale: str,
                       memo: PlanMemo | None = None) -> Headline | None:
    """An indicator's headline: its newest figure (a full year when there is one; among a year's
    figures, the first province in key order, so the choice never depends on the values)."""
    d = index.once(("headline", ind.id), lambda: newest_figure(ind, index, memo))  # alike in both editions
    if d is None:
        return None
    v = ind.value(d)
    assert v is not None, "chosen among the records with a value"
    what = what_text(ind.block, ind.measure, labels)
    return replace(_headline(d, index.names[d.record.province], what, v, labels, locale), newest=True)


def newest_figure(ind: Indicator, index: SiteIndex, memo: PlanMemo | None = None) -> Derived | None:
    """The record of an indicator's newest figure (see `indicator_headline`): the newest of each
    province's newest, each found once per province and kept in `memo` (`serve`: an edit looks again
    at its own province only)."""
    bests = [made(memo, f"headline:{ind.id}:{province}", records, partial(_newest_of, ind, records))
             for province, records in index.by_province.items()]
    return _newest([full for full, _ in bests if full]) or _newest([best for _, best in bests if best])


def _newest_of(ind: Indicator, records: tuple[Derived, ...]) -> tuple[Derived | None, Derived | None]:
    """A province's newest figure of a full year, and its newest of any period."""
    found = [d for d in records if (v := ind.value(d)) is not None and not v.base_unstated]
    return _newest(full_years(found)), _newest(found)


def _newest(pool: list[Derived]) -> Derived | None:
    """The newest year's record, the first in key order."""
    if not pool:
        return None
    newest = max(d.record.year for d in pool)
    return min((d for d in pool if d.record.year == newest), key=lambda d: d.record.key)


def describe(title: str, headline: Headline | None, labels: Labels) -> str:
    """The og:description sentence, in the edition's language."""
    words = labels["share"]
    if headline is None:
        return words["no_figures"].replace("{title}", title)
    lead = f"{words['newest']}: " if headline.newest else ""
    return lead + (words["sentence"].replace("{place}", headline.place).replace("{period}", headline.period)
            .replace("{what}", headline.what).replace("{figure}", headline.figure)
            .replace("{source}", headline.source))


def card(page: PlannedPage, headline: Headline | None, labels: Labels) -> ShareCard:
    description = describe(page.title, headline, labels)
    return ShareCard(page.url + CARD, page.title, description, headline)


def attach(page: PlannedPage, index: SiteIndex, labels: Labels, memo: PlanMemo | None = None) -> PlannedPage:
    """The page with its own share card when it is a province or indicator page; others unchanged."""
    locale = edition_locale(labels)
    ctx = page.context
    if isinstance(ctx, ProvinceContext):
        latest = ctx.latest
        headline = record_headline(latest, ctx.view.name, labels, locale) if latest else None
        return replace(page, share=card(page, headline, labels))
    if isinstance(ctx, IndicatorContext):
        headline = indicator_headline(ctx.indicator, index, labels, locale, memo)
        return replace(page, share=card(page, headline, labels))
    return page
