"""`serve`: preview with live reload."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands import print_problems
from generator.model.problems import Problems


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.livereload.server import serve

    return serve(Path(args.site), args.host, args.port, args.open)
