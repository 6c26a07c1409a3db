"""One module per command; `generator.cli` only parses arguments and dispatches."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.i18n import Messages, choose, messages
from generator.model.problems import Problems


def tr(args: argparse.Namespace) -> Messages:
    """The messages chosen for this run (made here when a command is called without the CLI)."""
    found = getattr(args, "tr", None)
    if isinstance(found, Messages):
        return found
    return messages(choose(getattr(args, "lang", None), Path(getattr(args, "site", "."))))


def info(args: argparse.Namespace, text: str) -> None:
    """A line of news (not a problem): left out with -q."""
    if getattr(args, "verbosity", 0) >= 0:
        print(text)


def detail(args: argparse.Namespace, text: str) -> None:
    """A line shown only with -v."""
    if getattr(args, "verbosity", 0) > 0:
        print(text, file=sys.stderr)


def print_problems(problems: Problems, args: argparse.Namespace | None = None) -> None:
    """Every problem, sorted, as file:line:col: level: what; what would be right."""
    say = tr(args) if args is not None else problems.say
    for problem in problems.sorted():
        print(problem.shown(say), file=sys.stderr)
