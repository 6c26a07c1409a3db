"""`extract`: draft records from article texts or newspaper web addresses."""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.commands import print_problems, tr
from generator.extract import (
    Overrides,
    Report,
    Rules,
    extract,
    to_json,
    to_yaml,
    write_path,
)
from generator.extract.fetch import Fetcher, FetchError, download, fetch, is_address
from generator.extract.rules import RuleError
from generator.i18n import Messages, later
from generator.model.problems import Problems
from generator.model.types import Registry

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Article:
    name: str  # as given: a file or an address
    label: str  # for the draft's header
    text: str
    meta: dict[str, str]


def _read(name: str, fetcher: Fetcher) -> Article:
    """The article's text: from the file, or fetched from the address (raises FetchError)."""
    if is_address(name):
        page = fetch(name, fetcher)
        return Article(name, name, page.article(), page.meta())
    try:
        return Article(name, Path(name).name, Path(name).read_text(encoding="utf-8"), {})
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(later("{name}: error: cannot read the article as UTF-8 text ({problem}); save it as UTF-8",
                               name=name, problem=exc)) from None


def _text_file(article: Article, beside: Path | None) -> Path:
    """Where the fetched text is kept: beside the record, or in the current folder named after the address."""
    if beside is not None:
        return beside.with_suffix(".article.txt")
    tail = [p for p in article.name.split("?")[0].split("/") if p][-1]
    return Path(_UNSAFE.sub("-", tail).strip("-.")[:80] or "article").with_suffix(".txt")


def _write(args: argparse.Namespace, article: Article, output: str, draft_ok: bool, target: Path) -> str | None:
    """Write the draft under content/records/; returns an error message, or None."""
    say, site = tr(args), Path(args.site)
    if not draft_ok:
        return say("{name}: error: not written: the province, committee or year could not be settled, or the "
                   "article is not a bloc's report; give them with --province, --committee and --year",
                   name=article.name)
    if target.exists():
        return say("{name}: error: {file} already exists; not overwritten", name=article.name,
                   file=target.relative_to(site).as_posix())
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    print(say("Wrote {file}: review it, then run {prog} check", file=target.relative_to(site).as_posix(),
              prog=getattr(args, "prog", "python -m generator")), file=sys.stderr)
    return None


def _one(args: argparse.Namespace, article: Article, registry: Registry, rules: Rules) -> tuple[dict[str, Any], int]:
    overrides = Overrides(args.province, args.committee, args.year)
    draft = extract(article.text, registry, rules, overrides, article.meta)
    output = to_yaml(draft, article.label)
    result = to_json(draft, article.label)
    target = write_path(Path(args.site), draft)
    code = 0
    if args.write:
        ok = bool(draft.province and draft.committee and draft.year) and draft.report is not Report.OTHER_UNIT
        error = _write(args, article, output, ok, target)
        if error:
            print(error, file=sys.stderr)
            code = 1
        else:
            result["written"] = target.as_posix()
    if article.meta:
        kept = _text_file(article, target if args.write and code == 0 else None)
        kept.write_text(article.text, encoding="utf-8")
        result["article_text"] = kept.as_posix()
        print(tr(args)("{name}: the article's text is kept in {file} for the record's quotes", name=article.name,
                       file=kept), file=sys.stderr)
    if not args.json and not args.write:
        print(output)
    return result, code


def cmd_extract(args: argparse.Namespace, fetcher: Fetcher = download) -> int:
    from generator.load import registry as registry_mod

    say: Messages = tr(args)
    problems = Problems(say=say)
    registry = registry_mod.load(Path(args.site), problems)
    if problems.errors:
        print_problems(problems, args)
        return 1
    try:
        rules = Rules.load()
    except RuleError as exc:  # the rules file that comes with the program was edited
        print(say(exc.text), file=sys.stderr)
        return 1
    code = 0
    results = []
    for name in args.articles:
        try:
            article = _read(name, fetcher)
        except FetchError as exc:
            print(say(exc.text), file=sys.stderr)
            code = 1
            continue
        except OSError as exc:
            print(say("{name}: error: {problem}", name=name, problem=exc), file=sys.stderr)
            code = 1
            continue
        result, status = _one(args, article, registry, rules)
        results.append(result)
        code = max(code, status)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return code
