"""Rewrite tests/golden/ from a fresh build of the test site (tests/site/).

Run it after an intended change to the output, then review `git diff tests/golden` before committing:
    python scripts/update_goldens.py
The tests never rewrite the goldens themselves.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's generator, not an installed one

from tests.goldens import GOLDEN, build_site, compare, files_under  # noqa: E402


def update() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        build_site(output)
        before, after = files_under(GOLDEN), files_under(output)
        result = compare(before, after)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        shutil.copytree(output, GOLDEN)
    print(f"tests/golden: {len(after)} files; {len(result.extra)} added, {len(result.missing)} removed, "
          f"{len(result.changed)} changed. Review them with `git diff --stat tests/golden`.")
    return 0


if __name__ == "__main__":
    sys.exit(update())
