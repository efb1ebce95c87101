"""`partnergraph apikey`: manage API keys."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.cli.common import EXIT_INVALID, database
from api.keys import ApiKeyError, create_api_key
from rules.enums import ApiKeyRole
from services.actor import SYSTEM


async def _create_key(args: argparse.Namespace) -> str:
    from schema.errors import CodedError
    from schema.ids import expect_id

    partner_id = None
    if args.partner:
        try:
            partner_id = expect_id(args.partner, "Partner")
        except CodedError as exc:
            raise ApiKeyError("INVALID_ID", f"--partner: {exc}") from exc
    async with database() as sessionmaker, sessionmaker.begin() as session:
        new = await create_api_key(
            session,
            name=args.name,
            role=ApiKeyRole(args.role),
            partner_id=partner_id,
            actor=SYSTEM,
            owner_email=args.email,
        )
    print(
        f"created {new.key.role.value} key {new.key.name!r} (prefix {new.key.prefix}); "
        "it is shown once, store it now:"
    )
    return new.token


def _apikey(args: argparse.Namespace) -> int:
    try:
        token = asyncio.run(_create_key(args))
    except ApiKeyError as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(token)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `apikey` command and its `create` action."""
    apikey = sub.add_parser("apikey", help="manage API keys")
    apikey_sub = apikey.add_subparsers(dest="action", required=True)
    create_help = "create a key; the key alone is printed on the last line, once"
    create = apikey_sub.add_parser(
        "create",
        help=create_help,
        description=create_help.capitalize() + ". Store it: only its SHA-256 hash is kept.",
    )
    create.add_argument("--name", default="admin", help="a label for the key (default admin)")
    create.add_argument(
        "--role",
        choices=[r.value for r in ApiKeyRole],
        default="admin",
        help="admin: everything; partner: one partner's data (default admin)",
    )
    create.add_argument("--partner", help="the Partner ID a partner key speaks for")
    create.add_argument("--email", help="e-mail of the person who holds the key (optional)")
    create.set_defaults(func=_apikey)
