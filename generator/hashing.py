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
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path, PurePath

# Values written as their type and repr: equal reprs mean equal values for these types. Classes that say
# so with a true `fingerprint_by_repr` (frozen dataclasses whose fields are plain values, tuples or dicts
# of them, or other such classes: tests/test_fingerprints.py checks each) are written as their type and
# the repr of their fields' values, in order, and not remembered: many are made afresh by each build in
# their thousands (walking them field by field was most of the indicator pages' keys), and the parts of
# records were most of what the fingerprints kept. The dataclass's own repr is not called: it guards
# against recursion at each call, which was a third of a one-off build's keys.
_SCALARS = (str, int, float, bool, bytes, Decimal, dt.date, dt.time, PurePath, enum.Enum, type(None))


DIGEST_SIZE = 16  # bytes of every digest the caches key on


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).hexdigest()


def hasher() -> hashlib.blake2b:
    """`digest` for bytes that come in pieces: feed them with `update`; its `hexdigest()` is theirs."""
    return hashlib.blake2b(digest_size=DIGEST_SIZE)


class PiecesDigest:
    """The digest of a file written in pieces: that of each piece's length and digest, in order, not of
    its bytes. A piece kept from an earlier build comes with its digest, so a file made mostly of such
    pieces (a download at national scale, tens of megabytes) is digested without hashing them again.
    Every build cuts a file into the same pieces, so the same bytes have the same digest."""

    def __init__(self) -> None:
        self._hash = hasher()

    def add(self, length: int, made: str) -> None:
        """A piece of `length` bytes whose digest is `made`."""
        self._hash.update(f"{length} {made}\n".encode("ascii"))

    def add_bytes(self, data: bytes) -> str:
        """A piece given by its bytes; returns their digest."""
        made = digest(data)
        self.add(len(data), made)
        return made

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def file_digest(path: Path) -> str:
    """`digest` of a file's bytes, read in pieces (a download can be larger than is worth holding)."""
    h = hasher()
    with open(path, "rb") as fh:
        for piece in iter(lambda: fh.read(1 << 20), b""):
            h.update(piece)
    return h.hexdigest()


class Fingerprints:
    """Fingerprints of values, remembering each container already seen (a record shown on many pages is
    walked once). Values it has seen must never be changed afterwards: pages' data is built fresh for
    each build, and what a cache hands on from one build to the next (derived records) is frozen.

    Kept between builds (`serve`, and pickled by `build`), it remembers the values that last from one
    build to the next (those under the roots given to `lasting`: derived records, kept by their own
    cache) and that the last build saw, so unchanged records are not walked again. Values made afresh
    by each build (pages' contexts) are forgotten by `end_build`: keeping them would only cost memory.
    Pickled, it keeps the roots alone (see `__getstate__`)."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[object, str]] = {}  # id -> (the value, kept alive; its fingerprint)
        self._used: set[int] = set()  # ids seen by the current build
        self._roots: set[int] = set()  # ids of the values that last between builds
        self._kept_roots: set[int] = set()  # ids of the roots the last build saw
        self._lasting: set[int] = set()  # ids of values found under them
        self._depth = 0  # how many lasting values the walk is inside
        # Types found to be plain values: None for a scalar (written as its repr), else (a class with
        # `fingerprint_by_repr`) what gives its fields' values.
        self._plain: dict[type, Callable[[object], object] | None] = {}
        self._fields: dict[type, tuple[str, ...] | None] = {}  # dataclass -> its fields' names; else None

    def lasting(self, roots: Iterable[object]) -> None:
        """Values this build shares with the next (and what they hold): worth remembering."""
        self._roots.update(id(root) for root in roots)

    def end_build(self) -> None:
        """Forget the values the build that just ended did not see, and those it made afresh."""
        self._seen = {key: self._seen[key] for key in self._used & self._lasting if key in self._seen}
        self._kept_roots = self._roots & set(self._seen)
        self._used, self._roots, self._lasting = set(), set(), set(self._seen)

    def __getstate__(self) -> list[tuple[object, str]]:
        """Pickled as (value, fingerprint) pairs of the roots the last build saw: ids mean nothing in
        another process, but pickle keeps a value shared with the rest of the cache (a derived record)
        the same object when it is read back. What lies under the roots is left out: a derived record
        is pickled as its record alone (and derived again when read), so its parts would be pickled on
        their own, at a cost, and found under no root afterwards; a page that shows one on its own
        walks it again."""
        return [self._seen[key] for key in self._kept_roots if key in self._seen]

    def __setstate__(self, pairs: list[tuple[object, str]]) -> None:
        self.__init__()  # type: ignore[misc]
        self._seen = {id(value): (value, fp) for value, fp in pairs}
        self._lasting = set(self._seen)
        self._kept_roots = set(self._seen)

    def of(self, value: object) -> str:
        """A plain value as its type and repr (unambiguous, and cheaper than hashing it); a container
        as the digest of its parts."""
        kind = type(value)
        if kind in self._plain:
            fields = self._plain[kind]
            return f"{kind.__name__}:{value!r}" if fields is None else f"{kind.__name__}:{fields(value)!r}"
        seen = self._seen.get(id(value))
        if seen is not None and seen[0] is value:
            self._used.add(id(value))
            return seen[1]
        if isinstance(value, _SCALARS):
            self._plain[kind] = None
            return self.of(value)
        names = self._names(kind)
        if names and getattr(kind, "fingerprint_by_repr", False):
            self._plain[kind] = operator.attrgetter(*names)
            return self.of(value)
        key = id(value)
        root = key in self._roots
        self._depth += root
        try:
            result = digest(self._parts(value).encode())
        finally:
            self._depth -= root
        self._seen[key] = (value, result)
        self._used.add(key)
        if self._depth or root:
            self._lasting.add(key)
        return result

    def _names(self, kind: type) -> tuple[str, ...] | None:
        if kind not in self._fields:
            is_dataclass = dataclasses.is_dataclass(kind)
            self._fields[kind] = tuple(f.name for f in dataclasses.fields(kind)) if is_dataclass else None
        return self._fields[kind]

    def _parts(self, value: object) -> str:
        kind = type(value)
        names = self._names(kind)
        if names is not None:
            return f"{kind.__module__}.{kind.__qualname__}(" + self._joined([getattr(value, n) for n in names]) + ")"
        name = kind.__qualname__
        if isinstance(value, (list, tuple)):
            return f"{name}[" + self._joined(value) + "]"
        if isinstance(value, (set, frozenset)):
            return f"{name}{{" + ",".join(sorted(self.of(v) for v in value)) + "}"
        if isinstance(value, dict):
            # Order matters to a template iterating a dict: keep it.
            return f"{name}{{" + ",".join([self.of(k) + ":" + self.of(v) for k, v in value.items()]) + "}"
        raise TypeError(f"cannot fingerprint a {name}: pages may only carry dataclasses, containers and plain values")

    def _joined(self, values: Iterable[object]) -> str:
        """The values' fingerprints, joined. A value of a type already found plain is written here as `of`
        would write it: most are, and a call for each was a good share of the pages' keys."""
        plain, of, out = self._plain, self.of, []
        for v in values:
            kind = type(v)
            if kind in plain:
                fields = plain[kind]
                out.append(f"{kind.__name__}:{v!r}" if fields is None else f"{kind.__name__}:{fields(v)!r}")
            else:
                out.append(of(v))
        return ",".join(out)


def fingerprint(value: object) -> str:
    """The fingerprint of one value, on its own."""
    return Fingerprints().of(value)
