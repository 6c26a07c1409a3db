"""Small helpers shared by the test modules."""
from __future__ import annotations

from http.server import SimpleHTTPRequestHandler

import pytest

from generator import workers


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def shared_out_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Work shares out to workers from two items on (the test site is far smaller than a national one);
    the returned list gets how many items each sharing sent to the workers."""
    counted: list[int] = []
    real = workers._shared
    monkeypatch.setattr(workers, "WORTH_SHARING", 2)
    monkeypatch.setattr(workers, "_shared", lambda *args: counted.append(len(args[2])) or real(*args))
    return counted
