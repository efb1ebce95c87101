"""Advisory locks (models/locks.py): held until the transaction ends, on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import make_sessionmaker
from models.locks import hold, lock_key

pytestmark = pytest.mark.anyio


def test_lock_keys_are_signed_64_bit_and_follow_their_parts() -> None:
    key = lock_key(b"client:", b"program", b"acme")
    assert -(2**63) <= key < 2**63
    assert key == lock_key(b"client:program", b"acme")  # the parts' concatenation
    assert key != lock_key(b"client:", b"program", b"globex")


async def test_held_locks_last_until_the_transaction_ends(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    keys = [lock_key(b"test:", b"one"), lock_key(b"test:", b"two")]
    async with sessions() as holder, sessions() as other:
        await hold(holder, keys)
        if engine.dialect.name != "postgresql":
            assert not holder.in_transaction()  # nothing sent: SQLite writers hold the database
            return
        try_lock = text("SELECT pg_try_advisory_xact_lock(:k)")
        assert await other.scalar(try_lock, {"k": keys[1]}) is False
        await other.rollback()
        await holder.commit()
        assert await other.scalar(try_lock, {"k": keys[1]}) is True
