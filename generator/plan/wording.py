"""Words the plan stage writes for readers outside the templates (search entries, share cards): a
record's period and source, in the edition's language, from the same labels the pages use; and the
ids a record has on the pages, which the templates and the search entries both link to."""
from __future__ import annotations

from generator.model.types import Record
from generator.render import formats
from generator.render.labels import LANGUAGES, Labels


def edition_locale(labels: Labels) -> str:
    """The Babel locale of the edition the labels belong to (its og_locale names it)."""
    og = labels["site"]["og_locale"]
    return next(loc for _, loc in LANGUAGES.values() if og.startswith(loc))


def period_text(record: Record, labels: Labels, locale: str) -> str:
    """A record's period as the pages write it ("Cả năm 2022", "Quý I/2023 (đến 31/03/2023)"; the
    templates' `period`, `render.views.Wording.period`, adds the badge of a part of a year)."""
    p, words = record.period, labels["periods"]
    if p.is_full_year:
        return f"{words['full_year']} {record.year}"
    key = "half_year_2" if p.kind == "half_year" and p.number == 2 else p.kind
    number = words["quarter_numbers"].split(" ")[(p.number or 1) - 1]
    text = words[key].replace("{n}", number).replace("{year}", str(record.year))
    if p.until:
        until = words["until_published" if p.until_published else "until"]
        text += f" ({until.replace('{date}', formats.date(p.until, locale))})"
    return text


def source_text(record: Record, locale: str) -> str:
    """The record's first source as a card names it: publisher and date ("" without a source)."""
    if not record.sources:
        return ""
    s = record.sources[0]
    return f"{s.publisher}, {formats.date(s.published, locale)}" if s.published else s.publisher


def record_anchor(record: Record) -> str:
    """The id of a record's section on its province's pages (the templates' `anchor`)."""
    return f"r-{record.committee}-{record.stem}"


def row_anchor(record: Record) -> str:
    """The id of a record's row in a table of records (the templates' `row_anchor`)."""
    return f"row-{record.province}-{record.committee}-{record.stem}"
