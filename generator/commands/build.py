"""`build`: check, then build the static site."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import detail, info, print_problems, tr
from generator.i18n import Messages, messages
from generator.model.problems import Problems


def option_problems(site: Path, output: str | None, base_url: str | None,
                    say: Messages | None = None) -> list[str]:
    """Messages for a bad --output or --base-url, each naming the option (nothing is built then)."""
    from generator.load.config import base_url_problem, output_problem

    say = say or messages("en")
    found = []
    if output is not None:
        problem = output_problem(site, Path(output) if Path(output).is_absolute() else Path.cwd() / output)
        if problem:
            found.append(say("--output {output}: error: {problem}; give a folder of its own, e.g. --output output",
                             output=output, problem=problem))
    if base_url is not None:
        problem = base_url_problem(base_url)
        if problem:
            found.append(say("--base-url {base_url}: error: {problem}; give / or /portal/ or "
                             "https://example.org/portal/", base_url=base_url[:80], problem=problem))
    return found


def cmd_build(args: argparse.Namespace) -> int:
    from generator import cache
    from generator.pipeline import build

    say = tr(args)
    refused = option_problems(Path(args.site), args.output, args.base_url, say)
    for line in refused:
        print(line, file=sys.stderr)
    if refused:
        return 1
    problems = Problems(say=say)
    site = Path(args.site)
    kept = None if args.clean else cache.load(site)  # what the last build kept, in .portal-cache/
    result = build(site, problems, output=Path(args.output) if args.output else None,
                   base_url=args.base_url, strict=args.strict, cache=kept, in_place=False,
                   on_stage=lambda stage: detail(args, say("Stage done: {stage}", stage=stage)))
    if result is not None and kept is not None:
        cache.save(site, kept)
    print_problems(problems, args)
    if result is None:
        print(say("Build failed: {errors} error(s); the previous output was left as it was.",
                  errors=len(problems.errors)), file=sys.stderr)
        return 1
    info(args, say("Built {pages} pages from {records} records in {seconds} s", pages=result.pages,
                   records=result.records, seconds=f"{result.seconds:.2f}"))
    return 0
