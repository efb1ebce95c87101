"""Engines: how the service's connections are set up (models/db.py)."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks import dataset
from models import Partner
from models.db import make_async_engine, make_sessionmaker

pytestmark = pytest.mark.anyio


async def test_timestamps_come_back_in_utc(
    engine: AsyncEngine, seeded: None, database_url: str
) -> None:
    """A stored timestamp reads back timezone-aware in `datetime.UTC` itself; on PostgreSQL the
    session runs in UTC whatever the server's default zone (the driver then hands back UTC
    timestamps that need no conversion per row, issue 14)."""
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            assert (await conn.execute(text("SHOW TimeZone"))).scalar() == "UTC"
            now = (await conn.execute(text("SELECT now()"))).scalar_one()
            assert now.tzinfo is UTC
    dataset.load(database_url, partners=1, referrals=0)
    async with engine.connect() as conn:
        created = (await conn.execute(select(Partner.created_at))).scalar()
    assert created is not None and created.tzinfo is UTC


async def test_an_operators_own_connection_options_win(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("connection options are PostgreSQL's")
    sep = "&" if "?" in database_url else "?"
    engine = make_async_engine(f"{database_url}{sep}options=-c%20TimeZone%3DEurope/Paris")
    try:
        async with engine.connect() as conn:
            zone = (await conn.execute(text("SHOW TimeZone"))).scalar()
            created = (await conn.execute(text("SELECT now()"))).scalar_one()
        assert zone == "Europe/Paris"
        assert created.utcoffset() is not None
    finally:
        await engine.dispose()


async def test_read_sessions_hold_no_transaction_on_postgresql(engine: AsyncEngine) -> None:
    """A request's reads on PostgreSQL run in autocommit: after a read the connection is idle,
    with no transaction open (no BEGIN was sent, no ROLLBACK is owed, no snapshot is held);
    write sessions still run in one transaction (issue 14)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite read sessions begin deferred transactions (models/db.py)")

    async def open_after_read(write: bool) -> bool:
        async with make_sessionmaker(engine, write=write)() as session:
            await session.execute(text("SELECT 1"))
            raw = (await session.connection()).sync_connection
            assert raw is not None
            status = raw.connection.dbapi_connection.info.transaction_status
            return str(status.name) != "IDLE"

    assert await open_after_read(write=False) is False
    assert await open_after_read(write=True) is True
