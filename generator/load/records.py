"""Read record files (content/records/<province>/<committee>/<year>.yaml) into `Record`s.

This stage checks each file on its own: keys, types, required values. Checks that need the registry
or several records at once live in `validate`.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from stat import S_ISLNK
from typing import Any

from generator.hashing import digest
from generator.i18n import Messages, later
from generator.load import yamlfile
from generator.load.reader import Reader
from generator.load.yamlfile import YMap
from generator.model.problems import Problem, Problems
from generator.model.types import (
    BLOCK_FIGURES,
    BLOCKS,
    PERIOD_KINDS,
    QUALIFIERS,
    UNITS,
    Admissions,
    Award,
    Block,
    Figure,
    Period,
    Qualifier,
    RatingBlock,
    Record,
    Source,
    Subset,
    Target,
)
from generator.workers import default_workers, forking, shared_out

RECORD_KEYS = ("province", "committee", "year", "period", "sources", *BLOCKS, "admissions",
               "targets", "mass_organizations", "awards", "notes", "example", "synthetic")
FIGURE_KEYS = ("count", "percent", "of", "qualifier", "quote", "base")
BLOCK_KEYS = (*BLOCK_FIGURES, "good_includes_excellent", "quote")
SOURCE_KEYS = ("url", "publisher", "published", "title", "quote", "note", "title_reconstructed")
ADMISSION_KEYS = ("admitted", "target", "percent_of_target", "exceeded_by", "subsets", "quote")
TARGET_METRICS = (
    "organizations_good_or_above", "organizations_not_completed", "members_good_or_above",
    "members_completed_or_above", "admissions", "agencies_good", "trade_unions_good",
    "youth_union_good", "veterans_good", "other",
)
TARGET_KEYS = ("metric", "period", "unit", "value", "min", "max", "label", "quote")
MASS_ORGANIZATIONS = ("trade_unions", "youth_union", "veterans")
MAX_COUNT = 10_000_000
RECORDS_DIR = "content/records"


Loaded = tuple[tuple[int, int], str, "Record | None", list[Problem]]  # (size, time), digest, record, problems


@dataclass
class RecordCache:
    """Parsed record files, kept by `serve` between rebuilds: by path, with the file's (size, mtime),
    its content hash, the record and the file's own problems.

    A file's time only tells a change from the next one when they fall in different ticks of its
    clock: 2 s on a FAT-formatted USB stick, 1 s on some network drives. So a file read within RACY_NS
    of its time (or with a time still to come) is kept under a key no file has, and read again next
    time: an edit of the same length saved in the same tick would otherwise keep the old figures.

    A file whose size or time changed is read again, but parsed again only when its bytes changed
    (`unchanged`): files written just before a build (a site copied, a branch checked out, `serve`
    started right after) and files saved again as they were would otherwise be parsed each time."""

    files: dict[str, Loaded] = field(default_factory=dict)


_PERCENT_TEXT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def _percent_as_count(r: Reader, parent: YMap, key: str) -> bool:
    """`exceeded_by: 18%` or `good: 92,5%`: a percent where a plain value is a count. Reported with
    the group that keeps it a percent, so following the hint never turns it into a count."""
    raw = (parent.raw.get(key) or "").strip()
    found = _PERCENT_TEXT.fullmatch(raw)
    if found is None:
        return False
    number = found.group(1).replace(",", ".")
    if key == "exceeded_by":
        message = r.say("'{key}: {raw}' is a percent, but 'exceeded_by: N' is the number of members admitted above "
                        "the target; 'vượt X% chỉ tiêu' is a percent of the target", key=key, raw=raw)
    else:
        message = r.say("'{key}: {raw}' is a percent, but '{key}: N' is a count", key=key, raw=raw)
    fixed = f"{key}: {{percent: {number}}}"
    r.error(parent.where(key), message, r.say("write {fixed}", fixed=fixed), (f"{key}: {raw}", fixed))
    return True


def _figure(r: Reader, parent: YMap, key: str) -> Figure | None:
    """A figure: a plain count (`good: 79`) or a group (`good: {count: 79, percent: 92.94}`)."""
    value = parent.get(key)
    if value is None:
        return None
    line, column = parent.key_pos[key]
    if not isinstance(value, YMap):
        if _percent_as_count(r, parent, key):
            return None
        count = r.integer(parent, key, 0, MAX_COUNT)
        return Figure(count=count, line=line, column=column) if count is not None else None
    r.keys(value, FIGURE_KEYS, (), later("in '{key}'", key=key))
    fig = Figure(
        count=r.integer(value, "count", 0, MAX_COUNT),
        percent=r.decimal(value, "percent", Decimal(0), Decimal(1000)),
        of=r.integer(value, "of", 1, MAX_COUNT),
        qualifier=r.choice(value, "qualifier", QUALIFIERS),
        quote=r.text(value, "quote"),
        line=line, column=column,
        base_unstated=r.choice(value, "base", ("unstated",)) == "unstated",
    )
    if fig.count is None and fig.percent is None:
        if "count" not in value and "percent" not in value:
            r.error(value.pos, later("'{key}' has neither a count nor a percent", key=key),
                    later("add 'count:' or 'percent:' (or both) as the article states them"))
        return None
    return fig


def _block(r: Reader, m: YMap, key: Block) -> RatingBlock | None:
    value = r.mapping(m.get(key), m.where(key), f"'{key}'")
    if value is None:
        return None
    r.keys(value, BLOCK_KEYS, (), later("in '{key}'", key=key))
    return RatingBlock(
        **{name: _figure(r, value, name) for name in BLOCK_FIGURES},
        good_includes_excellent=r.boolean(value, "good_includes_excellent"),
        quote=r.text(value, "quote"), line=m.key_pos[key][0], column=m.key_pos[key][1])


def _period(r: Reader, m: YMap) -> Period | None:
    """The period the record covers (a full year when not given); None when it is invalid (reported)."""
    value = m.get("period")
    if value is None:
        return Period()
    if not isinstance(value, YMap):
        return Period() if r.choice(m, "period", ("full_year",)) else None
    r.keys(value, ("kind", "number", "until", "as_written", "until_published"), ("kind",),
           later("in '{key}'", key="period"))
    kind = r.choice(value, "kind", PERIOD_KINDS)
    number = r.integer(value, "number", 1, 4)
    if kind == "quarter" and number is None:
        r.error(value.pos, later("a quarter needs its number"), later("add 'number: 1' for quý I, 2 for quý II, ..."))
        kind = None
    elif kind == "half_year" and number not in (1, 2):
        r.error(value.pos, later("a half-year needs 'number: 1' (6 tháng đầu năm) or 'number: 2'"),
                later("add 'number: 1'"))
        kind = None
    until = r.date(value, "until")
    as_written = r.text(value, "as_written")
    published = bool(r.boolean(value, "until_published"))
    if published and until is None:
        r.error(value.pos, later("'until_published' needs the date in 'until'"),
                later("write the article's date as 'until:', e.g. 'until: 2017-06-11'"))
    if kind is None:
        return None
    return Period(kind=kind, number=number, until=until if isinstance(until, dt.date) else None,
                  as_written=as_written, until_published=published)


def _sources(r: Reader, m: YMap) -> tuple[Source, ...]:
    if not r.sequence(m, "sources"):
        if "sources" in m:
            r.error(m.key_pos["sources"], later("the record has no source"),
                    later("add at least one article (url, publisher, published, title) under 'sources:'"))
        return ()
    sources = []
    for s in r.mappings(m, "sources", later("a source")):
        r.keys(s, SOURCE_KEYS, ("url", "publisher", "published", "title"), later("in a source"))
        url, publisher = r.url(s, "url"), r.text(s, "publisher")
        unknown = s.get("published") == "unknown"  # the saved copy does not show the date
        published = None if unknown else r.date(s, "published", partial=True)
        title = r.text(s, "title")
        if url and publisher and title and (published or unknown):
            sources.append(Source(url, publisher, published, title, r.text(s, "quote"), r.text(s, "note"),
                                  bool(r.boolean(s, "title_reconstructed"))))
    return tuple(sources)


def _admissions(r: Reader, m: YMap) -> Admissions | None:
    value = r.mapping(m.get("admissions"), m.where("admissions"), "'admissions'")
    if value is None:
        return None
    r.keys(value, ADMISSION_KEYS, (), later("in '{key}'", key="admissions"))
    subsets = []
    for s in r.mappings(value, "subsets", later("a subset")):
        r.keys(s, ("label", "admitted", "exceeded_by", "quote"), ("label",), later("in a subset"))
        label = r.text(s, "label")
        if label:
            subsets.append(Subset(label, _figure(r, s, "admitted"), _figure(r, s, "exceeded_by"),
                                  r.text(s, "quote")))
    percent_of_target, qualifier = _percent_of_target(r, value)
    return Admissions(
        admitted=_figure(r, value, "admitted"), target=_figure(r, value, "target"),
        percent_of_target=percent_of_target, percent_of_target_qualifier=qualifier,
        exceeded_by=_figure(r, value, "exceeded_by"), subsets=tuple(subsets),
        quote=r.text(value, "quote"), line=m.key_pos["admissions"][0],
        column=m.key_pos["admissions"][1])


def _percent_of_target(r: Reader, m: YMap) -> tuple[Decimal | None, Qualifier | None]:
    """`percent_of_target: 113.6`, or a group when the article gives a bound: `{percent: 100, qualifier: trên}`."""
    if not isinstance(m.get("percent_of_target"), YMap):
        return r.decimal(m, "percent_of_target", Decimal(0), Decimal(1000)), None
    fig = _figure(r, m, "percent_of_target")
    if fig is None or fig.percent is None or fig.count is not None:
        r.error(m.where("percent_of_target"), later("'percent_of_target' should be a percent"),
                later("write 'percent_of_target: 113.6', or '{example}' for 'đạt trên 100%'",
                      example="{percent: 100, qualifier: trên}"))
        return None, None
    return fig.percent, fig.qualifier


def _targets(r: Reader, m: YMap) -> tuple[Target, ...]:
    targets = []
    for t in r.mappings(m, "targets", later("a target")):
        r.keys(t, TARGET_KEYS, ("metric", "period", "unit"), later("in a target"))
        metric = r.choice(t, "metric", TARGET_METRICS)
        unit = r.choice(t, "unit", UNITS)
        period = t.get("period")
        numbers = {k: r.decimal(t, k) for k in ("value", "min", "max")}
        if all(v is None for v in numbers.values()) and not any(k in t for k in numbers):
            r.error(t.pos, later("a target needs 'value', or 'min' and/or 'max'"),
                    later("e.g. 'min: 95' for '95% trở lên', 'min: 100' and 'max: 120' for 'từ 100 - 120'"))
        if metric == "other" and "label" not in t:
            r.error(t.pos, later("a target with metric 'other' needs a 'label'"), later("say in words what it counts"))
        if metric and unit and period is not None:
            targets.append(Target(metric=metric, period=str(period), unit=unit, label=r.text(t, "label"),
                                  quote=r.text(t, "quote"), **numbers))
    return tuple(targets)


def _mass(r: Reader, m: YMap) -> dict[str, Figure]:
    value = r.mapping(m.get("mass_organizations"), m.where("mass_organizations"), "'mass_organizations'")
    if value is None:
        return {}
    r.keys(value, MASS_ORGANIZATIONS, (), later("in '{key}'", key="mass_organizations"))
    figures = {k: _figure(r, value, k) for k in MASS_ORGANIZATIONS}
    return {k: f for k, f in figures.items() if f is not None}


def _awards(r: Reader, m: YMap) -> tuple[Award, ...]:
    awards = []
    for a in r.mappings(m, "awards", later("an award")):
        r.keys(a, ("description", "count", "quote", "year"), ("description",), later("in an award"))
        text = r.text(a, "description")
        if text:
            awards.append(Award(text, r.integer(a, "count", 0, MAX_COUNT), r.text(a, "quote"),
                                r.integer(a, "year", 1930, 2100, what=later("a year such as {year}", year=2021))))
    return tuple(awards)


def _notes(r: Reader, m: YMap) -> tuple[str, ...]:
    items = r.sequence(m, "notes")
    notes = []
    for item, raw, pos in zip(items, items.raw, items.item_pos, strict=True):
        if isinstance(item, str):
            text = r.checked_text(item, "notes", pos)
            if text:
                notes.append(text)
        else:
            r.error(pos, later("each note should be text"), later('put it in quotes: "{raw}"', raw=raw))
    return tuple(notes)


def parse(data: Any, display: str, problems: Problems) -> Record | None:
    """Turn one loaded record file into a Record, or None when its identity can't be read."""
    r = Reader(display, problems)
    if not isinstance(data, YMap):
        if data is not None:
            r.error((1, 1), later("a record should be a group of 'key: value' lines"),
                    later("start with 'province:', 'committee:', 'year:' (see docs/data-format.md)"))
        return None
    r.keys(data, RECORD_KEYS, ("province", "committee", "year", "sources"), later("in the record"))
    province, committee = r.slug(data, "province"), r.slug(data, "committee")
    year = r.integer(data, "year", 1930, 2100, what=later("a year such as {year}", year=2022))
    period = _period(r, data)
    record = Record(
        path=display, province=province or "", committee=committee or "", year=year or 0,
        period=period or Period(), sources=_sources(r, data),
        organizations=_block(r, data, "organizations"), collectives=_block(r, data, "collectives"),
        members=_block(r, data, "members"),
        admissions=_admissions(r, data), targets=_targets(r, data), mass_organizations=_mass(r, data),
        awards=_awards(r, data), notes=_notes(r, data),
        example=bool(r.boolean(data, "example")), synthetic=bool(r.boolean(data, "synthetic")),
        where=(data.where("province"), data.where("committee"), data.where("year")))
    if not (province and committee and year) or period is None:
        return None
    return record


def record_files(root: Path, problems: Problems) -> list[tuple[str, str]]:
    """Every record file as (its path from the site, with /; its path on disk), in the order of their
    paths' folders and names, found without following linked folders (those are reported). Paths are
    kept as text: a national site has tens of thousands of files, and `serve` lists them at each edit."""
    base = os.path.join(root, RECORDS_DIR)
    files: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(base):
        shown = os.path.relpath(folder, root).replace(os.sep, "/")
        for d in sorted(dirs):
            path = Path(folder) / d
            if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
                problems.add(path.relative_to(root).as_posix(), 0, 0,
                             later("this folder is a link to a folder outside the site"),
                             later("copy the records into content/records instead of linking to them"))
            if d.endswith((".yaml", ".yml")):  # a folder where a record file is expected
                problems.add(path.relative_to(root).as_posix(), 1, 1, later("this is a folder, not a text file"),
                             later("replace it with the record file, or rename the folder"))
        files += [(f"{shown}/{n}", os.path.join(folder, n)) for n in names if n.endswith((".yaml", ".yml"))]
    # As paths compare: part by part, in the case the system compares names in.
    return sorted(files, key=lambda f: [os.path.normcase(part) for part in f[0].split("/")])


def _load_one(file: Path, display: str, say: Messages) -> tuple[str, Record | None, list[Problem]]:
    problems = Problems(say=say)
    data = yamlfile.read_input(file, display, problems)
    if data is None:
        return "", None, problems.items
    text = yamlfile.decode(data, display, problems)
    record = parse(yamlfile.loads(text, display, problems), display, problems) if text is not None else None
    if record is not None:
        record = replace(record, digest=digest(data))
    return (record.digest if record else digest(data)), record, problems.items


def _inside(file: Path, real_root: Path) -> bool:
    """Whether a link leads inside the site; a dangling or looping link counts as inside (it is
    reported as unreadable when it is read)."""
    try:
        return file.resolve(strict=True).is_relative_to(real_root)
    except (OSError, RuntimeError):
        return True


def load_all(root: Path, problems: Problems, cache: RecordCache | None = None,
             workers: int | None = None) -> list[Record]:
    """Every record under content/records; with a cache, files whose size and time are unchanged
    are not read again. Many files to read (a first build) are read by `workers` forked processes
    (by default, as many as `default_workers` gives for that many)."""
    found = _found(root, problems, cache)
    todo = [i for i, (_, _, _, hit) in enumerate(found) if hit is None]
    share = default_workers(len(todo)) if workers is None else workers
    read = shared_out(partial(_read, problems.say), found, todo, forking(share))
    for i, loaded in read:
        found[i] = (*found[i][:3], loaded)
        if cache is not None:
            cache.files[found[i][0]] = loaded
    records = []
    for _, _, _, hit in found:
        assert hit is not None
        _, _, record, seen_problems = hit
        problems.extend(seen_problems)
        if record is not None:
            records.append(record)
    if cache is not None:
        for gone in set(cache.files) - {display for display, _, _, _ in found}:
            del cache.files[gone]
    return records


Found = tuple[str, str, tuple[int, int], "Loaded | None"]  # display, file, (size, time), kept or None
RACY_NS = 3_000_000_000  # the coarsest file clock (FAT's 2 s), and a second for clocks a little apart
UNSURE = (-2, -2)  # the key of a file read within RACY_NS of its time: matches no file's (size, time)


def _read(say: Messages, item: Found) -> Loaded:
    display, file, key, _ = item
    loaded = _load_one(Path(file), display, say)
    return (UNSURE if key[1] >= time.time_ns() - RACY_NS else key, *loaded)


def _found(root: Path, problems: Problems, cache: RecordCache | None) -> list[Found]:
    """Each record file, with what the cache kept of it when its size and time are unchanged."""
    found: list[Found] = []
    real_root = root.resolve()
    for display, file in record_files(root, problems):
        try:
            stat = os.lstat(file)  # one call for a plain file, which is nearly every one
            if S_ISLNK(stat.st_mode):
                # os.walk does not enter linked folders, so only a linked file itself can lead outside
                if not _inside(Path(file), real_root):
                    problems.add(display, 0, 0, later("this record is a link to a file outside the site"),
                                 later("copy the file into content/records instead of linking to it"))
                    continue
                stat = os.stat(file)
            key = (stat.st_size, stat.st_mtime_ns)
        except OSError:  # a dangling or looping link: read_input says so, at the file
            key = (-1, -1)
        hit = cache.files.get(display) if cache is not None else None
        if cache is not None and hit is not None and hit[0] != key:
            hit = unchanged(file, key, hit)
            if hit is not None:  # kept under its new key: not even read next time, once it can be trusted
                cache.files[display] = hit
        found.append((display, file, key, hit))
    return found


def unchanged(file: str, key: tuple[int, int], kept: Loaded) -> Loaded | None:
    """What was kept of a file whose size or time is not as kept, under its new key (or again under
    UNSURE, while the file's time is too recent to trust), when its bytes are still those kept; else
    None (read and parse it). Reading a record's bytes and hashing them costs a few hundredths of
    parsing them."""
    data = yamlfile.read_input(Path(file), "", Problems()) if kept[1] else None  # never blocks (see there)
    if data is None or digest(data) != kept[1]:
        return None
    return (UNSURE if key[1] >= time.time_ns() - RACY_NS else key, *kept[1:])
