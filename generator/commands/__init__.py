"""One module per command; `generator.cli` only parses arguments and dispatches."""
from __future__ import annotations

import sys

from generator.model.problems import Problems


def print_problems(problems: Problems) -> None:
    for problem in problems.sorted():
        print(problem, file=sys.stderr)
