"""Cost-based rate limits per API key and time window, kept in the database so that every
server process shares them (GitHub-style points)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import RateBucket
from models.base import utcnow


@dataclass(frozen=True)
class RateLimit:
    """A budget of query-cost points per window."""

    points: int = 50_000
    window_seconds: int = 3600

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The current window's start and the time it resets."""
        seconds = int(now.timestamp()) // self.window_seconds * self.window_seconds
        start = datetime.fromtimestamp(seconds, UTC)
        return start, start + timedelta(seconds=self.window_seconds)


@dataclass(frozen=True)
class Standing:
    """What a key has used and when the window resets."""

    used: int
    limit: int
    resets_at: datetime

    @property
    def exhausted(self) -> bool:
        """No points left in this window."""
        return self.used >= self.limit


async def standing(session: AsyncSession, limit: RateLimit, api_key_id: uuid.UUID) -> Standing:
    """The key's use in the current window (read on the caller's session)."""
    start, reset = limit.window(utcnow())
    used = await session.scalar(
        select(RateBucket.used).where(
            RateBucket.api_key_id == api_key_id, RateBucket.window_start == start
        )
    )
    return Standing(int(used or 0), limit.points, reset)


async def charge(
    sessionmaker: async_sessionmaker[AsyncSession],
    limit: RateLimit,
    api_key_id: uuid.UUID,
    points: int,
) -> Standing:
    """Add `points` to the key's window atomically (insert or increment in one statement)."""
    start, reset = limit.window(utcnow())
    async with sessionmaker.begin() as session:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = insert(RateBucket).values(api_key_id=api_key_id, window_start=start, used=points)
        upsert = values.on_conflict_do_update(
            index_elements=["api_key_id", "window_start"], set_={"used": RateBucket.used + points}
        )
        used = int((await session.execute(upsert.returning(RateBucket.used))).scalar_one())
    return Standing(used, limit.points, reset)
