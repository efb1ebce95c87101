"""Transaction-scoped advisory locks (PostgreSQL): writers of one thing queue until the first
commits or rolls back. SQLite's write transactions begin IMMEDIATE, so its writers already queue
on the database lock, and `hold` does nothing there."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


def lock_key(*parts: bytes) -> int:
    """The signed 64-bit advisory lock number of the concatenated `parts` (their SHA-256)."""
    return int.from_bytes(hashlib.sha256(b"".join(parts)).digest()[:8], "big", signed=True)


async def hold(session: AsyncSession, keys: Iterable[int]) -> None:
    """Take the locks `keys` until the session's transaction ends: in one statement and in one
    order, so two writers taking overlapping sets never deadlock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ordered = sorted(set(keys))
    if not ordered:
        return
    await session.execute(
        text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"),
        {"keys": ordered},
    )
