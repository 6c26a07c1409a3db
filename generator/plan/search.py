"""What the search finds: provinces (old and new names, and the 2025 merger), committees (every name
they had), records (province, year, period, committee, publishers, what they count), years, indicators
and content pages, listed from the site index. The /search/ page lists these entries grouped by
province (it works without JavaScript) and `output.search_index` writes the same entries for the box.

A query matches an entry when every word of it, folded (no case, no diacritics), is found anywhere in
the entry's folded text: `matches` here, and the same rule in site.js."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from typing import Literal

from generator.load.content_pages import ContentPage
from generator.model.derive import Derived
from generator.model.indicators import INDICATORS, Indicator
from generator.model.types import BLOCKS
from generator.plan.index import ProvinceView, SiteIndex
from generator.plan.memo import PlanMemo, made
from generator.plan.titles import indicator_title, year_title
from generator.plan.wording import edition_locale, period_text, record_anchor
from generator.render.labels import Labels

EntryKind = Literal["province", "committee", "record", "indicator", "year", "page"]
KIND_RANK: dict[EntryKind, int] = {"province": 5, "committee": 4, "indicator": 3, "record": 2, "year": 2, "page": 1}
OTHER_GROUPS = ("years", "indicators", "pages")  # after the provinces, on the search page
_COMBINING = re.compile("[\u0300-\u036f]")  # Unicode's combining diacritical marks: category Mn, all of them
_NOT_ASCII = re.compile("[^\x00-\x7f]+")


@lru_cache(maxsize=1 << 15)  # an index's entries share most of their parts: a committee's name, a merger
def search_fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), as the browser side folds what a reader types.

    (The extractor folds article text differently: one character for one, to keep positions.)
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    # Vietnamese marks are all in the block of combining diacritical marks, every one of them a
    # non-spacing mark: removed at once. What is left outside ASCII (a dash, a quotation mark, a mark
    # from another block) is looked at letter by letter, not the whole text.
    plain = _COMBINING.sub("", text)
    if not plain.isascii():
        plain = _NOT_ASCII.sub(_without_marks, plain)
    return plain.lower()


def _without_marks(found: re.Match[str]) -> str:
    return "".join(c for c in found.group() if unicodedata.category(c) != "Mn")


def matches(folded: str, query: str) -> bool:
    """Whether every word of the query is in the entry's folded text (site.js applies the same rule)."""
    return all(word in folded for word in search_fold(query).split())


@dataclass(frozen=True)
class Entry:
    title: str
    url: str  # relative to the edition's root, e.g. "provinces/tra-vinh/"
    kind: EntryKind
    detail: str = ""  # shown under the title, and searched too
    rank: int = 0  # higher first when matches are equally good
    group: str = ""  # the search page's group: a province slug, or one of OTHER_GROUPS
    terms: tuple[str, ...] = ()  # searched but not shown: other names, publishers, words for what a record counts

    @property
    def parts(self) -> tuple[str, ...]:
        """What is searched, in order: the title, the detail and the terms (search-index.json shares the
        parts many entries have, a committee's name or a province's merger, rather than repeating them)."""
        return tuple(t for t in (self.title, self.detail, *self.terms) if t)

    @cached_property  # made once per entry: `serve` keeps a province's entries from build to build
    def folded_parts(self) -> tuple[str, ...]:
        """Each part folded: joined by spaces, they are the folded text, since folding never looks
        across a space (tests/test_search.py tries any text). search-index.json writes them."""
        return tuple(search_fold(p) for p in self.parts)

    @property
    def folded(self) -> str:
        """What a query is matched against (`matches`)."""
        return " ".join(self.folded_parts)


@dataclass(frozen=True)
class SearchGroup:
    """A heading of the search page (a province, or years, indicators, pages) and its entries."""

    id: str  # the anchor the jump list links to
    title: str
    entries: tuple[Entry, ...]


def _merger(index: SiteIndex, view: ProvinceView, words: dict[str, str]) -> str:
    """What the 2025 merger did to the unit, in words ("sáp nhập vào Vĩnh Long ..."), or ""."""
    parent = index.parent(view)
    found = []
    if parent is not None and (parent.slug != view.slug or len(parent.merged_from) > 1):
        found.append(words["merged_into"].replace("{name}", parent.name))
    children = [c.name for c in index.children(view) if c is not None]
    if len(children) > 1:
        found.append(words["formed_from"].replace("{names}", ", ".join(children)))
    return "; ".join(found)


def _indicator_terms(ind: Indicator, words: dict[str, str]) -> str:
    return words[f"terms_{ind.block}"] if ind.block else words["terms_admissions"]


def _record_terms(d: Derived, words: dict[str, str]) -> list[str]:
    """Words for what a record counts (its blocks, admissions), so "admissions" finds the records."""
    r = d.record
    found = [words[f"terms_{name}"] for name in BLOCKS if r.block(name) is not None]
    if r.admissions is not None:
        found.append(words["terms_admissions"])
    return found


def _record_entry(index: SiteIndex, view: ProvinceView, d: Derived, labels: Labels, merger: str) -> Entry:
    r, words = d.record, labels["search_more"]
    committee = next((c for c in index.committees[view.slug] if c.id == r.committee), None)
    committee_name = index.committee_names.get(f"{r.province}/{r.committee}", r.committee)
    publishers = " · ".join(dict.fromkeys(s.publisher for s in r.sources))
    old_names = [n.name for n in committee.names] if committee else []
    other_units = [p.name for p in (view.old, view.new) if p is not None]
    terms = [str(r.year), words["record_terms"], *old_names, *other_units, merger, *_record_terms(d, words)]
    title = f"{view.name} — {period_text(r, labels, edition_locale(labels))}"
    return Entry(title, f"provinces/{view.slug}/#{record_anchor(r)}", "record", f"{committee_name} · {publishers}",
                 KIND_RANK["record"], view.slug, tuple(dict.fromkeys(t for t in terms if t)))


def _province_entries(index: SiteIndex, view: ProvinceView, labels: Labels) -> list[Entry]:
    words = labels["search_more"]
    url = f"provinces/{view.slug}/"
    merger = _merger(index, view, words)
    other = [p.name for p in (view.old, view.new) if p is not None and p.name != view.name]
    detail = " · ".join([*other, merger] if merger else other)
    found = [Entry(view.name, url, "province", detail, KIND_RANK["province"], view.slug,
                   (words["merger_terms"],) if merger else ())]
    for c in index.committees[view.slug]:
        all_names = " · ".join(dict.fromkeys(n.name for n in c.names))
        cdetail = index.names.get(c.province, "") + (f" · {all_names}" if all_names != c.name else "")
        found.append(Entry(c.name, f"{url}{c.id}/", "committee", cdetail, KIND_RANK["committee"], view.slug))
    records = sorted(index.records_of(view.slug), key=lambda d: (-d.record.year, d.record.key))
    found += [_record_entry(index, view, d, labels, merger) for d in records]
    return found


def entries(index: SiteIndex, labels: Labels, content_pages: list[ContentPage], memo: PlanMemo | None = None
            ) -> list[Entry]:
    """Every entry of one edition, in the search page's order: each province with its committees and
    its records (newest first), then years, indicators and content pages. With a `memo` (`serve`), a
    province's entries are taken from the last build when made from the same records."""
    words = labels["search_more"]
    found = [e for view in index.provinces
             for e in made(memo, f"search:{view.slug}", index.records_of(view.slug),
                           partial(_province_entries, index, view, labels))]
    found += [Entry(year_title(y, labels), f"years/{y}/", "year", "", KIND_RANK["year"], "years")
              for y in index.years]
    found += [Entry(indicator_title(ind, labels), f"indicators/{ind.id}/", "indicator", "", KIND_RANK["indicator"],
                    "indicators", (_indicator_terms(ind, words),)) for ind in INDICATORS]
    found += [Entry(cp.title, f"{cp.slug}/", "page", "", KIND_RANK["page"], "pages") for cp in content_pages]
    return found


def groups(found: list[Entry], labels: Labels) -> list[SearchGroup]:
    """The search page's groups: provinces by name (each headed by its own entry), then years,
    indicators and pages, each keeping the order `entries` made."""
    titles = {"years": labels["years"]["index_heading"], "indicators": labels["indicators"]["index_heading"],
              "pages": labels["search_more"]["pages"]}
    by_group: dict[str, list[Entry]] = {}
    for e in found:
        by_group.setdefault(e.group, []).append(e)
    provinces = sorted((g for g in by_group if g not in OTHER_GROUPS),
                       key=lambda g: (search_fold(by_group[g][0].title), g))
    result = [SearchGroup(f"g-{g}", by_group[g][0].title, tuple(by_group[g])) for g in provinces]
    result += [SearchGroup(f"g-{g}", titles[g], tuple(by_group[g])) for g in OTHER_GROUPS if g in by_group]
    return result
