"""Pages planned by the last build in this process (`serve`), taken again when made from the same records.

A province's pages are made from its records (and its merged units'), a year's page from that year's,
an indicator's page and the home page from every record; besides those, each planner reads only what
every page of the edition reads (the labels, the names, the registry, the list of articles read, the
page size). Derived records last from build to build as the same objects while their files are
unchanged (`model.derive.DeriveCache`), so "the same records" is a check of identity, and editing one
record plans again only the pages that show it. What every page reads is compared by fingerprint once
per build: when it changed, nothing is taken. A test plans every page with and without the memo after
random edits and finds them equal.

Pages taken again are the same objects as last time, so the pages' keys find their fingerprints
remembered instead of walking them again (`Fingerprints.lasting`).
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.model.derive import Derived
from generator.plan.page import PageContext, PlannedPage


@dataclass
class PlanMemo:
    """One edition's memo; `serve` keeps one per language in memory (never on disk: planning again is
    cheaper than reading planned pages back)."""

    edition: str = ""  # fingerprint of what every planner reads, as the memoised pages were planned with
    pages: dict[str, tuple[tuple[Derived, ...], list[PlannedPage]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the keys the current build asked for

    def begin(self, edition: str) -> None:
        """A build starts: with other labels, names, registry or page size, nothing is taken again."""
        if edition != self.edition:
            self.pages.clear()
            self.edition = edition
        self.used = set()

    def planned(self, key: str, records: tuple[Derived, ...], make: Callable[[], list[PlannedPage]]
                ) -> list[PlannedPage]:
        """The pages under `key` as last planned when made from these very records, else `make()`.
        The records are held with the pages, so no object's identity is taken by another meanwhile."""
        self.used.add(key)
        held = self.pages.get(key)
        if held is not None and len(held[0]) == len(records) and all(map(operator.is_, held[0], records)):
            return held[1]
        made = make()
        self.pages[key] = (records, made)
        return made

    def end(self) -> None:
        """The edition is planned: forget the pages it did not ask for (a removed province's)."""
        for gone in self.pages.keys() - self.used:
            del self.pages[gone]

    def contexts(self) -> list[PageContext]:
        """The contexts of the pages kept for the next build."""
        return [page.context for _, pages in self.pages.values() for page in pages]
