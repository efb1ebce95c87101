"""Engines: how the service's connections are set up (models/db.py)."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks import dataset
from models import Partner
from models.db import make_async_engine

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
