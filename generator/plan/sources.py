"""The "sources reviewed" page: every article the portal has read, the records it gave (linked), and
for an article that gave none, why. Both editions share the list; only the labels differ."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from generator.model.derive import Derived
from generator.model.types import PartialDate, Period, ReviewedArticle

URL = "sources/"


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


def _row(article: ReviewedArticle, by_ref: dict[str, Derived]) -> ArticleRow:
    found = [by_ref[ref] for ref in article.records if ref in by_ref]
    records = tuple(Named.of(d) for d in found)
    source = found[0].record.sources[0] if found and found[0].record.sources else None
    if source is None:
        return ArticleRow(article, article.title or article.id, article.url, article.publisher,
                          article.published, article.title_reconstructed, records)
    return ArticleRow(article, source.title, source.url, source.publisher, source.published,
                      source.title_reconstructed, records)


def _unnamed(derived: tuple[Derived, ...], named: set[str]) -> list[ArticleRow]:
    """Records no article in content/sources.yaml names, one row per source address."""
    by_url: dict[str, list[Derived]] = {}
    for d in derived:
        if d.record.ref not in named and d.record.sources:
            by_url.setdefault(d.record.sources[0].url, []).append(d)
    found = []
    for url, items in by_url.items():
        s = items[0].record.sources[0]
        found.append(ArticleRow(ReviewedArticle(id=url, records=tuple(d.record.ref for d in items)), s.title,
                                url, s.publisher, s.published, s.title_reconstructed,
                                tuple(Named.of(d) for d in items)))
    return found


def rows(reviewed: tuple[ReviewedArticle, ...], derived: tuple[Derived, ...]) -> list[ArticleRow]:
    """The articles in the order content/sources.yaml lists them, then any record's article it misses."""
    by_ref = {d.record.ref: d for d in derived}
    listed = [_row(a, by_ref) for a in reviewed]
    return listed + _unnamed(derived, {ref for a in reviewed for ref in a.records})

