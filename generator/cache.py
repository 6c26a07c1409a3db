"""What a long-running `serve` keeps between rebuilds, so one edited record costs little: each stage's
own cache, typed and documented where the stage is. A one-off `build` uses none of it."""
from __future__ import annotations

from dataclasses import dataclass, field

from generator.load.records import RecordCache
from generator.model.derive import DeriveCache
from generator.output.downloads import RowCache
from generator.output.linkcheck import LinkCache
from generator.output.writer import WrittenFiles
from generator.render.renderer import RenderCache


@dataclass
class BuildCache:
    records: RecordCache = field(default_factory=RecordCache)  # parsed record files
    derived: DeriveCache = field(default_factory=DeriveCache)  # derived records
    rows: RowCache = field(default_factory=RowCache)  # download rows
    render: RenderCache = field(default_factory=RenderCache)  # compiled templates and rendered pages
    links: LinkCache = field(default_factory=dict)  # each page's parsed links
    written: WrittenFiles = field(default_factory=WrittenFiles)  # the files written last time
