"""`extract`: draft records from article texts."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def cmd_extract(args: argparse.Namespace) -> int:
    from generator.extract import extract, to_yaml, write_path
    from generator.load import registry as registry_mod

    site = Path(args.site)
    problems = Problems()
    registry = registry_mod.load(site, problems)
    if problems.errors:
        print_problems(problems)
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
