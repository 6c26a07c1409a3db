"""Command line: `portal check|build|serve|deploy|extract|init` (or `python -m generator …`).

Argument parsing only: each command is a module in `generator.commands`. Options follow MkDocs and
Hugo: `--version`, `-q`/`-v`, short forms for the common options, and documented exit codes.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from generator import __version__
from generator.commands import build, check, deploy, init, serve
from generator.i18n import ENVIRONMENT, Messages, Text, choose, later, messages

MODULE_PROG = "python -m generator"
COMMANDS: dict[str, tuple[Text, Text, Text]] = {  # name: (one line, what 0 means, what 1 means)
    "check": (later("Check site.yaml, registries, records, pages and templates, as build would, writing nothing."),
              later("no errors (warnings too, with --strict)"),
              later("problems were found; each is printed as file:line:col")),
    "build": (later("Check, then build the static site into the output folder."),
              later("the site was built"), later("problems were found; nothing was written")),
    "serve": (later("Build, serve on this computer and rebuild on every change, reloading open pages."),
              later("the preview was stopped"), later("not used")),
    "deploy": (later("Build and publish the output to the gh-pages branch, keeping what is already published."),
               later("published, or already up to date"),
               later("refused (wrong base_url), the build failed, or the push failed")),
    "extract": (later("Draft a record from a newspaper article (a text file or a web address)."),
                later("every draft was made"), later("an article could not be read or a draft not written")),
    "init": (later("Create a new portal skeleton in DIR that builds at once."), later("the portal was created"),
             later("not used")),
}
# argparse's own error messages (as Python 3.10 to 3.13 write them) and their msgids here.
ARGPARSE_ERRORS: tuple[tuple[re.Pattern[str], Text], ...] = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"),
     later("the following arguments are required: {names}")),
    (re.compile(r"unrecognized arguments: (?P<arguments>.+)"), later("unrecognized arguments: {arguments}")),
    (re.compile(r"argument (?P<name>\S+): (?P<message>.+)", re.S), later("argument {name}: {message}")),
    (re.compile(r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     later("invalid choice: {value} (choose from {choices})")),
    (re.compile(r"invalid (?P<kind>\w+) value: (?P<value>.+)"), later("invalid {kind} value: {value}")),
    (re.compile(r"expected one argument"), later("expected one argument")),
    (re.compile(r"expected at least one argument"), later("expected at least one argument")),
    (re.compile(r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)"),
     later("ambiguous option: {option} could match {matches}")),
)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's layout, with its "usage:" heading in the maintainers' language."""

    def __init__(self, prog: str, say: Messages, **options: Any) -> None:
        super().__init__(prog, **options)
        self.say = say

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, self.say("usage: ") if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, --help line and errors are in the maintainers' language."""

    def __init__(self, say: Messages, **options: Any) -> None:
        super().__init__(add_help=False, formatter_class=functools.partial(HelpFormatter, say=say), **options)
        self.say = say
        # argparse names its two default sections itself; these are their titles in the chosen language
        self._positionals.title = say("positional arguments")
        self._optionals.title = say("options")
        self.add_argument("-h", "--help", action="help", help=say("show this help message and exit"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, self.say("{prog}: error: {message}", prog=self.prog, message=argparse_message(message,
                                                                                                   self.say)) + "\n")



def _extract(*args: Any, **kwargs: Any) -> Any:
    """`extract`, imported when it runs: its HTML and fetching libraries would slow every other command."""
    return importlib.import_module("generator.commands.extract").cmd_extract(*args, **kwargs)

def argparse_message(message: str, say: Messages) -> str:
    """One of argparse's own error messages in the maintainers' language (as it is when not known)."""
    for pattern, text in ARGPARSE_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            values = found.groupdict()
            if "message" in values:
                values["message"] = argparse_message(values["message"], say)
            return say(text.msgid, **values)
    return message


def prog_name(argv0: str) -> str:
    """How the program was started: `portal` for the installed command, else `python -m generator`."""
    name = Path(argv0).name
    name = name[:-4] if name.lower().endswith(".exe") else name
    return MODULE_PROG if name in ("__main__.py", "-m", "-c", "") else name


def _exit_codes(say: Messages, ok: Text, fail: Text, more: Text | None = None) -> str:
    wrong = say("the command line is wrong (an unknown option, a missing site folder)")
    rows = [("0", say(ok)), ("1", say(fail)), ("2", f"{wrong}; {say(more)}" if more else wrong),
            ("130", say("interrupted with Ctrl+C; the previous output was left as it was"))]
    return say("exit codes:") + "\n" + "\n".join(f"  {code:<5}{text}" for code, text in rows)


def _epilog(command: str, say: Messages) -> str:
    _, ok, fail = COMMANDS[command]
    more = later("also a busy port that no free port near it can replace") if command == "serve" else (
        later("also a folder that is not empty") if command == "init" else None)
    return _exit_codes(say, ok, fail, more)


def _common(sp: Parser, site: bool = True) -> None:
    say = sp.say
    if site:
        sp.add_argument("-s", "--site", default=".", help=say("the site folder (with site.yaml); default: ."))
    sp.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", default=0,
                    help=say("print only problems"))
    sp.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity",
                    help=say("print each stage too"))
    sp.add_argument("-L", "--lang", choices=("vi", "en"),
                    help=say("language of messages: vi (Vietnamese) or en (English); default: ${variable}, else "
                             "the site's language", variable=ENVIRONMENT))


def _sub(sub: argparse._SubParsersAction[Parser], name: str, say: Messages) -> Parser:
    line = say(COMMANDS[name][0])
    return sub.add_parser(name, help=line.rstrip("."), description=line, epilog=_epilog(name, say), say=say)


def _check(c: Parser) -> None:
    c.add_argument("--strict", action="store_true", help=c.say("treat warnings as errors"))
    c.set_defaults(func=check.cmd_check)


def _build(b: Parser) -> None:
    say = b.say
    b.add_argument("--strict", action="store_true", help=say("treat warnings as errors"))
    b.add_argument("-o", "--output", help=say("output folder (default: output_dir from site.yaml)"))
    b.add_argument("-b", "--base-url", help=say("override base_url from site.yaml"))
    b.add_argument("--clean", action="store_true", help=say("build from scratch: neither read nor update what "
                                                            "builds keep in .portal-cache/"))
    b.set_defaults(func=build.cmd_build)


def _serve(s: Parser) -> None:
    say = s.say
    s.add_argument("-a", "--host", default="127.0.0.1", help=say("address to listen on (default 127.0.0.1)"))
    s.add_argument("-p", "--port", type=int, default=8000,
                   help=say("port (default 8000; the next free one if busy)"))
    s.add_argument("--open", action="store_true", help=say("open the site in a web browser"))
    s.add_argument("--poll", action="store_true",
                   help=say("look at the site's files every half second instead of waiting for the system to "
                            "say they changed (on a network drive, or a Windows folder seen from WSL); chosen by "
                            "itself when no change is heard"))
    s.set_defaults(func=serve.cmd_serve)


def _deploy(d: Parser) -> None:
    say = d.say
    d.add_argument("-r", "--remote", default="origin", help=say("git remote to push to (default origin)"))
    d.add_argument("--branch", default="gh-pages", help=say("branch to publish (default gh-pages)"))
    d.add_argument("-m", "--message", default="Publish the portal", help=say("commit message"))
    d.add_argument("-b", "--base-url", help=say("the address the site is served at, e.g. "
                                                "https://<user>.github.io/<repo>/ (default: base_url from site.yaml)"))
    d.add_argument("--force", action="store_true", help=say("start the branch afresh, dropping its published "
                                                            "history (the commits that would be lost are named "
                                                            "first)"))
    d.set_defaults(func=deploy.cmd_deploy)


def _extract_options(x: Parser) -> None:
    say = x.say
    x.add_argument("--province", help=say("province slug, when the article does not name it"))
    x.add_argument("--committee", help=say("committee id, when the article is unclear"))
    x.add_argument("--year", type=int, help=say("the year the results describe"))
    x.add_argument("-w", "--write", action="store_true",
                   help=say("write the draft under content/records/ (never overwrites)"))
    x.add_argument("--json", action="store_true", help=say("print the drafts as JSON (for tools) instead of YAML"))
    x.set_defaults(func=_extract)


def _articles(x: Parser) -> None:
    x.add_argument("articles", nargs="+", metavar="ARTICLE", help=x.say(
        "an article's text file (UTF-8; the first line may be 'SOURCE: url | publisher | date') or its web "
        "address (https://…)"))


def _folder(i: Parser) -> None:
    i.add_argument("dir", metavar="DIR", help=i.say("a new or empty folder"))


def _init(i: Parser) -> None:
    i.set_defaults(func=init.cmd_init, site=".")


# Each command's own arguments, before and after the options every command has (`_common`).
_ARGUMENTS: dict[str, tuple[Callable[[Parser], None] | None, Callable[[Parser], None]]] = {
    "check": (None, _check),
    "build": (None, _build),
    "serve": (None, _serve),
    "deploy": (None, _deploy),
    "extract": (_articles, _extract_options),
    "init": (_folder, _init),
}


def parser(prog: str = MODULE_PROG, say: Messages | None = None, command: str | None = None) -> Parser:
    """The command line, its help and its errors in the language of `say` (English by default).

    Given the `command` about to run, only its arguments are set up (the others are listed by name
    and line, as in the main --help): a parser with every command's arguments takes longer to make
    than most checks take to run."""
    say = say or messages("en")
    p = Parser(say, prog=prog, description=say("Build the portal of provincial party-committee bloc results from "
                                               "its YAML records."),
               epilog=_exit_codes(say, later("success"), later("problems were found (see each command's --help)")))
    p.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}",
                   help=say("show the program's version number and exit"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           title=say("commands (COMMAND --help for each one's options)"))
    for name, (before, after) in _ARGUMENTS.items():
        sp = _sub(sub, name, say)
        if command in (None, name):
            if before:
                before(sp)
            _common(sp, site=name != "init")
            after(sp)
    return p


def language(argv: Sequence[str] | None) -> Messages:
    """The messages for this command line, chosen before it is parsed so that --help and usage errors
    are in that language too: --lang, else $PORTAL_LANG, else the language of the site given by --site."""
    early = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    early.add_argument("-L", "--lang")
    early.add_argument("-s", "--site", default=".")
    try:
        known, _ = early.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit:  # e.g. --lang without a value: the real parser says what is wrong
        return messages(choose(None, Path(".")))
    return messages(choose(known.lang, Path(known.site)))


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


def run(prog: str | None = None) -> NoReturn:
    """The command line as a process (`python -m generator`, `portal`): `main`, then the process ends at
    once. When `main` returns, everything is written and closed (output, cache, temporary folders, render
    workers); a normal exit would then free the build's millions of objects one by one, after a last
    pass of the cycle collector over them: most of a second of a one-record build at national scale."""
    code = main(prog=prog)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing left to tell
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    safe_streams()
    name = prog or prog_name(sys.argv[0])
    say = language(argv)
    try:
        given = list(sys.argv[1:] if argv is None else argv)
        chosen = given[0] if given and given[0] in COMMANDS else None
        args = parser(name, say, chosen).parse_args(given)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    args.tr = say
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
