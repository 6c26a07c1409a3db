"""Score `generator extract` on the development articles, honestly.

    python scripts/score_extract.py            # cross-validated (two halves) and in-sample scores
    python scripts/score_extract.py --loo      # also leave-one-out over the rules' article tags
    python scripts/score_extract.py -v         # one line per article
    python scripts/score_extract.py --strict   # vocabulary tagged "general NN" counts as article NN's

Cross-validation: the articles are split into two halves (odd- and even-numbered, two seeds each).
Each half is read with the rules minus every alternative that rules.yaml says was written only for
articles of that half; then the halves swap. See docs/extract.md for what this does and does not
hold out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.extract import Rules  # noqa: E402
from tests.extract_oracle import cross_validate, leave_one_out, load, score  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--loo", action="store_true", help="also score leave-one-out")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per article")
    p.add_argument("--strict", action="store_true",
                   help="hold out the vocabulary tagged general but first noticed in an article, with it")
    args = p.parse_args(argv)
    site = load()
    articles = sorted(site.truth)
    total, folds = cross_validate(site, args.strict)
    for n, (held_out, fold_score) in enumerate(folds, 1):
        print(f"half {n} held out ({len(held_out)} articles): {fold_score.summary()}")
    print(f"cross-validated (both halves): {total.summary()}")
    if args.verbose:
        print("\n".join(f"  {line}" for line in total.lines + total.distractors))
    if args.loo:
        loo = leave_one_out(site, args.strict)
        print(f"leave-one-out: {loo.summary()}")
    seen = score(site, articles, Rules.load())
    print(f"in-sample (all rules, {len(articles)} articles): {seen.summary()}")
    if args.verbose:
        print("\n".join(f"  {line}" for line in seen.lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
