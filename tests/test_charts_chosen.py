"""Charts chosen from the data, over generated record sets: no trend of fewer than two full years, no
ranking of one province, each indicator's latest full year per province, lines only where a province
has two years or more."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model.derive import derive_record
from generator.model.indicators import indicator
from generator.model.types import Figure, Period, RatingBlock, Record, Source
from generator.plan.charts import indicator_chart, level_chart, ranking_chart
from generator.render.labels import load_labels

LABELS = load_labels("vi")
PROVINCES = ("tra-vinh", "lam-dong", "tuyen-quang")
NAMES = {p: p.upper() for p in PROVINCES}
IND = indicator("organizations-good-or-above")
records = st.lists(st.tuples(st.sampled_from(PROVINCES), st.integers(2017, 2024), st.booleans(),
                             st.integers(1, 85)), max_size=10, unique_by=lambda t: (t[0], t[1], t[2]))


def _derived(rows: list[tuple[str, int, bool, int]]) -> list:  # type: ignore[type-arg]
    made = []
    for province, year, full, good in rows:
        period = Period() if full else Period("quarter", 1)
        block = RatingBlock(rated=Figure(count=85, of=85), good=Figure(count=good, of=85),
                            excellent=Figure(count=1, of=good), good_includes_excellent=True)
        made.append(derive_record(Record(f"content/records/{province}/k/{year}.yaml", province, "k", year, period,
                                         (Source("https://example.org/a", "Báo", None, "t"),), organizations=block)))
    return made


@settings(max_examples=150, deadline=None)
@given(records)
def test_charts_follow_the_data(rows: list[tuple[str, int, bool, int]]) -> None:
    items = _derived(rows)
    for province in PROVINCES:
        own = tuple(d for d in items if d.record.province == province)
        full_years = {d.record.year for d in own if d.record.period.is_full_year}
        chart = level_chart("c", "t", "%", own, "organizations", LABELS)
        assert (chart is not None) == (len(full_years) >= 2)
        trend = indicator_chart("c", "t", "%", IND, own, NAMES, {})
        assert (trend is not None) == (len(full_years) >= 2)
    with_figure = {d.record.province for d in items if d.record.period.is_full_year}
    ranking = ranking_chart("r", "t", "%", IND, items, NAMES)
    assert (ranking is not None) == (len(with_figure) >= 2)
    latest = ranking_chart("l", "t", "%", IND, items, NAMES, latest=True)
    assert (latest is not None) == (len(with_figure) >= 1)
    if latest is not None:
        newest = {p: max(d.record.year for d in items if d.record.province == p and d.record.period.is_full_year)
                  for p in with_figure}
        assert sorted(latest.labels) == sorted(f"{NAMES[p]} ({y})" for p, y in newest.items())
        values = [v.number for v in latest.series[0].values if v is not None]
        assert values == sorted(values, reverse=True)  # ranked, best first
    lines = indicator_chart("i", "t", "%", IND, tuple(items), NAMES, {}, by_series=True)
    several = {p for p in with_figure
               if len({d.record.year for d in items if d.record.province == p and d.record.period.is_full_year}) >= 2}
    assert (lines is not None) == bool(several)
    if lines is not None:
        assert lines.kind == "line" and {s.key for s in lines.series} == several


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PROVINCES), st.sampled_from(("k", "m")), st.integers(1, 85)),
                min_size=2, max_size=6, unique_by=lambda t: (t[0], t[1])))
def test_a_year_ranking_names_the_committee_where_a_province_has_several(
        rows: list[tuple[str, str, int]]) -> None:
    """A year's ranking has one bar per record: a province with two committees that year is shown twice,
    so each bar names its committee too, and no two bars read the same."""
    block = RatingBlock(rated=Figure(count=85, of=85), excellent=Figure(count=1, of=85), good_includes_excellent=True)
    items = [derive_record(Record(f"content/records/{p}/{c}/2020.yaml", p, c, 2020, Period(),
                                  (Source("https://example.org/a", "Báo", None, "t"),),
                                  organizations=replace(block, good=Figure(count=good, of=85))))
             for p, c, good in rows]
    committees = {f"{p}/{c}": f"Đảng bộ {c.upper()}" for p, c, _ in rows}
    ranking = ranking_chart("r", "t", "%", IND, items, NAMES, committee_names=committees)
    if len({p for p, _, _ in rows}) < 2:
        assert ranking is None
        return
    assert ranking is not None and len(set(ranking.labels)) == len(rows)
    for label, link in zip(ranking.labels, ranking.label_links, strict=True):
        province = link.split("/")[1]
        shared = sum(1 for p, _, _ in rows if p == province) > 1
        assert label.startswith(NAMES[province]) and (" — Đảng bộ " in label) == shared
