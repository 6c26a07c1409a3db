"""Command line: `portal check|build|serve|deploy|extract|init` (or `python -m generator …`).

Argument parsing only: each command is a module in `generator.commands`. Options follow MkDocs and
Hugo: `--version`, `-q`/`-v`, short forms for the common options, and documented exit codes.
"""
from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator import __version__
from generator.commands import build, check, deploy, extract, init, serve
from generator.i18n import ENVIRONMENT, choose, messages

MODULE_PROG = "python -m generator"
EXIT_CODES = """exit codes:
  0    {ok}
  1    {fail}
  2    the command line is wrong (an unknown option, a missing site folder){more}
  130  interrupted with Ctrl+C; the previous output was left as it was"""
COMMANDS: dict[str, tuple[str, str, str]] = {  # name: (one line, what 0 means, what 1 means)
    "check": ("check site.yaml, registries, records, pages and templates, as build would, writing nothing",
              "no errors (warnings too, with --strict)", "problems were found; each is printed as file:line:col"),
    "build": ("check, then build the static site into the output folder",
              "the site was built", "problems were found; nothing was written"),
    "serve": ("build, serve on this computer and rebuild on every change, reloading open pages",
              "the preview was stopped", "not used"),
    "deploy": ("build and publish the output to the gh-pages branch, keeping what is already published",
               "published, or already up to date", "refused (wrong base_url), the build failed, or the push failed"),
    "extract": ("draft a record from a newspaper article (a text file or a web address)",
                "every draft was made", "an article could not be read or a draft not written"),
    "init": ("create a new portal skeleton in DIR that builds at once", "the portal was created", "not used"),
}


def prog_name(argv0: str) -> str:
    """How the program was started: `portal` for the installed command, else `python -m generator`."""
    name = Path(argv0).name
    name = name[:-4] if name.lower().endswith(".exe") else name
    return MODULE_PROG if name in ("__main__.py", "-m", "-c", "") else name


def _epilog(command: str) -> str:
    _, ok, fail = COMMANDS[command]
    more = "; also a busy port that no free port near it can replace" if command == "serve" else (
        "; also a folder that is not empty" if command == "init" else "")
    return EXIT_CODES.format(ok=ok, fail=fail, more=more)


def _common(sp: argparse.ArgumentParser, site: bool = True) -> None:
    if site:
        sp.add_argument("-s", "--site", default=".", help="the site folder (with site.yaml); default: .")
    sp.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", default=0,
                    help="print only problems")
    sp.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity", help="print each stage too")
    sp.add_argument("-L", "--lang", choices=("vi", "en"),
                    help=f"language of messages (default: ${ENVIRONMENT}, else the site's language)")


def _sub(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> argparse.ArgumentParser:
    line = COMMANDS[name][0]
    return sub.add_parser(name, help=line, description=line[0].upper() + line[1:] + ".", epilog=_epilog(name),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def parser(prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description="Build the portal of provincial party-committee bloc "
                                "results from its YAML records.", epilog=EXIT_CODES.format(
                                    ok="success", fail="problems were found (see each command's --help)", more=""),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           title="commands (COMMAND --help for each one's options)")

    c = _sub(sub, "check")
    _common(c)
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.set_defaults(func=check.cmd_check)

    b = _sub(sub, "build")
    _common(b)
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("-o", "--output", help="output folder (default: output_dir from site.yaml)")
    b.add_argument("-b", "--base-url", help="override base_url from site.yaml")
    b.add_argument("--clean", action="store_true", help="build from scratch: neither read nor update "
                   "what builds keep in .portal-cache/")
    b.set_defaults(func=build.cmd_build)

    s = _sub(sub, "serve")
    _common(s)
    s.add_argument("-a", "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("-p", "--port", type=int, default=8000, help="port (default 8000; the next free one if busy)")
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.set_defaults(func=serve.cmd_serve)

    d = _sub(sub, "deploy")
    _common(d)
    d.add_argument("-r", "--remote", default="origin", help="git remote to push to (default origin)")
    d.add_argument("--branch", default="gh-pages", help="branch to publish (default gh-pages)")
    d.add_argument("-m", "--message", default="Publish the portal", help="commit message")
    d.add_argument("-b", "--base-url", help="the address the site is served at, e.g. https://<user>.github.io/<repo>/ "
                   "(default: base_url from site.yaml)")
    d.add_argument("--force", action="store_true", help="start the branch afresh, dropping its published history "
                   "(the commits that would be lost are named first)")
    d.set_defaults(func=deploy.cmd_deploy)

    x = _sub(sub, "extract")
    x.add_argument("articles", nargs="+", metavar="ARTICLE", help="an article's text file (UTF-8; the first line may "
                   "be 'SOURCE: url | publisher | date') or its web address (https://…)")
    _common(x)
    x.add_argument("--province", help="province slug, when the article does not name it")
    x.add_argument("--committee", help="committee id, when the article is unclear")
    x.add_argument("--year", type=int, help="the year the results describe")
    x.add_argument("-w", "--write", action="store_true", help="write the draft under content/records/ (never "
                   "overwrites)")
    x.add_argument("--json", action="store_true", help="print the drafts as JSON (for tools) instead of YAML")
    x.set_defaults(func=extract.cmd_extract)

    i = _sub(sub, "init")
    i.add_argument("dir", help="a new or empty folder")
    _common(i, site=False)
    i.set_defaults(func=init.cmd_init, site=".")
    return p


def _can_write(stream: TextIO, text: str) -> bool:
    try:
        text.encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def safe_streams() -> None:
    """A console that cannot show Vietnamese (cp1252, cp1258 without precomposed letters) gets
    replacement marks instead of a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and not _can_write(stream, "Đảng bộ Khối – “đạt”"):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    safe_streams()
    name = prog or prog_name(sys.argv[0])
    try:
        args = parser(name).parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.tr = say = messages(choose(args.lang, Path(args.site)))
    args.prog = name
    if not Path(args.site).is_dir():
        print(say("{site}: error: no such site folder; give the folder that holds site.yaml", site=args.site),
              file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print(say("Interrupted; the previous output was left as it was."), file=sys.stderr)
        return 130
