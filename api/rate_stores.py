"""Where rate-limit buckets live: Redis (shared, one atomic script per change), process memory,
or process memory backed by blocks of points leased from the database.

Leased blocks keep one budget across server processes without a database write per request:
a process takes a block of points from the key's bucket in the database (one short write
transaction), spends it locally, and takes another block when it runs out. Refunds go back to
the local block. Points parked in a process's block are spent as far as the others can tell,
so the budget is never exceeded; at most one block per key and process waits unused.
In-flight requests are counted per process (memory, leased) or across processes (Redis).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.ratelimit import MICROS, RateLimit, RateStore, Standing, gcra, standing
from models import RateLimitState

IN_FLIGHT_TIMEOUT_SECONDS = 300  # a crashed process's requests stop counting after this


def now_micros() -> int:
    """Wall-clock microseconds since the epoch."""
    return time.time_ns() // 1000


class _InFlight:
    """Requests in flight per key, in this process."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.running: dict[str, set[str]] = defaultdict(set)

    async def enter(self, key: str, request_id: str) -> bool:
        running = self.running[key]
        if len(running) >= self.limit.max_in_flight:
            return False
        running.add(request_id)
        return True

    async def leave(self, key: str, request_id: str) -> None:
        running = self.running.get(key)
        if running is not None:
            running.discard(request_id)
            if not running:
                del self.running[key]


class MemoryStore(_InFlight):
    """Buckets in this process only (one server process)."""

    def __init__(self, limit: RateLimit) -> None:
        super().__init__(limit)
        self.tats: dict[str, int] = {}

    async def reserve(self, key: str, points: int) -> Standing:
        now = now_micros()
        tat, allowed = gcra(self.limit, self.tats.get(key), now, points)
        self.tats[key] = tat
        return standing(self.limit, tat, now, allowed=allowed, wanted=points)

    async def refund(self, key: str, points: int) -> Standing:
        now = now_micros()
        tat, _ = gcra(self.limit, self.tats.get(key), now, -points)
        self.tats[key] = tat
        return standing(self.limit, tat, now, allowed=True)

    async def close(self) -> None:
        return None


class LeasedStore(_InFlight):
    """Buckets in the database, spent in blocks held by each process."""

    def __init__(
        self, limit: RateLimit, sessionmaker: async_sessionmaker[AsyncSession], block: int = 0
    ) -> None:
        super().__init__(limit)
        self.sessionmaker = sessionmaker
        self.block = block or max(1, limit.points // 20)
        self.held: dict[str, int] = {}
        self.seen: dict[str, int] = {}  # the database TAT at the last lease
        self.locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def _standing(self, key: str, allowed: bool, wanted: int = 0) -> Standing:
        now = now_micros()
        known = standing(self.limit, self.seen.get(key, now), now, allowed=allowed, wanted=wanted)
        remaining = min(self.limit.points, known.remaining + self.held.get(key, 0))
        return Standing(allowed, known.limit, remaining, known.resets_at, known.retry_after)

    async def reserve(self, key: str, points: int) -> Standing:
        async with self.locks[key]:
            have = self.held.get(key, 0)
            if have < points:
                need = points - have
                got = await self._lease(key, max(need, self.block))
                if not got and self.block > need:
                    got = await self._lease(key, need)
                if not got:
                    return self._standing(key, False, need)
                have += got
            self.held[key] = have - points
            return self._standing(key, True)

    async def refund(self, key: str, points: int) -> Standing:
        async with self.locks[key]:
            self.held[key] = min(self.limit.points, self.held.get(key, 0) + points)
            return self._standing(key, True)

    async def _lease(self, key: str, points: int) -> int:
        """Take `points` from the key's bucket in the database; 0 when they do not fit."""
        async with self.sessionmaker.begin() as session:
            dialect = session.get_bind().dialect.name
            insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
            await session.execute(
                insert(RateLimitState).values(key=key, tat=0).on_conflict_do_nothing()
            )
            row = await session.scalar(
                select(RateLimitState).where(RateLimitState.key == key).with_for_update()
            )
            assert row is not None
            now = now_micros()
            tat, allowed = gcra(self.limit, row.tat, now, points)
            row.tat = tat
            self.seen[key] = tat
        return points if allowed else 0

    async def close(self) -> None:
        """Hand unspent blocks back to the database."""
        for key, points in list(self.held.items()):
            if points <= 0:
                continue
            async with self.sessionmaker.begin() as session:
                row = await session.scalar(
                    select(RateLimitState).where(RateLimitState.key == key).with_for_update()
                )
                if row is not None:
                    row.tat, _ = gcra(self.limit, row.tat, now_micros(), -points)
            self.held[key] = 0


RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local points = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local new
if points <= 0 then
  new = math.max(now, tat + math.floor(points * per))
else
  new = tat + math.ceil(points * per)
  if new - now > tonumber(ARGV[3]) then
    return {0, string.format('%.0f', tat), string.format('%.0f', now)}
  end
end
redis.call('SET', KEYS[1], string.format('%.0f', new), 'PX', ARGV[4])
return {1, string.format('%.0f', new), string.format('%.0f', now)}
"""

ENTER = """
local t = redis.call('TIME')
local now = tonumber(t[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class RedisStore:
    """Buckets and in-flight requests in Redis, shared by every process."""

    def __init__(self, limit: RateLimit, url: str, prefix: str = "partnergraph:rl:") -> None:
        import redis.asyncio as aioredis

        self.limit = limit
        self.prefix = prefix
        self.client: Any = aioredis.from_url(url)
        self._reserve = self.client.register_script(RESERVE)
        self._enter = self.client.register_script(ENTER)

    async def _change(self, key: str, points: int) -> Standing:
        ttl_ms = self.limit.window_seconds * 1000 + 1000
        allowed, tat, now = await self._reserve(
            keys=[f"{self.prefix}tat:{key}"],
            args=[points, self.limit.micros_per_point, self.limit.tolerance_micros, ttl_ms],
        )
        return standing(self.limit, int(tat), int(now), allowed=bool(allowed), wanted=points)

    async def reserve(self, key: str, points: int) -> Standing:
        return await self._change(key, points)

    async def refund(self, key: str, points: int) -> Standing:
        return await self._change(key, -points)

    async def enter(self, key: str, request_id: str) -> bool:
        entered = await self._enter(
            keys=[f"{self.prefix}run:{key}"],
            args=[request_id, self.limit.max_in_flight, IN_FLIGHT_TIMEOUT_SECONDS],
        )
        return bool(entered)

    async def leave(self, key: str, request_id: str) -> None:
        await self.client.zrem(f"{self.prefix}run:{key}", request_id)

    async def close(self) -> None:
        await self.client.aclose()


def open_store(
    limit: RateLimit, sessionmaker: async_sessionmaker[AsyncSession], redis_url: str | None
) -> RateStore:
    """Redis when configured, else memory backed by leases from the database."""
    if redis_url:
        return RedisStore(limit, redis_url)
    return LeasedStore(limit, sessionmaker)


__all__ = ["MICROS", "LeasedStore", "MemoryStore", "RedisStore", "open_store"]
