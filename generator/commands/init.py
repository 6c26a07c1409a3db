"""`generator init DIR`: a new, working portal skeleton that builds at once."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

SKELETON = Path(__file__).parent.parent / "skeleton"


def init(target: Path) -> list[str]:
    """Copy the skeleton into `target` (which must be empty or absent); return the files written."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; choose a new folder")
    written = []
    for src in sorted(SKELETON.rglob("*")):
        if src.is_dir():
            continue
        dest = target / src.relative_to(SKELETON)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src.resolve(), dest)  # links in the package are copied as files
        written.append(dest.relative_to(target).as_posix())
    (target / "static").mkdir(exist_ok=True)
    (target / ".gitignore").write_text("output/\n", encoding="utf-8")
    return written + [".gitignore"]


def cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    try:
        files = init(target)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Created a new portal in {target} ({len(files)} files). Next: "
          f"python -m generator build --site {target}")
    return 0
