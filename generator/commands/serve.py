"""`serve`: preview with live reload."""
from __future__ import annotations

import argparse
from pathlib import Path

from generator.commands import tr


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.livereload.server import serve

    return serve(Path(args.site), args.host, args.port, args.open, say=tr(args), poll=args.poll)
