"""vi-VN formats come from Babel: 6.027; 92,94%; 14/02/2023."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

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


@given(hundredths=st.integers(0, 10_000), qualifier=st.sampled_from([None, "gần", "trên", "trở lên"]))
def test_headline_percent_rounds_half_up_and_speaks_the_edition_language(hundredths: int, qualifier: str | None) -> None:
    exact = Decimal(hundredths) / 100
    v = Value(exact, "percent", qualifier=qualifier)  # type: ignore[arg-type]
    tenths = (hundredths + 5) // 10  # half-up, the way every share on the site is rounded
    expected_vi = f"{tenths // 10},{tenths % 10}%"
    vi, en = formats.headline(v, "vi_VN"), formats.headline(v, "en_US")
    assert expected_vi in vi.replace(".", "")
    assert f"{tenths // 10:,}.{tenths % 10}%" in en
    if qualifier:
        assert qualifier not in en  # English pages carry the English word, never the Vietnamese one
