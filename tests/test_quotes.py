"""Quotes proven: every record's quotes are in the saved copy of its article, and every figure is
written in its quote, in the article's own Vietnamese number format.

content/sources.yaml names the article each record comes from (one place); the saved copies are in
tests/fixtures/articles/<id>.txt, byte for byte as they were read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from generator.load.site import load_site
from generator.model.problems import Problems
from generator.model.types import BLOCKS, LEVELS, Figure, Record, ReviewedArticle
from generator.render.formats import number

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
INCLUSIVE = ("trong đó", "trở lên", "hoàn thành tốt, hoàn thành xuất sắc")


@dataclass(frozen=True)
class Written:
    """A number a record says its quote contains."""

    where: str
    value: int | Decimal
    unit: str  # count | percent
    quote: str
    qualifier: str | None = None


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _count_forms(value: int, qualifier: str | None) -> set[str]:
    forms = {number(value), str(value), f"{value:02d}"}
    if qualifier and value % 1000 == 0:
        forms.add(f"{value // 1000} ngàn")
    return forms


def is_written(w: Written) -> bool:
    """True when the quote writes the value as the article would: 6.027, 05, 92,94%, "không có" for 0."""
    text = norm(w.quote).replace("% ", "%")
    if w.unit == "percent":
        return re.search(rf"(?<![\d.,]){re.escape(number(w.value))}%", text) is not None
    if w.value == 0 and re.search(r"\bkhông (có|\w+ nào)\b", text):
        return True
    forms = _count_forms(int(w.value), w.qualifier)
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d,%]|\.\d| ?%)", text) for f in forms)


def _figure(where: str, fig: Figure | None, fallback: str | None) -> list[Written]:
    quote = (fig.quote if fig else None) or fallback
    if fig is None or quote is None:
        return []
    found = []
    if fig.count is not None:
        found.append(Written(where, fig.count, "count", quote, fig.qualifier))
    if fig.percent is not None:
        found.append(Written(where + ".percent", fig.percent, "percent", quote, fig.qualifier))
    return found


def _admissions(r: Record) -> list[Written]:
    adm = r.admissions
    if adm is None:
        return []
    found = [w for key in ("admitted", "target", "exceeded_by")
             for w in _figure(f"admissions.{key}", getattr(adm, key), adm.quote)]
    quote = (adm.admitted.quote if adm.admitted else None) or adm.quote
    if adm.percent_of_target is not None and quote and adm.exceeded_by is None:
        found.append(Written("admissions.percent_of_target", adm.percent_of_target, "percent", quote))
    for s in adm.subsets:
        found += _figure(f"admissions.subset.{s.label}", s.admitted, s.quote)
    return found


def written(r: Record) -> list[Written]:
    """Every number the record states, with the quote it must be written in."""
    found: list[Written] = []
    for name in BLOCKS:
        block = r.block(name)
        if block is not None:
            for level in ("total", "rated", *LEVELS):
                found += _figure(f"{name}.{level}", block.level(level), block.quote)
    found += _admissions(r)
    for key, fig in r.mass_organizations.items():
        found += _figure(f"mass.{key}", fig, None)
    for t in r.targets:
        for key in ("value", "min", "max"):
            value = getattr(t, key)
            if value is not None and t.quote:
                found.append(Written(f"targets.{t.metric}.{key}", value, t.unit, t.quote))
    found += [Written(f"awards.{a.description}", a.count, "count", a.quote)
              for a in r.awards if a.count is not None and a.quote]
    return found


def _numbers_in(text: str) -> set[Decimal]:
    """Every number the text writes, read the Vietnamese way (6.027 = 6027; 92,94 = 92.94)."""
    return {Decimal(m.replace(".", "").replace(",", ".")) for m in re.findall(r"\d+(?:[.,]\d+)*", text)}


def mutations(w: Written) -> list[Written]:
    """Wrong values a careless copy could produce (off by one, a slipped decimal, a dropped digit),
    leaving out any the quote happens to write for another reason."""
    if w.unit == "percent":
        wrong = {w.value + Decimal("0.1"), w.value * 10, (w.value / 10).normalize()}
    else:
        wrong = {int(w.value) + 1, int(w.value) * 10} | ({int(w.value) // 10} if w.value >= 10 else set())
    present = _numbers_in(w.quote)
    return [Written(w.where, v, w.unit, w.quote, w.qualifier)
            for v in wrong if v != w.value and Decimal(v) not in present]


# -- fixtures -------------------------------------------------------------------------------------
def _site() -> tuple[list[Record], tuple[ReviewedArticle, ...]]:
    problems = Problems()
    site = load_site(ROOT, problems)
    assert site is not None and not problems.items, [str(p) for p in problems.items]
    return site.records, site.reviewed


RECORDS, REVIEWED = _site()
ARTICLE_OF = {ref: a.id for a in REVIEWED for ref in a.records}
REFS = sorted(r.ref for r in RECORDS)


def record(ref: str) -> Record:
    return next(r for r in RECORDS if r.ref == ref)


def article_text(ref: str) -> str:
    return norm((ARTICLES / f"{ARTICLE_OF[ref]}.txt").read_text(encoding="utf-8"))


# -- tests ----------------------------------------------------------------------------------------
def test_every_record_names_its_saved_article() -> None:
    assert sorted(ARTICLE_OF) == REFS
    missing = [a.id for a in REVIEWED if not (ARTICLES / f"{a.id}.txt").is_file()]
    assert missing == []


@pytest.mark.parametrize("ref", REFS)
def test_quotes_are_in_the_article(ref: str) -> None:
    text = article_text(ref)
    quotes = record(ref).quotes()
    assert quotes, "a record with no quote cannot be checked against its article"
    assert [q for q in quotes if norm(q) not in text] == []


@pytest.mark.parametrize("ref", REFS)
def test_each_figure_is_written_in_its_quote(ref: str) -> None:
    numbers = written(record(ref))
    assert [(w.where, str(w.value), w.quote) for w in numbers if not is_written(w)] == []


@pytest.mark.parametrize("ref", REFS)
def test_a_miscopied_figure_would_be_caught(ref: str) -> None:
    """The check above can fail: each figure, copied wrong, is no longer found in its quote."""
    survivors = [(m.where, str(m.value)) for w in written(record(ref)) for m in mutations(w) if is_written(m)]
    assert survivors == []


@pytest.mark.parametrize("ref", REFS)
def test_titles_are_the_articles_own_unless_marked(ref: str) -> None:
    text = article_text(ref)
    for s in record(ref).sources:
        assert s.title_reconstructed or norm(s.title) in text, s.title


@pytest.mark.parametrize("ref", REFS)
def test_inclusion_is_claimed_only_when_the_article_shows_it(ref: str) -> None:
    """good_includes_excellent: true needs the article's words ("trong đó", "trở lên"), excellent
    written as a share of good ("17/62"), or counts that add up only that way."""
    r = record(ref)
    for name in BLOCKS:
        block = r.block(name)
        if block is None or not block.good_includes_excellent:
            continue
        quotes = " ".join(f.quote or "" for f in (block.good, block.excellent) if f) + (block.quote or "")
        worded = any(w in norm(quotes).lower() for w in INCLUSIVE)
        by_share = bool(block.excellent and block.good and block.excellent.of == block.good.count)
        parts = [block.level(lv) for lv in ("good", "completed", "not_completed")]
        by_sum = bool(block.rated and all(p and p.exact_count is not None for p in parts)
                      and sum(p.exact_count for p in parts) == block.rated.exact_count)  # type: ignore[union-attr, misc]
        assert worded or by_share or by_sum, f"{name}: inclusion is not shown by the article"


@pytest.mark.parametrize("ref", REFS)
def test_a_cut_off_on_the_publication_day_is_marked_as_such(ref: str) -> None:
    r = record(ref)
    published = {s.published for s in r.sources}
    if r.period.until is not None and r.period.until in published:
        assert r.period.until_published, "the cut-off is the article's date: mark it until_published"
    if r.period.until_published:
        assert r.period.until in published


@pytest.mark.parametrize("ref", REFS)
def test_awards_carry_the_year_their_quote_names(ref: str) -> None:
    for a in record(ref).awards:
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", a.quote or "")]
        if years:
            assert a.year == max(years), (a.description, a.year, years)


@pytest.mark.parametrize("ref", [ref for ref in REFS if record(ref).awards and not record(ref).period.is_full_year])
def test_awards_in_a_partial_period_say_which_year_they_are_for(ref: str) -> None:
    """Awards handed out at a quarterly meeting are for an earlier year: the record must say which."""
    assert [a.description for a in record(ref).awards if a.year is None] == []
