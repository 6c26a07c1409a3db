"""The load and validate stages: site.yaml, registries and records, checked together."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.load import config as config_mod
from generator.load import records as records_mod
from generator.load import registry as registry_mod
from generator.load import sources as sources_mod
from generator.load import validate
from generator.load.config import Config
from generator.load.content_pages import ContentPage, load_pages
from generator.model.problems import Problems
from generator.model.types import Record, Registry, ReviewedArticle


@dataclass(frozen=True)
class Site:
    config: Config
    registry: Registry
    records: list[Record]
    content_pages: list[ContentPage]  # Markdown pages, every language
    reviewed: tuple[ReviewedArticle, ...] = ()  # content/sources.yaml: every article read


def load_site(root: Path, problems: Problems, today: dt.date | None = None,
              cache: records_mod.RecordCache | None = None, checked: validate.Checked | None = None,
              workers: int | None = None) -> Site | None:
    """Load and check everything under `root`; problems go to `problems`, never as exceptions.
    With a cache (`serve` keeps one, `build` one on disk), unchanged record files are not parsed
    again, and with `checked`, not checked on their own again. `workers`: see `records.load_all`."""
    config = config_mod.load(root, problems)
    registry = registry_mod.load(root, problems)
    records = records_mod.load_all(root, problems, cache, workers)
    validate.check(records, registry, problems, (today or dt.date.today()).year, checked)
    reviewed = sources_mod.load(root, problems)
    sources_mod.check(reviewed, records, registry, problems)
    pages = load_pages(root, bool(config and config.allow_raw_html), problems)
    if config is None:
        return None
    return Site(config, registry, sorted(records, key=lambda r: r.key), pages, reviewed)
