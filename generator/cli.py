"""Command line: `python -m generator check|build|serve|deploy|init`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .problems import Problems


def _print_problems(problems: Problems) -> None:
    for problem in problems.sorted():
        print(problem, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .load import load_site

    problems = Problems()
    load_site(Path(args.site), problems)
    _print_problems(problems)
    errors, warnings = len(problems.errors), len(problems.warnings)
    if errors or (args.strict and warnings):
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    print(f"OK: no errors, {warnings} warning(s)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    problems = Problems()
    result = build(Path(args.site), problems, output=Path(args.output) if args.output else None,
                   base_url=args.base_url, strict=args.strict)
    _print_problems(problems)
    if result is None:
        print(f"Build failed: {len(problems.errors)} error(s); the previous output was left as it was.",
              file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(Path(args.site), args.host, args.port, args.open)


def cmd_deploy(args: argparse.Namespace) -> int:
    import os

    from ghp_import import GhpError

    from .build import build
    from .deploy import deploy

    problems = Problems()
    site = Path(args.site)
    result = build(site, problems)
    _print_problems(problems)
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


def cmd_init(args: argparse.Namespace) -> int:
    from .init import init

    target = Path(args.dir)
    try:
        files = init(target)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Created a new portal in {target} ({len(files)} files). Next: "
          f"python -m generator build --site {target}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from . import registry as registry_mod
    from .extract import extract, to_yaml, write_path

    site = Path(args.site)
    problems = Problems()
    registry = registry_mod.load(site, problems)
    if problems.errors:
        _print_problems(problems)
        return 1
    code = 0
    for name in args.articles:
        article = Path(name)
        try:
            text = article.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}: error: cannot read the article as UTF-8 text ({exc}); save it as UTF-8", file=sys.stderr)
            code = 1
            continue
        draft = extract(text, registry, args.province, args.committee, args.year)
        output = to_yaml(draft, article.name)
        if not args.write:
            print(output)
            continue
        if not (draft.province and draft.committee and draft.year) or draft.province_wide:
            print(f"{name}: error: not written: the province, committee or year could not be settled; "
                  "give them with --province, --committee and --year", file=sys.stderr)
            code = 1
            continue
        target = write_path(site, draft)
        if target.exists():
            print(f"{name}: error: {target.relative_to(site)} already exists; not overwritten", file=sys.stderr)
            code = 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(output, encoding="utf-8")
        print(f"Wrote {target.relative_to(site)}: review it, then run python -m generator check")
    return code


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def site_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--site", default=".", help="the site folder (with site.yaml); default: .")
        sp.add_argument("--strict", action="store_true", help="treat warnings as errors")

    c = sub.add_parser("check", help="check site.yaml, registries and records")
    site_args(c)
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="check, then build the static site")
    site_args(b)
    b.add_argument("--output", help="output folder (default: output_dir from site.yaml)")
    b.add_argument("--base-url", help="override base_url from site.yaml")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("serve", help="build, serve and rebuild on every change, reloading open pages")
    s.add_argument("--site", default=".", help="the site folder (with site.yaml); default: .")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.set_defaults(func=cmd_serve)

    d = sub.add_parser("deploy", help="build and push the output to the gh-pages branch")
    d.add_argument("--site", default=".", help="the site folder (with site.yaml); default: .")
    d.add_argument("--remote", default="origin", help="git remote to push to (default origin)")
    d.add_argument("--branch", default="gh-pages", help="branch to publish (default gh-pages)")
    d.add_argument("--message", default="Publish the portal", help="commit message")
    d.set_defaults(func=cmd_deploy)

    x = sub.add_parser("extract", help="draft a record from the text of a newspaper article")
    x.add_argument("articles", nargs="+", metavar="ARTICLE.txt", help="article text (UTF-8); the first line may be "
                   "'SOURCE: url | publisher | date'")
    x.add_argument("--site", default=".", help="the site folder (for the registries); default: .")
    x.add_argument("--province", help="province slug, when the article does not name it")
    x.add_argument("--committee", help="committee id, when the article is unclear")
    x.add_argument("--year", type=int, help="the year the results describe")
    x.add_argument("--write", action="store_true", help="write the draft under content/records/ (never overwrites)")
    x.set_defaults(func=cmd_extract)

    i = sub.add_parser("init", help="create a new portal skeleton in DIR")
    i.add_argument("dir", help="a new or empty folder")
    i.set_defaults(func=cmd_init, site=".")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not Path(args.site).is_dir():
        print(f"{args.site}: error: no such site folder; give the folder that holds site.yaml",
              file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("Interrupted; the previous output was left as it was.", file=sys.stderr)
        return 130
