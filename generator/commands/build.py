"""`build`: check, then build the static site."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def cmd_build(args: argparse.Namespace) -> int:
    from generator.pipeline import build

    problems = Problems()
    result = build(Path(args.site), problems, output=Path(args.output) if args.output else None,
                   base_url=args.base_url, strict=args.strict)
    print_problems(problems)
    if result is None:
        print(f"Build failed: {len(problems.errors)} error(s); the previous output was left as it was.",
              file=sys.stderr)
        return 1
    print(result.summary())
    return 0
