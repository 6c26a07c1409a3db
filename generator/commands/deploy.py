"""`deploy`: build and publish to a gh-pages branch."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def cmd_deploy(args: argparse.Namespace) -> int:
    import os

    from ghp_import import GhpError

    from generator.pipeline import build
    from generator.publish.ghpages import deploy

    problems = Problems()
    site = Path(args.site)
    result = build(site, problems)
    print_problems(problems)
    if result is None:
        print("Not published: the build failed.", file=sys.stderr)
        return 1
    cwd = os.getcwd()
    try:
        os.chdir(site)  # ghp-import works on the git repository of the current folder
        url = deploy(site, result.output, result.config, args.remote, args.branch, args.message)
    except (ValueError, GhpError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        os.chdir(cwd)
    print(f"Published to {url}")
    return 0
