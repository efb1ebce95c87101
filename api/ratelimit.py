"""Cost-based rate limits per API key: a GCRA token bucket of query-cost points.

A key holds at most `points` points and regains them continuously at `points` per
`window_seconds` (no window boundary, so no double burst at one). A request reserves its
estimated cost before it runs and is refunded down to its actual cost after; a refused
request is charged nothing. The bucket's state is one number per key, the theoretical
arrival time (TAT): the instant the bucket is full again. It lives in Redis, in memory, or
in memory backed by blocks leased from the database (see api/rate_stores.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

MICROS = 1_000_000


@dataclass(frozen=True)
class RateLimit:
    """A budget of query-cost points, refilled over a window, and in-flight requests per key."""

    points: int = 50_000
    window_seconds: int = 3600
    max_in_flight: int = 20

    @property
    def micros_per_point(self) -> float:
        """How long one point takes to come back."""
        return self.window_seconds * MICROS / self.points

    @property
    def tolerance_micros(self) -> int:
        """How far ahead of now the TAT may run: the whole budget."""
        return self.window_seconds * MICROS

    def clamp(self, points: int) -> int:
        """A charge between 0 and the whole budget (no counter can overflow)."""
        return max(0, min(int(points), self.points))


@dataclass(frozen=True)
class Standing:
    """What a key has left after a reservation or refund, and when it is full again."""

    allowed: bool
    limit: int
    remaining: int
    resets_at: datetime
    retry_after: float = 0.0

    @property
    def used(self) -> int:
        """Points not available right now."""
        return self.limit - self.remaining


def standing(limit: RateLimit, tat: int, now: int, *, allowed: bool, wanted: int = 0) -> Standing:
    """The Standing of a bucket whose TAT is `tat` (microseconds since the epoch) at `now`."""
    ahead = max(0, tat - now)
    remaining = math.floor((limit.tolerance_micros - ahead) / limit.micros_per_point + 1e-9)
    retry = 0.0
    if not allowed:
        needed = ahead + wanted * limit.micros_per_point - limit.tolerance_micros
        retry = max(1.0, needed / MICROS)
    return Standing(
        allowed=allowed,
        limit=limit.points,
        remaining=max(0, min(limit.points, remaining)),
        resets_at=datetime.fromtimestamp(max(tat, now) / MICROS, UTC),
        retry_after=retry,
    )


def gcra(limit: RateLimit, tat: int | None, now: int, points: int) -> tuple[int, bool]:
    """The new TAT after asking for `points` (negative: a refund), and whether it fits."""
    base = max(tat or now, now)
    if points <= 0:
        return max(now, base + math.floor(points * limit.micros_per_point)), True
    new = base + math.ceil(points * limit.micros_per_point)
    if new - now > limit.tolerance_micros:
        return base, False
    return new, True


class RateStore(Protocol):
    """Where buckets and in-flight counts live."""

    async def reserve(self, key: str, points: int) -> Standing:
        """Take `points` if they fit (all or nothing)."""

    async def refund(self, key: str, points: int) -> Standing:
        """Give back `points` of an earlier reservation."""

    async def enter(self, key: str, request_id: str) -> bool:
        """Count a request in flight; False when the key already has its maximum."""

    async def leave(self, key: str, request_id: str) -> None:
        """The request is done."""

    async def close(self) -> None:
        """Release connections and hand back what is held."""
