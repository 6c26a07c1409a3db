"""What the search finds: provinces (old and new names), committees, years, indicators and content
pages, listed from the site index. The /search/ page lists these entries (it works without
JavaScript) and `output.search_index` writes the same entries for the search box."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from generator.load.content_pages import ContentPage
from generator.model.indicators import INDICATORS
from generator.plan.index import SiteIndex
from generator.plan.titles import indicator_title, year_title
from generator.render.labels import Labels

EntryKind = Literal["province", "committee", "indicator", "year", "page"]
KIND_RANK: dict[EntryKind, int] = {"province": 5, "committee": 4, "indicator": 3, "year": 2, "page": 1}


def search_fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), as the browser side folds what a reader types.

    (The extractor folds article text differently: one character for one, to keep positions.)
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


@dataclass(frozen=True)
class Entry:
    title: str
    url: str  # relative to the edition's root, e.g. "provinces/tra-vinh/"
    kind: EntryKind
    detail: str = ""  # shown under the title, and searched too
    rank: int = 0  # higher first when matches are equally good


def _province_entries(index: SiteIndex) -> list[Entry]:
    found = []
    for view in index.provinces:
        url = f"provinces/{view.slug}/"
        other = [p.name for p in (view.old, view.new) if p is not None and p.name != view.name]
        found.append(Entry(view.name, url, "province", " · ".join(other), KIND_RANK["province"]))
        for c in index.committees[view.slug]:
            all_names = " · ".join(dict.fromkeys(n.name for n in c.names))
            detail = index.names.get(c.province, "") + (f" · {all_names}" if all_names != c.name else "")
            found.append(Entry(c.name, f"{url}{c.id}/", "committee", detail, KIND_RANK["committee"]))
    return found


def entries(index: SiteIndex, labels: Labels, content_pages: list[ContentPage]) -> list[Entry]:
    """Every entry of one edition, best first."""
    found = _province_entries(index)
    found += [Entry(year_title(y, labels), f"years/{y}/", "year", "", KIND_RANK["year"]) for y in index.years]
    found += [Entry(indicator_title(ind, labels), f"indicators/{ind.id}/", "indicator", "", KIND_RANK["indicator"])
              for ind in INDICATORS]
    found += [Entry(cp.title, f"{cp.slug}/", "page", "", KIND_RANK["page"]) for cp in content_pages]
    return sorted(found, key=lambda e: (-e.rank, search_fold(e.title), e.url))
