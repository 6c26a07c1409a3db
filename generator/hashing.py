"""The content hash every cache keys on, and the fingerprint of a typed value (what a page is made from).

A fingerprint walks the value itself: every field of every dataclass, every item of every container.
So a page's key cannot drift from what its template is handed, as a hand-written list of inputs can.
It is the same in every process (sets are walked in a sorted order, never by hash seed; dicts in their
own order, which templates see), so it can key a cache kept on disk.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from decimal import Decimal
from pathlib import PurePath

# Values written as their type and repr: equal reprs mean equal values for these types.
_SCALARS = (str, int, float, bool, bytes, Decimal, dt.date, dt.time, PurePath, enum.Enum, type(None))


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Fingerprints:
    """Fingerprints of values, remembering each container already seen in one build (a record shown on
    many pages is walked once). Keep one only while the values it saw are alive and unchanged."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[object, str]] = {}  # id -> (the value, kept alive; its fingerprint)

    def of(self, value: object) -> str:
        """A plain value as its type and repr (unambiguous, and cheaper than hashing it); a container
        as the digest of its parts."""
        if isinstance(value, _SCALARS):
            return f"{type(value).__name__}:{value!r}"
        seen = self._seen.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        result = digest(self._parts(value).encode())
        self._seen[id(value)] = (value, result)
        return result

    def _parts(self, value: object) -> str:
        name = type(value).__qualname__
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            items = [self.of(getattr(value, f.name)) for f in dataclasses.fields(value)]
            return f"{type(value).__module__}.{name}(" + ",".join(items) + ")"
        if isinstance(value, (list, tuple)):
            return f"{name}[" + ",".join(self.of(v) for v in value) + "]"
        if isinstance(value, (set, frozenset)):
            return f"{name}{{" + ",".join(sorted(self.of(v) for v in value)) + "}"
        if isinstance(value, dict):
            # Order matters to a template iterating a dict: keep it.
            return f"{name}{{" + ",".join(self.of(k) + ":" + self.of(v) for k, v in value.items()) + "}"
        raise TypeError(f"cannot fingerprint a {name}: pages may only carry dataclasses, containers and plain values")


def fingerprint(value: object) -> str:
    """The fingerprint of one value, on its own."""
    return Fingerprints().of(value)
