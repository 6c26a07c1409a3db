"""Checks that need the registry or several records: identity, paths, duplicates, arithmetic."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date

from generator.i18n import Text, later
from generator.load.reader import suggest
from generator.load.records import RECORDS_DIR
from generator.model.problems import Problem, Problems
from generator.model.types import (
    BLOCK_FIGURES,
    BLOCKS,
    LEVELS,
    MERGER_DATE,
    BlockFigure,
    Era,
    Figure,
    RatingBlock,
    Record,
    Registry,
)

_DAY = {"en": "d MMMM y", "vi": "d MMMM 'năm' y"}  # 1 July 2025; 1 tháng 7 năm 2025


def percent_agrees(count: int, base: int, percent: Decimal) -> bool:
    """True when `percent` is count/base to the precision it was written with.

    Sources round or truncate, so anything within one unit of the last written decimal passes:
    92.94 for 79/85 (92.941...) does, 93.5 does not.
    """
    if base <= 0:
        return False
    exponent = percent.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    tolerance = Decimal(1).scaleb(-decimals)
    computed = Decimal(count) * 100 / Decimal(base)
    return abs(computed - percent) < tolerance


def _fmt_pct(value: Decimal) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _err(problems: Problems, rec: Record, line: int, column: int, message: str | Text, hint: str | Text) -> None:
    problems.add(rec.path, line, column, message, hint)


def _identity(rec: Record, registry: Registry, problems: Problems, this_year: int) -> None:
    era: Era | None = "new" if rec.year > MERGER_DATE.year else None
    province = registry.province(rec.province, era)
    old = registry.province(rec.province, "old") if era == "new" else None
    if province is None and old is not None and old.merged_into:
        new = registry.province(old.merged_into, "new")
        say = problems.say
        day = format_date(MERGER_DATE, _DAY[say.lang], locale=say.lang)
        _err(problems, rec, *rec.where[0],
             say("{old} was merged into {new} on {date}; records after that date belong under "
                 "{slug}", old=old.name, new=new.name if new else old.merged_into, date=day,
                 slug=old.merged_into),
             say("write 'province: {slug}' and a committee of {slug} from content/committees.yaml",
                 slug=old.merged_into))
        return
    if province is None:
        known = registry.slugs()
        _err(problems, rec, *rec.where[0], later("unknown province '{slug}'", slug=rec.province),
             suggest(rec.province, known) or later("use a slug from content/provinces.yaml, e.g. tra-vinh"))
        return
    committee = registry.committees.get((rec.province, rec.committee))
    if committee is None:
        ids = [c.id for c in registry.committees_of(rec.province)]
        hint = suggest(rec.committee, ids) or (
            later("known committees here: {ids}", ids=", ".join(ids)) if ids
            else later("add the committee under '{province}:' in content/committees.yaml first", province=rec.province))
        _err(problems, rec, *rec.where[1], later("unknown committee '{committee}' in '{province}'",
                                                 committee=rec.committee, province=rec.province), hint)
    elif not committee.existed_in(rec.year):
        span = f"{committee.from_year or '…'}–{committee.to_year or '…'}"
        _err(problems, rec, *rec.where[2],
             later("committee '{committee}' did not exist in {year} (it existed {span})", committee=rec.committee,
                   year=rec.year, span=span),
             later("check the year, or use the committee that existed then (see content/committees.yaml)"))
    if rec.year > this_year:
        _err(problems, rec, *rec.where[2], later("the year {year} is in the future", year=rec.year),
             later("'year' is the year the results describe, usually the year before the article"))


def _path(rec: Record, problems: Problems) -> None:
    expected = f"{RECORDS_DIR}/{rec.province}/{rec.committee}/{rec.stem}"
    actual = rec.path.rsplit(".", 1)[0]
    if actual != expected:
        # point at the first key that disagrees with the folders: province, committee, else the year
        folders = actual.split("/")[-3:-1]
        wrong = 0 if folders[0] != rec.province else 1 if folders[1:] != [rec.committee] else 2
        _err(problems, rec, *rec.where[wrong], later("the file's place does not match its content"),
             later("a record for province '{province}', committee '{committee}', {year} belongs at {path}",
                   province=rec.province, committee=rec.committee,
                   year=f"{rec.year} ({rec.period.slug})" if rec.period.slug else rec.year, path=f"{expected}.yaml"))


def _percent_base(block: RatingBlock, level: BlockFigure, fig: Figure) -> int | None:
    """The count a figure's percent is a share of: its `of`, else rated (or total, for `rated`)."""
    if fig.of is not None:
        return fig.of
    base = block.total if level == "rated" else block.rated
    return base.exact_count if base is not None else None


def _check_block(rec: Record, name: str, block: RatingBlock, problems: Problems) -> None:
    where = later("in '{key}'", key=name)
    total = block.total.exact_count if block.total else None
    rated = block.rated.exact_count if block.rated else None
    if block.rated is not None and total is not None and rated is not None and rated > total:
        _err(problems, rec, block.rated.line, block.rated.column,
             later("{rated} rated is more than the total of {total} {where}", rated=rated, total=total, where=where),
             later("'rated' counts those assessed, which cannot exceed 'total'"))
    for level in BLOCK_FIGURES[1:]:  # rated and the levels
        fig = block.level(level)
        if fig is None:
            continue
        if fig.of is not None and fig.count is not None and fig.count > fig.of:
            _err(problems, rec, fig.line, fig.column,
                 later("'{level}' is {count} out of {of} {where}", level=level, count=fig.count, of=fig.of,
                       where=where),
                 later("the count before '/' cannot be larger than the one after it"))
        if level != "rated" and rated is not None and fig.exact_count is not None and fig.exact_count > rated:
            _err(problems, rec, fig.line, fig.column,
                 later("'{level}' is {count}, more than the {rated} rated {where}", level=level, count=fig.count,
                       rated=rated, where=where),
                 later("check the figure against the article"))
        base = _percent_base(block, level, fig)
        if fig.percent is not None and fig.exact_count is not None and base \
                and not percent_agrees(fig.exact_count, base, fig.percent):
            computed = Decimal(fig.exact_count) * 100 / Decimal(base)
            _err(problems, rec, fig.line, fig.column,
                 later("'{level}' says {percent}% but {count}/{base} is {computed}% {where}", level=level,
                       percent=_fmt_pct(fig.percent), count=fig.exact_count, base=base, computed=_fmt_pct(computed),
                       where=where),
                 later("check the count, the percent and what it is a share of ('of:')"))
    _check_levels(rec, name, block, rated, problems)
    _check_bases(rec, name, block, rated, problems)


def _check_bases(rec: Record, name: str, block: RatingBlock, rated: int | None, problems: Problems) -> None:
    """A level's percent needs a base: its 'of', the number rated, or the 'base: unstated' marker."""
    for level in LEVELS:
        fig = block.level(level)
        if fig is None or fig.percent is None:
            continue
        if fig.base_unstated and fig.of is not None:
            _err(problems, rec, fig.line, fig.column,
                 later("'{level}' gives 'of: {of}' and 'base: unstated' in '{name}'", level=level, of=fig.of,
                       name=name),
                 later("keep 'of:' when the article writes the base (X/Y); 'base: unstated' only when it does not"))
        elif not fig.base_unstated and fig.of is None and rated is None:
            _err(problems, rec, fig.line, fig.column,
                 later("it is not said what the {percent}% of '{level}' is a share of in '{name}'",
                       percent=_fmt_pct(fig.percent), level=level, name=name),
                 later("add 'base: unstated' when the article does not say; or give 'rated:' or 'of:' as it "
                       "writes them"))


def _check_levels(rec: Record, name: str, block: RatingBlock, rated: int | None,
                  problems: Problems) -> None:
    where = later("in '{key}'", key=name)
    good, excellent = block.good, block.excellent
    if good is not None and excellent is not None and block.good_includes_excellent is None:
        _err(problems, rec, good.line, good.column,
             later("it is not said whether 'good' includes 'excellent' {where}", where=where),
             later("add 'good_includes_excellent: true' when the article says 'trong đó' or 'trở lên', "
                   "false when it lists the levels side by side"))
        return
    counts = {lv: (fig.exact_count if (fig := block.level(lv)) else None) for lv in LEVELS}
    if block.good_includes_excellent and excellent is not None and counts["good"] is not None \
            and counts["excellent"] is not None and counts["excellent"] > counts["good"]:
        _err(problems, rec, excellent.line, excellent.column,
             later("'excellent' ({excellent}) is more than 'good' ({good}), which is said to include it {where}",
                   excellent=counts["excellent"], good=counts["good"], where=where),
             later("check the figures, or set good_includes_excellent: false"))
    parts = ("good", "completed", "not_completed") if block.good_includes_excellent else LEVELS
    if rated is None or any(counts[p] is None for p in parts):
        return
    total = sum(c for p in parts if (c := counts[p]) is not None)
    if total != rated and block.rated is not None:
        sum_text = " + ".join(str(counts[p]) for p in parts)
        hint = (later("check each count (good is read as including excellent: good_includes_excellent is true)")
                if block.good_includes_excellent else
                later("check each count (good is read as excluding excellent: good_includes_excellent is false)"))
        _err(problems, rec, block.rated.line, block.rated.column,
             later("the levels do not add up {where}: {sum} = {total}, but rated is {rated}", where=where,
                   sum=sum_text, total=total, rated=rated), hint)


def _check_admissions(rec: Record, problems: Problems) -> None:
    adm = rec.admissions
    if adm is None:
        return
    admitted = adm.admitted.exact_count if adm.admitted else None
    target = adm.target.exact_count if adm.target else None
    if adm.percent_of_target is not None and admitted is not None and target \
            and not percent_agrees(admitted, target, adm.percent_of_target):
        computed = Decimal(admitted) * 100 / Decimal(target)
        _err(problems, rec, adm.line, adm.column,
             later("percent_of_target says {percent}% but {admitted}/{target} is {computed}%",
                   percent=_fmt_pct(adm.percent_of_target), admitted=admitted, target=target,
                   computed=_fmt_pct(computed)),
             later("check 'admitted', 'target' and 'percent_of_target' against the article"))
    over = adm.exceeded_by
    if over is not None and over.exact_count is not None and admitted is not None and target is not None \
            and admitted - target != over.exact_count:
        _err(problems, rec, over.line, over.column,
             later("exceeded_by is {count} but {admitted} admitted - {target} target = {difference}",
                   count=over.count, admitted=admitted, target=target, difference=admitted - target),
             later("check the figures against the article"))


@dataclass
class Checked:
    """Each record's own problems as last found (`serve` keeps them, and `build` on disk): a record
    that is the same object (its file unchanged), checked against an equal registry in the same year
    and language, has the same problems. Duplicates are found across records at every build."""

    against: tuple[object, ...] = ()  # (registry, year, language) the problems were found with
    found: dict[str, tuple[Record, list[Problem]]] = field(default_factory=dict)  # by the record's path


def check(records: list[Record], registry: Registry, problems: Problems, this_year: int,
          kept: Checked | None = None) -> None:
    kept = kept if kept is not None else Checked()
    against = (registry, this_year, problems.say.lang)
    held = kept.found if kept.against == against else {}
    kept.against, kept.found = against, {}
    seen: dict[tuple[str, str, int, str], Record] = {}
    for rec in records:
        before = held.get(rec.path)
        if before is not None and before[0] is rec:
            own = before[1]
        else:
            found = Problems(say=problems.say)
            _check_record(rec, registry, found, this_year)
            own = found.items
        kept.found[rec.path] = (rec, own)
        problems.items.extend(own)
        first = seen.setdefault(rec.key, rec)
        if first is not rec:
            period = rec.period.slug or later("full year")
            _err(problems, rec, *rec.where[0],
                 later("a second record for {ref} {year} ({period}); the first is {first}",
                       ref=f"{rec.province}/{rec.committee}", year=rec.year, period=period, first=first.path),
                 later("merge the two files into one"))


def _check_record(rec: Record, registry: Registry, problems: Problems, this_year: int) -> None:
    """The checks of one record on its own."""
    _identity(rec, registry, problems, this_year)
    _path(rec, problems)
    for name in BLOCKS:
        block = rec.block(name)
        if block is not None:
            _check_block(rec, name, block, problems)
    _check_admissions(rec, problems)
