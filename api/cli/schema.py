"""`partnergraph schema`: print or write the GraphQL schema (SDL)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _schema(args: argparse.Namespace) -> int:
    from schema import build_schema

    sdl = str(build_schema()) + "\n"
    if args.path == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.path).write_text(sdl, encoding="utf-8")
        print(f"wrote {args.path}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `schema` command and its `export` action."""
    schema = sub.add_parser("schema", help="print or write the GraphQL schema (SDL)")
    schema.add_argument("action", choices=["export"])
    schema.add_argument("path", nargs="?", default="-", help="file to write, or - for stdout")
    schema.set_defaults(func=_schema)
