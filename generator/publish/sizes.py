"""What GitHub would refuse or warn about in a built site, found before anything is committed or pushed.

`check_sizes` walks the output folder (os.scandir and the sizes the folder listing already holds: a
national build has thousands of files and this costs a few milliseconds) and returns typed findings;
the `deploy` command turns them into messages and refuses to publish when one of them refuses.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from generator.i18n import later
from generator.output.atomic import MARKER
from generator.publish.ghpages import DeployError

MB = 1024 * 1024  # GitHub writes its file limits in MiB; Windows Explorer shows these units as "MB" too
GB = 1024 * MB

# GitHub's documented limits, all in one place:
# - "About large files on GitHub" (docs.github.com/en/repositories/working-with-files/managing-large-files/
#   about-large-files-on-github): Git warns about a file larger than 50 MiB, and GitHub blocks files
#   larger than 100 MiB (the whole push is refused).
# - "GitHub Pages limits" (docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits):
#   "Published GitHub Pages sites may be no larger than 1 GB."
FILE_WARNING_SIZE = 50 * MB
FILE_LIMIT = 100 * MB
SITE_LIMIT = 1 * GB


class Finding(Enum):
    """What a size means for publishing to GitHub Pages."""

    LARGE_FILE = "large file"  # over FILE_WARNING_SIZE: GitHub warns, but the push goes through
    FILE_TOO_LARGE = "file too large"  # over FILE_LIMIT: GitHub refuses the push
    SITE_TOO_LARGE = "site too large"  # over SITE_LIMIT in all: GitHub Pages does not serve the site


@dataclass(frozen=True)
class SizeFinding:
    kind: Finding
    size: int  # bytes
    limit: int  # bytes: the limit the size is over
    path: str | None = None  # the file, relative to the output folder with '/'; None for the whole site

    @property
    def refuses(self) -> bool:
        return self.kind is not Finding.LARGE_FILE


def _files(folder: Path, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(path relative to the output, size) of each file `deploy` publishes (the build's marker is not)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(Path(entry.path), f"{prefix}{entry.name}/")
            elif entry.is_file() and entry.name != MARKER:
                yield f"{prefix}{entry.name}", entry.stat().st_size


def check_sizes(output: Path) -> list[SizeFinding]:
    """Every file over GitHub's warning or per-file limit (sorted by path), then the whole site when it is
    over the GitHub Pages limit. A size exactly at a limit is within it."""
    findings: list[SizeFinding] = []
    total = 0
    try:
        for path, size in sorted(_files(output)):
            total += size
            if size > FILE_LIMIT:
                findings.append(SizeFinding(Finding.FILE_TOO_LARGE, size, FILE_LIMIT, path))
            elif size > FILE_WARNING_SIZE:
                findings.append(SizeFinding(Finding.LARGE_FILE, size, FILE_WARNING_SIZE, path))
    except OSError as exc:
        raise DeployError(later("{path}: cannot read the built site ({problem})",
                                path=exc.filename or output, problem=exc.strerror or exc)) from None
    if total > SITE_LIMIT:
        findings.append(SizeFinding(Finding.SITE_TOO_LARGE, total, SITE_LIMIT))
    return findings
