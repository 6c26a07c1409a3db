"""Pickling the build's many small slotted dataclasses fast: for the cache on disk and for what worker
processes send back (a national build's records alone are hundreds of thousands of them)."""
from __future__ import annotations

import dataclasses
import io
import pickle
from typing import Any, BinaryIO


def _remade(kind: type, names: tuple[str, ...], values: tuple[Any, ...]) -> object:
    """A slotted dataclass from its fields' names and values, as `Pickler` wrote it."""
    made: object = object.__new__(kind)
    for name, value in zip(names, values, strict=True):
        object.__setattr__(made, name, value)
    return made


class Pickler(pickle.Pickler):
    """Pickles slotted dataclasses (records, derived values) as their class, fields' names (one tuple
    per class, which pickle then refers to) and values: the standard way looks the fields up again for
    each of the hundreds of thousands of them, which made reading and writing them take seconds."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fields: dict[type, tuple[str, ...] | None] = {}

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind not in self.fields:
            # A class with a `__reduce__` of its own says how it is best pickled (a derived record: as
            # its record); the others are written field by field.
            slotted = dataclasses.is_dataclass(kind) and "__slots__" in vars(kind) and "__reduce__" not in vars(kind)
            self.fields[kind] = tuple(f.name for f in dataclasses.fields(kind)) if slotted else None
        names = self.fields[kind]
        if names is None:
            return NotImplemented
        return _remade, (kind, names, tuple([getattr(obj, name) for name in names]))


def dumps(value: object) -> bytes:
    buffer = io.BytesIO()
    Pickler(buffer).dump(value)
    return buffer.getvalue()
