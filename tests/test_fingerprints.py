"""A page's key writes an instance of a class with a true `fingerprint_by_repr` as its repr, without
walking or remembering it (`hashing.Fingerprints`). That is sound only for a class whose repr says all
of it: made by `dataclass`, with every field shown, each field a plain value (one `hashing` writes as
its repr), a tuple or a dict of them, or an instance of another such class. Every such class is checked here."""
from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import types
import typing
from decimal import Decimal

import pytest

import generator
from generator import hashing
from generator.model.derive import LevelValues, Value
from generator.model.types import Figure

PLAIN_LITERALS = (str, int, bool)


def _by_repr() -> dict[str, type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(generator.__path__, "generator."):
        if info.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(info.name)).values():
            if isinstance(value, type) and getattr(value, "fingerprint_by_repr", False):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


CLASSES = _by_repr()


def _plain(hint: object) -> bool:
    """Whether every value of this type is written in full by its repr."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is type(None):
        return True
    if origin in (typing.Union, types.UnionType):
        return all(_plain(a) for a in args)
    if origin is typing.Literal:
        return all(isinstance(a, PLAIN_LITERALS) for a in args)
    if origin is tuple:
        return all(_plain(a) for a in args if a is not Ellipsis)
    if origin is dict:  # its repr keeps its order, which a template iterating it sees
        return all(_plain(a) for a in args)
    if isinstance(hint, type):
        return issubclass(hint, hashing._SCALARS) or (
            dataclasses.is_dataclass(hint) and bool(getattr(hint, "fingerprint_by_repr", False)))
    return False


def test_the_classes_written_by_their_repr_are_found() -> None:
    assert {"Figure", "LevelValues", "Value", "Cited"} <= {c.__qualname__ for c in CLASSES.values()}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_class_written_by_its_repr_shows_every_field_each_plain(name: str) -> None:
    kind = CLASSES[name]
    assert dataclasses.is_dataclass(kind)
    assert getattr(kind.__dict__.get("__repr__"), "__wrapped__", None) is not None, "its repr is dataclass's own"
    hints = typing.get_type_hints(kind)
    for f in dataclasses.fields(kind):
        assert f.repr, f"{name}.{f.name} is left out of its repr"
        assert _plain(hints[f.name]), f"{name}.{f.name}: {hints[f.name]} is not written in full by its repr"


def test_values_that_differ_in_any_field_have_different_fingerprints() -> None:
    """The repr tells apart what a page would show apart: a qualifier, a place of a percent (4 and
    4.0), the figure's place in its file."""
    base = Figure(count=3, percent=Decimal("4"), of=7)
    changed = [dataclasses.replace(base, **{f.name: v}) for f, v in zip(dataclasses.fields(Figure), (
        4, Decimal("4.0"), 8, "gần", "q", 1, 2, True), strict=True)]
    prints = {hashing.fingerprint(v) for v in [base, *changed]}
    assert len(prints) == 1 + len(changed)
    level = LevelValues(Value(Decimal("3"), "count"), None)
    assert hashing.fingerprint(level) != hashing.fingerprint(LevelValues(None, Value(Decimal("3"), "count")))
