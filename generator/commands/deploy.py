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


def _size(size: int, unit: int, decimals: int, say: Messages) -> str:
    """`size` bytes in `unit`s as the reader writes numbers (180,5 in Vietnamese, 180.5 in English), rounded
    up, so that a file over a limit never reads as exactly at it."""
    from decimal import ROUND_CEILING, Decimal

    from generator.render.formats import number
    from generator.render.labels import LANGUAGES

    shown = (Decimal(size) / unit).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_CEILING)
    return number(shown if size % unit else Decimal(size // unit), LANGUAGES[say.lang][1])


def _too_large(output: Path, say: Messages) -> bool:
    """Print what GitHub would refuse or warn about in the built site; True when it must not be published."""
    from generator.publish.sizes import GB, MB, Finding, check_sizes

    findings = check_sizes(output)
    for f in findings:
        if f.kind is Finding.SITE_TOO_LARGE:
            line = say("error: the site is {size} GB in all; GitHub Pages serves sites of at most {limit} GB",
                       size=_size(f.size, GB, 2, say), limit=_size(f.limit, GB, 2, say))
        elif f.kind is Finding.FILE_TOO_LARGE:
            line = say("{file}: error: {size} MB; GitHub refuses files larger than {limit} MB", file=f.path,
                       size=_size(f.size, MB, 1, say), limit=_size(f.limit, MB, 1, say))
        else:
            line = say("{file}: warning: {size} MB; GitHub warns about files larger than {limit} MB, but accepts "
                       "them", file=f.path, size=_size(f.size, MB, 1, say), limit=_size(f.limit, MB, 1, say))
        print(line, file=sys.stderr)
    if not any(f.refuses for f in findings):
        return False
    print(say("Not published: the site is too large for GitHub Pages. {output} is a plain folder of files: "
              "publish it on another web host instead.", output=output), file=sys.stderr)
    return True


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
        if _too_large(result.output, say):
            return 1
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
