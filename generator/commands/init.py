"""`generator init DIR`: a new, working portal skeleton that builds at once."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from generator.commands import info, tr

SKELETON = Path(__file__).parent.parent / "skeleton"


def gitignore() -> tuple[str, ...]:
    """What a new portal keeps out of git: the built site; the build's lock, staging and aside folders
    beside it; what builds keep to be fast next time; and the file `serve` writes for a moment at its
    start to see that the file system sends events. This repository's own .gitignore lists the same.
    (Imported here, not at the top: every command imports this module, and not every one needs those.)"""
    from generator.cache import FOLDER
    from generator.livereload.watch import PROBE

    return ("/output/", ".output.*", f"{FOLDER}/", PROBE)


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
    (target / ".gitignore").write_text("".join(f"{line}\n" for line in gitignore()), encoding="utf-8")
    return written + [".gitignore"]


def cmd_init(args: argparse.Namespace) -> int:
    say = tr(args)
    target = Path(args.dir)
    if target.exists() and any(target.iterdir()):
        print(say("{folder}: error: the folder is not empty; choose a new folder", folder=target), file=sys.stderr)
        return 2
    files = init(target)
    info(args, say("Created a new portal in {folder} ({files} files). Next: {prog} build --site {folder}",
                   folder=target, files=len(files), prog=getattr(args, "prog", "python -m generator")))
    return 0
