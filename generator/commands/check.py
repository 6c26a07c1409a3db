"""`check`: everything `build` checks, in the same order and with the same functions, writing nothing.

Load and validate first; when they pass, every page is rendered in memory and its links checked, so a
template error or a broken link is reported by `check` at the same place `build` would report it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import detail, info, print_problems, tr
from generator.model.problems import ERROR, WARNING, Problems


def check_site(root: Path, problems: Problems, args: argparse.Namespace | None = None) -> None:
    """Collect into `problems` everything a build of `root` would report, without writing anything."""
    from generator.load.site import load_site
    from generator.output import linkcheck
    from generator.pipeline import render_site

    site = load_site(root, problems)
    if site is None or problems.errors:
        return  # the build stops here too: rendering needs a site that loads
    if args is not None:
        say = tr(args)
        detail(args, say("Loaded {records} records; rendering every page", records=len(site.records)))
    rendered = render_site(site, problems)
    if rendered is None:
        return
    level = ERROR if site.config.link_check == "error" else WARNING
    problems.extend(linkcheck.check(rendered[1], site.config.base_path, level))


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
