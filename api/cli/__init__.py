"""`partnergraph`: serve the API, migrate the database, load programs, make API keys.

One module per command group; this one builds the parser from them and runs a command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import InterfaceError, OperationalError

from api.cli import apikey, db, imports, programs, schema, serve, sweep, templates, tiers, worker
from api.cli.common import EXIT_USAGE
from api.serving import ListenError, database_problem, package_version
from api.settings import ConfigurationError
from models.db import UnsupportedDatabaseError

EXIT_UNAVAILABLE = 69

COMMAND_GROUPS = (serve, db, programs, apikey, templates, sweep, tiers, worker, imports, schema)


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="partnergraph",
        description="PartnerGraph: run partner programs the way their contracts read. "
        "Configuration comes from the environment (DATABASE_URL, PARTNERGRAPH_ENV, ...).",
    )
    parser.add_argument("--version", action="version", version=f"partnergraph {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `partnergraph` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UnsupportedDatabaseError as exc:
        print(f"error: DATABASE_URL: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OperationalError, InterfaceError) as exc:
        print(f"error: {database_problem(exc)}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except ListenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
