"""`build`: check, then build the static site."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def option_problems(site: Path, output: str | None, base_url: str | None) -> list[str]:
    """Messages for a bad --output or --base-url, each naming the option (nothing is built then)."""
    from generator.load.config import base_url_problem, output_problem

    found = []
    if output is not None:
        problem = output_problem(site, Path(output) if Path(output).is_absolute() else Path.cwd() / output)
        if problem:
            found.append(f"--output {output}: error: {problem}; give a folder of its own, e.g. --output output")
    if base_url is not None:
        problem = base_url_problem(base_url)
        if problem:
            found.append(f"--base-url {base_url[:80]}: error: {problem}; "
                         "give / or /portal/ or https://example.org/portal/")
    return found


def cmd_build(args: argparse.Namespace) -> int:
    from generator import cache
    from generator.pipeline import build

    refused = option_problems(Path(args.site), args.output, args.base_url)
    for line in refused:
        print(line, file=sys.stderr)
    if refused:
        return 1
    problems = Problems()
    site = Path(args.site)
    kept = None if args.clean else cache.load(site)  # what the last build kept, in .portal-cache/
    result = build(site, problems, output=Path(args.output) if args.output else None,
                   base_url=args.base_url, strict=args.strict, cache=kept, in_place=False)
    if result is not None and kept is not None:
        cache.save(site, kept)
    print_problems(problems)
    if result is None:
        print(f"Build failed: {len(problems.errors)} error(s); the previous output was left as it was.",
              file=sys.stderr)
        return 1
    print(result.summary())
    return 0
