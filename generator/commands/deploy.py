"""`deploy`: build and publish to a gh-pages branch, never destroying what is already published."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import info, print_problems, tr
from generator.i18n import Messages
from generator.model.problems import Problems


def _base_url_refusal(site: Path, base_url: str | None, remote_url: str, say: Messages) -> str | None:
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
        return say("--base-url {base_url}: error: the site will be served at {wanted}, so every link would break; "
                   "pass --base-url {wanted}", base_url=base_url, wanted=wanted)
    data = yamlfile.load(site / CONFIG_FILE, CONFIG_FILE, Problems())
    line, column = data.where("base_url") if isinstance(data, yamlfile.YMap) and "base_url" in data else (1, 1)
    return say("{file}:{line}:{column}: error: base_url is '{base_url}', but the site will be served at "
               "{wanted}, so every link would break; put this line in site.yaml: base_url: {wanted} "
               "(or pass --base-url {wanted})", file=CONFIG_FILE, line=line, column=column,
               base_url=config.base_url, wanted=wanted)


def cmd_deploy(args: argparse.Namespace) -> int:
    from generator.commands.build import option_problems
    from generator.pipeline import build
    from generator.publish.ghpages import DeployError, describe_drop, publish, published_url, target

    say = tr(args)
    site = Path(args.site)
    refused = option_problems(site, None, args.base_url, say)
    try:
        where = target(site, args.remote, args.branch)
    except DeployError as exc:
        refused.append(say("error: {problem}", problem=exc.text))
    else:
        refused += [m for m in [_base_url_refusal(site, args.base_url, where.remote_url, say)] if m]
    for line in refused:
        print(line, file=sys.stderr)
    if refused:
        return 1
    problems = Problems(say=say)
    result = build(site, problems, base_url=args.base_url)
    print_problems(problems, args)
    if result is None:
        print(say("Not published: the build failed."), file=sys.stderr)
        return 1
    try:
        if args.force:
            print(say(describe_drop(where)), file=sys.stderr)
        done = publish(where, result.output, result.config, args.message, args.force)
    except DeployError as exc:
        print(say("error: {problem}", problem=exc.text), file=sys.stderr)
        return 1
    url = published_url(result.config, where.remote_url)
    if done.commit is None:
        info(args, say("Nothing changed since the last publication; {url} is up to date.", url=url))
        return 0
    info(args, say("Published to {url} (commit {commit} on {remote}/{branch})", url=url, commit=done.commit[:7],
                   remote=where.remote, branch=where.branch))
    return 0
