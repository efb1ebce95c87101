"""`partnergraph db`: migrate the database (DATABASE_URL) up or down."""

from __future__ import annotations

import argparse
import sys

from api.cli.common import EXIT_USAGE
from api.settings import get_settings
from models import migrate


def _db(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
    elif not args.revision:
        print("error: db downgrade needs the target revision (e.g. 0008, or base)", file=sys.stderr)
        return EXIT_USAGE
    else:
        migrate.downgrade(url, args.revision)
    target = args.revision or "head"
    print(f"database {args.action}d to {target}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` command."""
    db = sub.add_parser("db", help="migrate the database (DATABASE_URL)")
    db.add_argument(
        "action",
        choices=["upgrade", "downgrade"],
        help="upgrade (to head unless a revision is given) or downgrade (to the revision "
        "given, which is required: e.g. 0008, or base to drop everything)",
    )
    db.add_argument("revision", nargs="?", help="target revision")
    db.set_defaults(func=_db)
