"""`check`: load and validate everything, print located problems."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def cmd_check(args: argparse.Namespace) -> int:
    from generator.load.site import load_site

    problems = Problems()
    load_site(Path(args.site), problems)
    print_problems(problems)
    errors, warnings = len(problems.errors), len(problems.warnings)
    if errors or (args.strict and warnings):
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    print(f"OK: no errors, {warnings} warning(s)")
    return 0
