"""search-index.json, one per edition: the search entries (see `plan.search`) for the search box,
which filters them in the browser without diacritics or case mattering.

The box downloads the whole file the first time a reader uses it, often on a phone, so texts many
entries share (a kind's label, a committee's name, a province's merger, the words for what a record
counts) are written once, in a list of strings, and each entry names them by their place in it:

    {"s": [string, ...],
     "e": [[title, address, kind, detail, rank, [part, ...]], ...]}

`kind` and `detail` are places in "s"; an entry's searched text is its parts, folded, joined by spaces:
exactly `Entry.folded` (`expand` reads the file back as site.js does)."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypedDict

from generator.plan.search import Entry
from generator.render.formats import script_json
from generator.render.labels import Labels


class Item(TypedDict):
    """One entry as the search box reads it."""

    t: str  # title
    u: str  # address
    k: str  # kind, in words
    d: str  # detail
    r: int  # rank
    f: str  # the folded text searched


def search_index(found: list[Entry], labels: Labels, url: Callable[[str], str]) -> bytes:
    """JSON for the search box, in the search page's order (the box ranks what matches)."""
    strings: dict[str, int] = {}
    place = strings.setdefault  # called inline below: tens of thousands of parts per edition
    kinds = {kind: f"kind_{kind}" for kind in {e.kind for e in found}}
    items = []
    for e in found:
        kind = place(labels["site"][kinds[e.kind]], len(strings))
        detail = place(e.detail, len(strings))
        items.append(_item(e, url(e.url), kind, detail, tuple([place(p, len(strings)) for p in e.folded_parts])))
    return ('{"s":' + script_json(list(strings)) + ',"e":[' + ",".join(items) + "]}\n").encode("utf-8")


def _item(e: Entry, address: str, kind: int, detail: int, parts: tuple[int, ...]) -> str:
    """The entry's JSON, made again only when its address or a place it names changed: `serve` keeps a
    province's entries from build to build, and the strings keep their places while the entries before
    them are the same."""
    key = (address, kind, detail, parts)
    made: tuple[object, str] | None = e.__dict__.get("_json")  # beside its fields: not part of its value
    if made is None or made[0] != key:
        made = e.__dict__["_json"] = (key, script_json([e.title, address, kind, detail, e.rank, list(parts)]))
    return made[1]


def expand(data: bytes | str) -> list[Item]:
    """The entries of a search-index.json, as the search box reads them (site.js does the same)."""
    index = json.loads(data)
    s = index["s"]
    return [Item(t=t, u=u, k=s[k], d=s[d], r=r, f=" ".join(s[i] for i in parts))
            for t, u, k, d, r, parts in index["e"]]
