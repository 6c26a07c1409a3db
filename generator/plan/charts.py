"""Chart specifications: one object feeds both the Chart.js JSON block and the HTML table beside it,
so the two can never disagree."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from generator.render import formats
from generator.model.derive import Value

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
LEVEL_COLOURS = {"excellent": "#0072B2", "good_only": "#56B4E9", "completed": "#E69F00",
                 "not_completed": "#D55E00"}


def chartable(v: Value | None) -> Value | None:
    """A value a chart may show: a percent whose base the article does not state is left out,
    since bars side by side claim a common base (those rated)."""
    return None if v is None or v.base_unstated else v


@dataclass
class Series:
    label: str
    values: list[Value | None]
    colour: str
    key: str = ""  # stable id for the compare selection in the page address

    def data(self) -> list[float | None]:
        return [formats.chart_number(v) for v in self.values]


@dataclass
class Chart:
    id: str
    title: str
    unit: str
    labels: list[str]
    kind: str = "bar"  # bar | line | hbar
    stacked: bool = False
    series: list[Series] = field(default_factory=list)
    max: float | None = None
    by_series: bool = False  # the table has a row per series (many series, few labels)
    series_links: list[str] = field(default_factory=list)  # per series, a page about it

    def header(self) -> list[str]:
        return self.labels if self.by_series else [s.label for s in self.series]

    def rows(self) -> list[tuple[str, list[Value | None]]]:
        """Table rows: one per label with a cell per series, or one per series (by_series)."""
        if self.by_series:
            return [(s.label, list(s.values)) for s in self.series]
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]

    def payload(self) -> dict:
        return {
            "kind": self.kind, "stacked": self.stacked, "unit": self.unit, "max": self.max,
            "labels": self.labels, "title": self.title,
            "datasets": [{"label": s.label, "data": s.data(), "colour": s.colour, "key": s.key or str(i)}
                         for i, s in enumerate(self.series)],
        }

    def json(self) -> str:
        return script_json(self.payload())


def script_json(data: object) -> str:
    """JSON safe inside <script type="application/json">: no record text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text
