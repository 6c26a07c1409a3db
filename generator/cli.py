"""Command line: `python -m generator check|build|serve|deploy|init`."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.commands import build, check, deploy, extract, init, serve


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def site_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--site", default=".", help="the site folder (with site.yaml); default: .")
        sp.add_argument("--strict", action="store_true", help="treat warnings as errors")

    c = sub.add_parser("check", help="check site.yaml, registries and records")
    site_args(c)
    c.set_defaults(func=check.cmd_check)

    b = sub.add_parser("build", help="check, then build the static site")
    site_args(b)
    b.add_argument("--output", help="output folder (default: output_dir from site.yaml)")
    b.add_argument("--base-url", help="override base_url from site.yaml")
    b.add_argument("--clean", action="store_true", help="build from scratch: neither read nor update "
                   "what builds keep in .portal-cache/")
    b.set_defaults(func=build.cmd_build)

    s = sub.add_parser("serve", help="build, serve and rebuild on every change, reloading open pages")
    s.add_argument("--site", default=".", help="the site folder (with site.yaml); default: .")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.set_defaults(func=serve.cmd_serve)

    d = sub.add_parser("deploy", help="build and push the output to the gh-pages branch")
    d.add_argument("--site", default=".", help="the site folder (with site.yaml); default: .")
    d.add_argument("--remote", default="origin", help="git remote to push to (default origin)")
    d.add_argument("--branch", default="gh-pages", help="branch to publish (default gh-pages)")
    d.add_argument("--message", default="Publish the portal", help="commit message")
    d.add_argument("--base-url", help="the address the site is served at, e.g. https://<user>.github.io/<repo>/ "
                   "(default: base_url from site.yaml)")
    d.add_argument("--force", action="store_true", help="start the branch afresh, dropping its published history "
                   "(the commits that would be lost are named first)")
    d.set_defaults(func=deploy.cmd_deploy)

    x = sub.add_parser("extract", help="draft a record from a newspaper article (a text file or a web address)")
    x.add_argument("articles", nargs="+", metavar="ARTICLE", help="an article's text file (UTF-8; the first line may "
                   "be 'SOURCE: url | publisher | date') or its web address (https://…)")
    x.add_argument("--site", default=".", help="the site folder (for the registries); default: .")
    x.add_argument("--province", help="province slug, when the article does not name it")
    x.add_argument("--committee", help="committee id, when the article is unclear")
    x.add_argument("--year", type=int, help="the year the results describe")
    x.add_argument("--write", action="store_true", help="write the draft under content/records/ (never overwrites)")
    x.add_argument("--json", action="store_true", help="print the drafts as JSON (for tools) instead of YAML")
    x.set_defaults(func=extract.cmd_extract)

    i = sub.add_parser("init", help="create a new portal skeleton in DIR")
    i.add_argument("dir", help="a new or empty folder")
    i.set_defaults(func=init.cmd_init, site=".")
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
