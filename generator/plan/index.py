"""The site index: who and what the site is about, built once per build from the loaded registry and
the derived records. Every page planner, the downloads and the search index read names and record
groupings from here, so a name is looked up in one place and never taken from another page."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

from generator.model.derive import Derived
from generator.model.types import Committee, Province, Registry, ReviewedArticle
from generator.plan import sources
from generator.plan.memo import PlanMemo

T = TypeVar("T")


@dataclass(frozen=True)
class ProvinceView:
    """One provincial unit by slug: its entry before the 2025 merger, after it, or both."""

    slug: str
    old: Province | None
    new: Province | None

    @property
    def name(self) -> str:
        unit = self.old or self.new
        assert unit is not None, "a province view has at least one entry"
        return unit.name


@dataclass(frozen=True)
class SiteIndex:
    provinces: tuple[ProvinceView, ...]  # every unit in the registry, by slug
    names: dict[str, str]  # province slug -> name
    committees: dict[str, tuple[Committee, ...]]  # province slug -> its committees, oldest first
    committee_names: dict[str, str]  # "province/committee id" -> current name
    records: tuple[Derived, ...]  # every record, in key order
    by_province: dict[str, tuple[Derived, ...]]  # provinces with records only
    by_committee: dict[tuple[str, str], tuple[Derived, ...]]
    by_year: dict[int, tuple[Derived, ...]]
    registry: Registry
    reviewed: tuple[ReviewedArticle, ...] = ()  # content/sources.yaml: every article read
    # What the planners of both editions make alike from the records (a national chart's rows), by key.
    made: dict[tuple[object, ...], object] = field(default_factory=dict, compare=False, repr=False)

    def once(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        """`make()` the first time this build asks for `key`; the same object afterwards."""
        if key not in self.made:
            self.made[key] = make()
        return cast(T, self.made[key])

    def articles(self, memo: PlanMemo | None = None) -> list[sources.ArticleRow]:
        """The rows of the "sources reviewed" pages, the same in both editions: made once per build (with
        a `memo`, each row taken from the last build when made from the same records), and walked once
        by the pages' keys."""
        return self.once(("articles",), lambda: sources.rows(self.reviewed, self.records, memo))

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)

    def records_of(self, province: str, committee: str | None = None) -> tuple[Derived, ...]:
        if committee is None:
            return self.by_province.get(province, ())
        return self.by_committee.get((province, committee), ())

    def parent(self, view: ProvinceView) -> Province | None:
        """The post-merger unit an old unit became part of."""
        return self.registry.province(view.old.merged_into, "new") if view.old and view.old.merged_into else None

    def children(self, view: ProvinceView) -> list[Province | None]:
        """The pre-merger units a new unit was formed from."""
        return [self.registry.province(s, "old") for s in (view.new.merged_from if view.new else ())]

    def merged(self, view: ProvinceView) -> list[tuple[str, tuple[Derived, ...]]]:
        """Each other unit merged into a new unit that has records, with its records."""
        return [(c.slug, self.records_of(c.slug)) for c in self.children(view)
                if c is not None and c.slug != view.slug and self.records_of(c.slug)]


def build_index(registry: Registry, derived: list[Derived], reviewed: tuple[ReviewedArticle, ...] = ()) -> SiteIndex:
    views = tuple(ProvinceView(slug, registry.province(slug, "old"), registry.province(slug, "new"))
                  for slug in registry.slugs())
    by_province: dict[str, list[Derived]] = defaultdict(list)
    by_committee: dict[tuple[str, str], list[Derived]] = defaultdict(list)
    by_year: dict[int, list[Derived]] = defaultdict(list)
    for d in derived:
        by_province[d.record.province].append(d)
        by_committee[(d.record.province, d.record.committee)].append(d)
        by_year[d.record.year].append(d)
    return SiteIndex(
        provinces=views,
        names={v.slug: v.name for v in views},
        committees={v.slug: tuple(registry.committees_of(v.slug)) for v in views},
        committee_names={f"{c.province}/{c.id}": c.name for c in registry.committees.values()},
        records=tuple(derived),
        by_province={k: tuple(v) for k, v in by_province.items()},
        by_committee={k: tuple(v) for k, v in by_committee.items()},
        by_year={k: tuple(v) for k, v in by_year.items()},
        registry=registry, reviewed=reviewed)
