"""The test site (tests/site/) and its whole built output kept as goldens (tests/golden/).

Shared by tests/test_golden.py, which compares, and scripts/update_goldens.py, which alone rewrites.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.cli import main

TESTS = Path(__file__).resolve().parent
SITE = TESTS / "site"
GOLDEN = TESTS / "golden"
UPDATE = "python scripts/update_goldens.py"
SHOWN_FILES = 3  # files whose diff is printed in full (up to SHOWN_LINES each)
SHOWN_LINES = 200
LISTED = 25  # names listed per kind of difference


def build_site(output: Path) -> None:
    """Build the test site into `output` (in-process; the build depends on nothing but its inputs)."""
    code = main(["build", "--clean", "--site", str(SITE), "--output", str(output)])
    if code != 0:
        raise AssertionError(f"the test site did not build (exit {code}); run "
                             f"`python -m generator check --site {SITE}` to see why")


def files_under(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Comparison:
    missing: list[str] = field(default_factory=list)  # in the goldens, not built
    extra: list[str] = field(default_factory=list)  # built, not in the goldens
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.extra or self.changed)


def _compared(name: str, data: bytes) -> bytes:
    """What of a file must match its golden. A PNG share card's pixels depend on the Pillow and
    FreeType of the machine that drew it, so its goldens pin only its header (size, depth, colour
    type); tests/test_share_cards.py checks what each card shows and that a build draws it the same
    way every time."""
    if name.endswith(".png") and data[12:16] == b"IHDR":
        return data[:29]
    return data


def compare(golden: dict[str, bytes], built: dict[str, bytes]) -> Comparison:
    return Comparison(missing=sorted(set(golden) - set(built)), extra=sorted(set(built) - set(golden)),
                      changed=sorted(n for n in set(golden) & set(built)
                                     if _compared(n, golden[n]) != _compared(n, built[n])))


def _readable_lines(data: bytes) -> list[str] | None:
    """The file's lines for a diff, long lines broken after tags and list commas; None for binary files.

    Commas inside numbers (92,94%) are left alone: only a comma before a space, quote or bracket breaks."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines: list[str] = []
    for line in text.splitlines():
        if len(line) <= 160:
            lines.append(line)
            continue
        piece = ""
        for part in re.split(r"(?<=>)|(?<=,)(?=[ \"{\[])", line):
            if piece and len(piece) + len(part) > 120:
                lines.append(piece)
                piece = ""
            piece += part
        lines.append(piece)
    return lines


def file_diff(name: str, expected: bytes, actual: bytes) -> str:
    old, new = _readable_lines(expected), _readable_lines(actual)
    if old is None or new is None:
        return f"{name}: binary file differs ({len(expected)} bytes in the golden, {len(actual)} built)"
    diff = list(difflib.unified_diff(old, new, f"golden/{name}", f"built/{name}", n=3, lineterm=""))
    if len(diff) > SHOWN_LINES:
        diff = diff[:SHOWN_LINES] + [f"... {len(diff) - SHOWN_LINES} more lines of this diff"]
    return "\n".join(diff)


def report(result: Comparison, golden: dict[str, bytes], built: dict[str, bytes]) -> str:
    """What differs, for a reader: the lists of names, then the diffs of the first changed files."""
    parts = []
    for what, names in (("missing from the build (only in tests/golden)", result.missing),
                        ("new in the build (not in tests/golden)", result.extra),
                        ("changed", result.changed)):
        if names:
            listed = "\n  ".join(names[:LISTED]) + (f"\n  ... and {len(names) - LISTED} more" if len(names) > LISTED
                                                     else "")
            parts.append(f"{len(names)} file(s) {what}:\n  {listed}")
    for name in result.changed[:SHOWN_FILES]:
        parts.append(file_diff(name, golden[name], built[name]))
    parts.append(f"If every difference is intended, run `{UPDATE}` and review `git diff tests/golden`.")
    return "\n\n".join(parts)
