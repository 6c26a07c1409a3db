"""vi-VN formats come from Babel: 6.027; 92,94%; 14/02/2023."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from generator.model.derive import Value
from generator.model.types import Figure, PartialDate
from generator.render import formats


def test_numbers_percents_and_dates() -> None:
    assert formats.number(6027) == "6.027"
    assert formats.number(1234567) == "1.234.567"
    assert formats.percent(Decimal("92.94")) == "92,94%"
    assert formats.percent(Decimal("92.90")) == "92,90%"  # keeps the decimals as written
    assert formats.percent(Decimal("100")) == "100%"
    assert formats.date(dt.date(2023, 2, 14)) == "14/02/2023"
    assert formats.date(PartialDate(2021, 1)) == "01/2021"


def test_figures_as_written_and_values() -> None:
    assert formats.figure(Figure(count=6027, of=6110, percent=Decimal("98.64"))) == "6.027/6.110 (98,64%)"
    assert formats.figure(Figure(count=7000, qualifier="gần")) == "gần 7.000"
    assert formats.value(Value(Decimal("74.12"), "percent", derived=True)) == "74,12%"
    assert formats.value(Value(Decimal(2607), "count")) == "2.607"
