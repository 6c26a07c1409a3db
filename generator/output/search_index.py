"""search-index.json, one per edition: the search entries (see `plan.search`) for the search box,
which filters them in the browser without diacritics or case mattering."""
from __future__ import annotations

from collections.abc import Callable

from generator.plan.search import Entry
from generator.render.formats import script_json
from generator.render.labels import Labels


def search_index(found: list[Entry], labels: Labels, url: Callable[[str], str]) -> bytes:
    """JSON for the search box: title, address, kind label, detail and the folded search text (title,
    detail and the entry's hidden terms), in the search page's order (the box ranks what matches)."""
    items = [{"t": e.title, "u": url(e.url), "k": labels["site"][f"kind_{e.kind}"], "d": e.detail,
              "f": e.folded, "r": e.rank} for e in found]
    return (script_json(items) + "\n").encode("utf-8")

