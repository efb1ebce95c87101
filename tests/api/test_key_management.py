"""API keys are listed, revoked, rolled and expired from the CLI, and `lastUsedAt` is kept
without a write per request (issue 13)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.key_usage import KeyUsage
from models import ApiKey
from models.base import utcnow
from services.apikeys.keys import authenticate
from tests.conftest import Api
from tests.helpers.servers import cli

pytestmark = pytest.mark.anyio


def _prefix(token: str) -> str:
    return token.split("_")[1]


async def test_last_used_is_kept_in_memory_and_flushed(api: Api, sessionmaker: Any) -> None:
    usage = KeyUsage(sessionmaker)
    async with sessionmaker() as session:
        actor = await authenticate(session, api.admin_key)
        assert actor is not None and actor.key_id is not None
        usage.touch(actor.key_id)
        stored = await session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == actor.key_id))
    assert stored is None  # nothing written by the request
    assert usage.last_used(actor.key_id, stored) is not None
    assert await usage.flush() == 1
    async with sessionmaker() as session:
        written = await session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == actor.key_id))
    assert written is not None
    assert await usage.flush() == 0  # nothing pending
    async with sessionmaker.begin() as session:
        key = await session.get(ApiKey, actor.key_id)
        assert key is not None
        key.expires_at = utcnow() - timedelta(seconds=1)
    async with sessionmaker() as session:
        assert await authenticate(session, api.admin_key) is None  # expired


def test_keys_are_listed_rolled_expired_and_revoked(database_url: str) -> None:
    env = {"DATABASE_URL": database_url}
    first = cli(env, "apikey", "create", "--name", "ops").stdout.strip().splitlines()[-1]
    listed = cli(env, "apikey", "list").stdout
    assert _prefix(first) in listed and "active" in listed and first not in listed
    rolled = cli(env, "apikey", "roll", _prefix(first)).stdout.strip().splitlines()[-1]
    assert rolled.startswith("pgk_") and rolled != first
    listed = cli(env, "apikey", "list").stdout
    assert f"{_prefix(first)}  revoked" in listed and f"{_prefix(rolled)}  active" in listed
    past = (utcnow() - timedelta(minutes=1)).isoformat()
    cli(env, "apikey", "expire", _prefix(rolled), "--at", past)
    assert f"{_prefix(rolled)}  expired" in cli(env, "apikey", "list").stdout
    cli(env, "apikey", "expire", _prefix(rolled), "--never")
    cli(env, "apikey", "revoke", _prefix(rolled))
    assert f"{_prefix(rolled)}  revoked" in cli(env, "apikey", "list").stdout
