"""Titles of generated pages, shared by their planners and the search index."""
from __future__ import annotations

from generator.model.indicators import Indicator
from generator.render.labels import Labels


def indicator_title(ind: Indicator, labels: Labels) -> str:
    if ind.block is None:
        return labels["fields"][ind.measure]
    return f"{labels['blocks'][ind.block]}: {labels['fields'][ind.measure]}"


def year_title(year: int, labels: Labels) -> str:
    return f"{labels['years']['heading']} {year}"
