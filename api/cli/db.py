"""`partnergraph db`: migrate the database (DATABASE_URL) up or down."""

from __future__ import annotations

import argparse

from api.settings import get_settings
from models import migrate


def _db(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url, args.revision or "head")
    else:
        migrate.downgrade(url, args.revision or "base")
    target = args.revision or ("head" if args.action == "upgrade" else "base")
    print(f"database {args.action}d to {target}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `db` command."""
    db = sub.add_parser("db", help="migrate the database (DATABASE_URL)")
    db.add_argument(
        "action",
        choices=["upgrade", "downgrade"],
        help="upgrade (default to head) or downgrade (default to base)",
    )
    db.add_argument("revision", nargs="?", help="target revision")
    db.set_defaults(func=_db)
