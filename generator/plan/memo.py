"""Pages planned by the last build in this process (`serve`), taken again when made from the same records;
and likewise the pieces of pages made from every record: each province's search entries, its row of
each latest ranking, each committee's figures and series of each indicator's trend, and each row of the
articles read.

A province's pages are made from its records (and its merged units'), a year's page from that year's,
an indicator's page and the home page from every record; besides those, each planner reads only what
every page of the edition reads (the labels, the names, the registry, the list of articles read, the
page size). Derived records last from build to build as the same objects while their files are
unchanged (`model.derive.DeriveCache`), so "the same records" is a check of identity, and editing one
record plans again only the pages that show it. What every page reads is compared by fingerprint once
per build: when it changed, nothing is taken. A test plans every page with and without the memo after
random edits and finds them equal.

Pages taken again are the same objects as last time, so the pages' keys find their fingerprints
remembered instead of walking them again (`Fingerprints.lasting`), and the search index finds each
entry's folded text made.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from generator.model.derive import Derived

T = TypeVar("T")


@dataclass
class PlanMemo:
    """One edition's memo; `serve` keeps one per language in memory (never on disk: planning again is
    cheaper than reading planned pages back)."""

    edition: str = ""  # fingerprint of what every planner reads, as the memoised pages were planned with
    # key -> (the records it was made from, what else it was made from, what was made)
    values: dict[str, tuple[tuple[Derived, ...], object, object]] = field(default_factory=dict)

    def begin(self, edition: str) -> None:
        """A build starts: with other labels, names, registry or page size, nothing is taken again."""
        if edition != self.edition:
            self.values.clear()
            self.edition = edition

    def made(self, key: str, records: tuple[Derived, ...], make: Callable[[], T], also: object = None) -> T:
        """What `make()` made under `key` last time when made from these very records (and from what
        else it is made from, `also`, compared by equality), else `make()`. The records are held with it,
        so no object's identity is taken by another meanwhile."""
        held = self.values.get(key)
        if (held is not None and held[1] == also and len(held[0]) == len(records)
                and all(map(operator.is_, held[0], records))):
            return cast(T, held[2])
        value = make()
        self.values[key] = (records, also, value)
        return value

    def end(self, records: tuple[Derived, ...]) -> None:
        """The edition is planned from `records`: forget what was made from any other record, which can
        never be taken again (a derived record gone from the build does not come back). What this build
        did not ask for is kept while its records are current: a province's pieces of a national chart
        wait under a home page taken whole."""
        current = set(map(id, records))
        checked: dict[int, bool] = {}  # by the tuple of records: the national pages all share one
        for key, (made_from, _, _) in list(self.values.items()):
            if id(made_from) not in checked:
                checked[id(made_from)] = current.issuperset(map(id, made_from))
            if not checked[id(made_from)]:
                del self.values[key]

    def kept(self) -> list[object]:
        """Each page (and its context: a province's page is handed on with its share card) and each piece
        (a search entry, a ranking's row, a trend's series, a row of the articles read) kept for the next
        build."""
        from generator.plan.page import PlannedPage  # here: plan.page imports plan.search, which imports this

        found: list[object] = []
        for _, _, value in self.values.values():
            for item in value if isinstance(value, list) else [value] if value is not None else []:
                found += [item, item.context] if isinstance(item, PlannedPage) else [item]
        return found


def made(memo: PlanMemo | None, key: str, records: tuple[Derived, ...], make: Callable[[], T],
         also: object = None) -> T:
    """`memo.made`, or without a memo (a one-off build), `make()`."""
    return make() if memo is None else memo.made(key, records, make, also)
