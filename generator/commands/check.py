"""`check`: everything `build` checks, in the same order and with the same functions, writing nothing.

Load and validate first; when they pass, every page is made as a build makes it and its links checked,
so a template error or a broken link is reported by `check` at the same place `build` would report it.
What the last build kept in `.portal-cache/` is read (never written): after one edit, only what the
edit changed is made again.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands import detail, info, print_problems, tr
from generator.model.problems import Problems

if TYPE_CHECKING:
    from generator.load.site import Site


def check_site(root: Path, problems: Problems, args: argparse.Namespace | None = None) -> None:
    """Collect into `problems` everything a build of `root` would report, without writing anything."""
    from generator import cache
    from generator.pipeline import check

    def loaded(site: Site) -> None:
        if args is not None:
            say = tr(args)
            detail(args, say("Loaded {records} records; checking every page", records=len(site.records)))

    kept = cache.load(root)
    check(root, problems, kept if kept.read else None, loaded)


def cmd_check(args: argparse.Namespace) -> int:
    say = tr(args)
    problems = Problems(say=say)
    check_site(Path(args.site), problems, args)
    print_problems(problems, args)
    errors, warnings = len(problems.errors), len(problems.warnings)
    if errors or (args.strict and warnings):
        print(say("{errors} error(s), {warnings} warning(s)", errors=errors, warnings=warnings), file=sys.stderr)
        return 1
    info(args, say("OK: no errors, {warnings} warning(s)", warnings=warnings))
    return 0
