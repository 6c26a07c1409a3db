"""The load and validate stages: site.yaml, registries and records, checked together."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from generator.hashing import hasher
from generator.load import config as config_mod
from generator.load import records as records_mod
from generator.load import registry as registry_mod
from generator.load import sources as sources_mod
from generator.load import validate
from generator.load.config import Config
from generator.load.content_pages import ContentPage, load_pages
from generator.model.problems import Problem, Problems
from generator.model.types import Record, Registry, ReviewedArticle

T = TypeVar("T")


@dataclass(frozen=True)
class Site:
    config: Config
    registry: Registry
    records: list[Record]
    content_pages: list[ContentPage]  # Markdown pages, every language
    reviewed: tuple[ReviewedArticle, ...] = ()  # content/sources.yaml: every article read


@dataclass
class InputCache:
    """The registry, the articles read and the content pages as last read, each with the problems found
    in it, kept by `serve` and `build` with a digest of every file they may read: everything under
    content/ but the records (and the settings and language they were read with). Read again only
    when one of those files changed."""

    key: str = ""
    kept: dict[str, tuple[object, list[Problem]]] = field(default_factory=dict)  # what -> (it, its problems)


def _inputs_key(root: Path, *settings: object) -> str:
    """A digest of every file under content/ but the records (their names and bytes), and `settings`."""
    found = hasher()
    found.update(repr(settings).encode("utf-8"))
    content = root / "content"
    files = []
    for folder, subfolders, names in os.walk(content):
        if Path(folder) == content and "records" in subfolders:
            subfolders.remove("records")  # the records have a cache of their own
        files += [Path(folder) / name for name in names]
    for path in sorted(files):
        found.update(f"\0{path.relative_to(root).as_posix()}\0".encode("utf-8", "surrogateescape"))
        try:
            found.update(path.read_bytes())
        except OSError:
            found.update(b"\0unreadable")  # the loader reports it, every time
    return found.hexdigest()


def _kept(cache: InputCache | None, what: str, problems: Problems, read: Callable[[Problems], T]) -> T:
    """`read(problems)`, or what it gave last time with the problems it found then."""
    if cache is not None and what in cache.kept:
        value, found = cache.kept[what]
        problems.extend(found)
        return value  # type: ignore[return-value]
    fresh = Problems(say=problems.say)
    value = read(fresh)
    problems.extend(fresh.items)
    if cache is not None:
        cache.kept[what] = (value, fresh.items)
    return value


def load_site(root: Path, problems: Problems, today: dt.date | None = None,
              cache: records_mod.RecordCache | None = None, checked: validate.Checked | None = None,
              workers: int | None = None, inputs: InputCache | None = None) -> Site | None:
    """Load and check everything under `root`; problems go to `problems`, never as exceptions.
    With a cache (`serve` keeps one, `build` one on disk), unchanged record files are not parsed
    again, and with `checked`, not checked on their own again; with `inputs`, the registry, the
    articles read and the content pages are not read again while no file of theirs changed.
    `workers`: see `records.load_all`."""
    config = config_mod.load(root, problems)
    allow_raw_html = bool(config and config.allow_raw_html)
    if inputs is not None:
        key = _inputs_key(root, allow_raw_html, problems.say.lang)
        if key != inputs.key:
            inputs.key, inputs.kept = key, {}
    registry = _kept(inputs, "registry", problems, lambda found: registry_mod.load(root, found))
    records = records_mod.load_all(root, problems, cache, workers)
    validate.check(records, registry, problems, (today or dt.date.today()).year, checked)
    reviewed = _kept(inputs, "reviewed", problems, lambda found: sources_mod.load(root, found))
    sources_mod.check(reviewed, records, registry, problems)
    pages = _kept(inputs, "pages", problems, lambda found: load_pages(root, allow_raw_html, found))
    if config is None:
        return None
    return Site(config, registry, sorted(records, key=lambda r: r.key), pages, reviewed)
