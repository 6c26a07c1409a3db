"""`deploy`: build and publish to a gh-pages branch, never destroying what is already published."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def _base_url_refusal(site: Path, base_url: str | None, remote_url: str) -> str | None:
    """A located message when the site would be published under the wrong address, else None."""
    from dataclasses import replace

    from generator.load import yamlfile
    from generator.load.config import CONFIG_FILE, load
    from generator.publish.ghpages import expected_base

    config = load(site, Problems())
    if config is None:
        return None  # the build reports what is wrong with site.yaml
    if base_url:
        config = replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")
    wanted = expected_base(config, remote_url)
    if wanted is None:
        return None
    if base_url:
        return (f"--base-url {base_url}: error: the site will be served at {wanted}, so every link would break; "
                f"pass --base-url {wanted}")
    data = yamlfile.load(site / CONFIG_FILE, CONFIG_FILE, Problems())
    line, column = data.where("base_url") if isinstance(data, yamlfile.YMap) and "base_url" in data else (1, 1)
    return (f"{CONFIG_FILE}:{line}:{column}: error: base_url is '{config.base_url}', but the site will be served at "
            f"{wanted}, so every link would break; put this line in site.yaml: base_url: {wanted} "
            f"(or pass --base-url {wanted})")


def cmd_deploy(args: argparse.Namespace) -> int:
    from generator.commands.build import option_problems
    from generator.pipeline import build
    from generator.publish.ghpages import DeployError, describe_drop, publish, published_url, target

    site = Path(args.site)
    refused = option_problems(site, None, args.base_url)
    try:
        where = target(site, args.remote, args.branch)
    except DeployError as exc:
        refused.append(f"error: {exc}")
    else:
        refused += [m for m in [_base_url_refusal(site, args.base_url, where.remote_url)] if m]
    for line in refused:
        print(line, file=sys.stderr)
    if refused:
        return 1
    problems = Problems()
    result = build(site, problems, base_url=args.base_url)
    print_problems(problems)
    if result is None:
        print("Not published: the build failed.", file=sys.stderr)
        return 1
    try:
        if args.force:
            print(describe_drop(where), file=sys.stderr)
        done = publish(where, result.output, result.config, args.message, args.force)
    except DeployError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    url = published_url(result.config, where.remote_url)
    if done.commit is None:
        print(f"Nothing changed since the last publication; {url} is up to date.")
        return 0
    print(f"Published to {url} (commit {done.commit[:7]} on {where.remote}/{where.branch})")
    return 0
