"""The search index: provinces (old and new names), committees, years, indicators and pages.

Written at build time for each edition (search-index.json); the search box filters it in the
browser, without diacritics or case mattering. The same entries make the /search/ page, a plain
list of everything that works without JavaScript.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from generator.plan.charts import script_json


def fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), as the browser side folds what a reader types."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn").lower()


@dataclass(frozen=True)
class Entry:
    title: str
    url: str  # relative to the edition's root, e.g. "provinces/tra-vinh/"
    kind: str  # province | committee | year | indicator | page
    detail: str = ""  # shown under the title, and searched too
    rank: int = 0  # higher first when matches are equally good


KIND_RANK = {"province": 5, "committee": 4, "indicator": 3, "year": 2, "page": 1}


def entries(pages: list, names: dict[str, str]) -> list[Entry]:
    found = []
    for page in pages:
        t = page.template
        if t == "province":
            view = page.context["view"]
            other = [p.name for p in (view.old, view.new) if p is not None and p.name != page.title]
            found.append(Entry(page.title, page.url, "province", " · ".join(other), KIND_RANK["province"]))
            for c in page.context["committees"]:
                all_names = " · ".join(dict.fromkeys(n.name for n in c.names))
                found.append(Entry(c.name, f"{page.url}{c.id}/", "committee",
                                   f"{names.get(c.province, '')}" + (f" · {all_names}" if all_names != c.name else ""),
                                   KIND_RANK["committee"]))
        elif t in ("year", "indicator", "page"):
            kind = {"year": "year", "indicator": "indicator", "page": "page"}[t]
            found.append(Entry(page.title, page.url, kind, "", KIND_RANK[kind]))
    return sorted(found, key=lambda e: (-e.rank, fold(e.title), e.url))


def index(pages: list, labels: dict, renderer: Any) -> bytes:
    """JSON for the search box: title, address, kind label, detail and the folded search text."""
    search_page = next(p for p in pages if p.template == "search")
    items = [{"t": e.title, "u": renderer.url(e.url), "k": labels["site"][f"kind_{e.kind}"], "d": e.detail,
              "f": fold(f"{e.title} {e.detail}"), "r": e.rank} for e in search_page.context["entries"]]
    return (script_json(items) + "\n").encode("utf-8")
