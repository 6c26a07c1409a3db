"""The "sources reviewed" page: every article the portal has read, the records it gave (linked), and
for an article that gave none, why. Both editions share the list; only the labels differ.

A long list is paged by province (see `Place`): sources/ lists the provinces, sources/<slug>/ each
province's articles, and sources/_other/ the articles that name none."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import ClassVar

from generator.hashing import digest
from generator.model.derive import Derived
from generator.model.types import PartialDate, Period, ReviewedArticle
from generator.plan.memo import PlanMemo, made

URL = "sources/"
# The page of the articles that name no province. A province's slug is lowercase letters, digits and
# single hyphens (load.reader's `slug`), never an underscore, so no province's page can take this address.
OTHER = "_other"
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Named:
    """A record as the page names it and links to it: its place and period, not its figures, so that
    editing a figure leaves the page (and its key) as it was."""

    province: str
    committee: str
    stem: str
    year: int
    period: Period
    fingerprint_by_repr: ClassVar[bool] = True  # its repr shows every field, each a plain value

    @classmethod
    def of(cls, d: Derived) -> Named:
        r = d.record
        return cls(r.province, r.committee, r.stem, r.year, r.period)


@dataclass(frozen=True)
class ArticleRow:
    """One article as the page lists it; title, address and date come from its records when it gave any."""

    article: ReviewedArticle
    title: str
    url: str | None
    publisher: str | None
    published: dt.date | PartialDate | None
    title_reconstructed: bool
    records: tuple[Named, ...]
    anchor: str  # the row's id on its page, from the article's id or address: it never moves

    @property
    def provinces(self) -> tuple[str | None, ...]:
        """The provinces whose pages list the row when the list is paged: its records', else the one
        the article names; (None,) when it names none."""
        return tuple(dict.fromkeys(r.province for r in self.records)) or (self.article.province,)


@dataclass(frozen=True)
class Place:
    """One line of a paged list's index: a province's articles (slug None: the articles naming none),
    how many there are and how many gave records, on the page at `url`."""

    slug: str | None
    articles: int
    used: int

    @property
    def url(self) -> str:
        return f"{URL}{self.slug or OTHER}/"

    @property
    def not_used(self) -> int:
        return self.articles - self.used


def anchor(article: ReviewedArticle, named: bool) -> str:
    """A row's id: `article-` and the article's id in content/sources.yaml when it is plain letters,
    digits, hyphens and underscores, else a digest of it (of the address, for an article no entry
    names). Adding an article elsewhere in the list never changes another row's id."""
    key = article.id if named and _PLAIN_ID.fullmatch(article.id) else digest(article.id.encode())[:12]
    return f"article-{key}"


def _row(article: ReviewedArticle, found: tuple[Derived, ...]) -> ArticleRow:
    records = tuple(Named.of(d) for d in found)
    source = found[0].record.sources[0] if found and found[0].record.sources else None
    if source is None:
        return ArticleRow(article, article.title or article.id, article.url, article.publisher,
                          article.published, article.title_reconstructed, records, anchor(article, True))
    return ArticleRow(article, source.title, source.url, source.publisher, source.published,
                      source.title_reconstructed, records, anchor(article, True))


def _unnamed(derived: tuple[Derived, ...], named: set[str], memo: PlanMemo | None) -> list[ArticleRow]:
    """Records no article in content/sources.yaml names, one row per source address."""
    by_url: dict[str, list[Derived]] = {}
    for d in derived:
        if d.record.ref not in named and d.record.sources:
            by_url.setdefault(d.record.sources[0].url, []).append(d)
    return [made(memo, f"unnamed:{url}", tuple(items), partial(_unnamed_row, url, tuple(items)))
            for url, items in by_url.items()]


def _unnamed_row(url: str, items: tuple[Derived, ...]) -> ArticleRow:
    s = items[0].record.sources[0]
    article = ReviewedArticle(id=url, records=tuple(d.record.ref for d in items))
    return ArticleRow(article, s.title, url, s.publisher, s.published, s.title_reconstructed,
                      tuple(Named.of(d) for d in items), anchor(article, False))


def rows(reviewed: tuple[ReviewedArticle, ...], derived: tuple[Derived, ...], memo: PlanMemo | None = None
         ) -> list[ArticleRow]:
    """The articles in the order content/sources.yaml lists them, then any record's article it misses.
    With a `memo` (`serve`), a row is taken from the last build when made from the same records (the
    memo is emptied when content/sources.yaml changes)."""
    by_ref = {d.record.ref: d for d in derived}
    listed = []
    for a in reviewed:
        found = tuple(by_ref[ref] for ref in a.records if ref in by_ref)
        listed.append(made(memo, f"article:{a.id}", found, partial(_row, a, found)))
    return _unique(listed + _unnamed(derived, {ref for a in reviewed for ref in a.records}, memo))


def _unique(found: list[ArticleRow]) -> list[ArticleRow]:
    """Each row's id once on a page: an id taken already (a digest equal to another article's id) gets a
    number after it."""
    seen: set[str] = set()
    out = []
    for row in found:
        mine, n = row.anchor, 2
        while mine in seen:
            mine, n = f"{row.anchor}-{n}", n + 1
        seen.add(mine)
        out.append(row if mine == row.anchor else replace(row, anchor=mine))
    return out


def by_place(found: Sequence[ArticleRow], order: Sequence[str]) -> list[tuple[str | None, list[ArticleRow]]]:
    """The rows of each province's page, provinces in `order` (then any other, as found), and last the
    rows that name no province; each page keeps the list's order, and a row of several provinces is on
    each of their pages."""
    groups: dict[str | None, list[ArticleRow]] = {}
    for row in found:
        for slug in row.provinces:
            groups.setdefault(slug, []).append(row)
    rank = {slug: i for i, slug in enumerate(order)}
    keys = sorted(groups, key=lambda s: (s is None, rank.get(s, len(rank)) if s is not None else 0))
    return [(slug, groups[slug]) for slug in keys]

