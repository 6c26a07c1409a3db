"""search-index.json, one per edition: the search entries (see `plan.search`) for the search box,
which filters them in the browser without diacritics or case mattering."""
from __future__ import annotations

from collections.abc import Callable

from generator.plan.search import Entry
from generator.render.formats import script_json
from generator.render.labels import Labels


def search_index(found: list[Entry], labels: Labels, url: Callable[[str], str]) -> bytes:
    """JSON for the search box: title, address, kind label, detail and the folded search text (title,
    detail and the entry's hidden terms), in the search page's order (the box ranks what matches).
    Each entry's JSON is made once, with the address and label it was made with: `serve` keeps a
    province's entries from build to build."""
    items = (_item(e, url(e.url), labels["site"][f"kind_{e.kind}"]) for e in found)
    return ("[" + ",".join(items) + "]\n").encode("utf-8")


def _item(e: Entry, address: str, kind: str) -> str:
    made: dict[tuple[str, str], str] = e.__dict__.setdefault("_json", {})  # beside its fields: not part of its value
    text = made.get((address, kind))
    if text is None:
        text = made[(address, kind)] = script_json({"t": e.title, "u": address, "k": kind, "d": e.detail,
                                                    "f": e.folded, "r": e.rank})
    return text

