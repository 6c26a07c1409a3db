"""What a long-running `serve` keeps between rebuilds, so one edited record costs little.

- parsed records, keyed by file stat (path, size, mtime) and checked against a content hash;
- derived records and download rows, keyed by that content hash;
- rendered pages, keyed by a fingerprint of everything the page shows (see `plan.Page.deps`);
- the files written last time, so unchanged files are not rewritten.
A one-off `build` uses none of it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from generator.model.problems import Problem


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class BuildCache:
    records: dict[str, tuple[tuple[int, int], str, Any, list[Problem]]] = field(default_factory=dict)
    derived: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    links: dict[str, tuple[bytes, Any]] = field(default_factory=dict)
    written: dict[str, bytes] = field(default_factory=dict)
    renderers: dict[tuple[str, str], Any] = field(default_factory=dict)  # compiled templates, per language
    rendered: int = 0  # pages rendered by the last build (the rest came from the cache)
