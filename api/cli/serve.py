"""`partnergraph serve`: serve the GraphQL API with uvicorn workers (see api/serving.py)."""

from __future__ import annotations

import argparse

from api.serving import default_workers, serve


def _serve(args: argparse.Namespace) -> int:
    return serve(args.host, args.port, args.workers)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `serve` command."""
    parser = sub.add_parser("serve", help="serve the GraphQL API with uvicorn")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="server processes (default: one per core)",
    )
    parser.set_defaults(func=_serve)
