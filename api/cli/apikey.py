"""`partnergraph apikey`: manage API keys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta

from api.cli.common import EXIT_INVALID, database
from models import ApiKey
from models.base import utcnow
from rules.enums import ApiKeyRole
from services.actor import SYSTEM
from services.apikeys.keys import (
    ApiKeyError,
    create_api_key,
    expire_api_key,
    list_api_keys,
    revoke_api_key,
    roll_api_key,
)


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


async def _manage(args: argparse.Namespace) -> str:
    async with database() as sessionmaker, sessionmaker.begin() as session:
        if args.action == "list":
            keys = await list_api_keys(session)
            if not keys:
                return "no API keys"
            return "\n".join(_describe(key) for key in keys)
        if args.action == "revoke":
            key = await revoke_api_key(session, args.prefix, SYSTEM)
            return f"revoked {_describe(key)}"
        if args.action == "expire":
            when = None if args.never else _timestamp(args.at)
            key = await expire_api_key(session, args.prefix, when, SYSTEM)
            return f"expiry set: {_describe(key)}"
        grace = utcnow() + timedelta(seconds=args.grace) if args.grace else None
        new = await roll_api_key(session, args.prefix, SYSTEM, grace)
        return (
            f"rolled {args.prefix} into {new.key.prefix} (the old key "
            f"{'stops at ' + grace.isoformat() if grace else 'is revoked'}); "
            f"the new key is shown once, store it now:\n{new.token}"
        )


def _timestamp(value: str | None) -> datetime:
    try:
        parsed = datetime.fromisoformat(value or "")
    except ValueError as exc:
        raise ApiKeyError("INVALID_EXPIRY", f"{value!r} is not an ISO 8601 timestamp") from exc
    if parsed.tzinfo is None:
        raise ApiKeyError("INVALID_EXPIRY", "the expiry needs an offset, e.g. 2027-01-01T00:00Z")
    return parsed


def _describe(key: ApiKey) -> str:
    def at(value: datetime | None) -> str:
        return value.isoformat(timespec="seconds") if value else "-"

    state = "revoked" if key.revoked_at else "active"
    if key.expires_at and key.expires_at <= utcnow() and not key.revoked_at:
        state = "expired"
    return (
        f"{key.prefix}  {state:<8} {key.role.value:<8} {key.name!r} "
        f"partner={key.partner_id or '-'} created={at(key.created_at)} "
        f"last_used={at(key.last_used_at)} expires={at(key.expires_at)} "
        f"revoked={at(key.revoked_at)}"
    )


def _apikey_manage(args: argparse.Namespace) -> int:
    try:
        print(asyncio.run(_manage(args)))
    except ApiKeyError as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return EXIT_INVALID
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
    listing = apikey_sub.add_parser(
        "list",
        help="list keys: prefix, state, role, name, partner, created, last used, expiry",
        description="List every API key (secrets are never stored, so never shown). Last use "
        "is written by the servers about once a minute.",
    )
    listing.set_defaults(func=_apikey_manage)
    revoke = apikey_sub.add_parser("revoke", help="revoke a key now, by its prefix")
    revoke.add_argument("prefix", help="the key's prefix (the part after pgk_)")
    revoke.set_defaults(func=_apikey_manage)
    expire = apikey_sub.add_parser("expire", help="set or clear when a key stops working")
    expire.add_argument("prefix", help="the key's prefix (the part after pgk_)")
    when = expire.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", help="ISO 8601 time with an offset, e.g. 2027-01-01T00:00Z")
    when.add_argument("--never", action="store_true", help="clear the expiry")
    expire.set_defaults(func=_apikey_manage)
    roll = apikey_sub.add_parser(
        "roll",
        help="replace a key: a new key is printed once; the old one is revoked",
        description="Make a new key with the same name, role, partner and holder. The old "
        "key is revoked at once, or keeps working for --grace seconds.",
    )
    roll.add_argument("prefix", help="the key's prefix (the part after pgk_)")
    roll.add_argument("--grace", type=int, default=0, help="seconds the old key keeps working")
    roll.set_defaults(func=_apikey_manage)
