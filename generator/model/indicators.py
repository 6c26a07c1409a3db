"""The indicators the portal compares across provinces and years (one place for their definitions)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from generator.model.derive import ROWS, Derived, DerivedLevel, Value
from generator.model.types import Block


@dataclass(frozen=True)
class Indicator:
    id: str
    block: Block | None  # None for admissions
    measure: DerivedLevel | Literal["admitted", "percent_of_target"]  # a level's share of those rated, or admissions
    unit: Literal["percent", "members", "percent_of_target"]  # key under `units` in the labels

    def value(self, d: Derived) -> Value | None:
        if self.block is not None:
            block = d.block(self.block)
            return block.share(self.measure) if block and self.measure in ROWS else None
        if self.measure == "percent_of_target":
            return d.admissions_percent_of_target
        adm = d.record.admissions
        if adm is None or adm.admitted is None or adm.admitted.count is None:
            return None
        return Value(Decimal(adm.admitted.count), "count", qualifier=adm.admitted.qualifier)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("organizations-good-or-above", "organizations", "good_or_above", "percent"),
    Indicator("organizations-excellent", "organizations", "excellent", "percent"),
    Indicator("collectives-good-or-above", "collectives", "good_or_above", "percent"),
    Indicator("members-good-or-above", "members", "good_or_above", "percent"),
    Indicator("members-excellent", "members", "excellent", "percent"),
    Indicator("admissions", None, "admitted", "members"),
    Indicator("admissions-percent-of-target", None, "percent_of_target", "percent_of_target"),
)


def indicator(indicator_id: str) -> Indicator:
    """An indicator by its id (ids are the pages' addresses: /indicators/<id>/)."""
    return next(i for i in INDICATORS if i.id == indicator_id)
