"""Reads of the edge's tables on every request: the API key presented with it."""

from __future__ import annotations

from sqlalchemy import String, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.edge.keys import ApiKey

_BY_PREFIX = select(ApiKey).where(ApiKey.prefix == bindparam("key_prefix", type_=String()))
"""The key read on every request: built once, its prefix bound at execution (issue 14)."""


async def api_key_by_prefix(session: AsyncSession, prefix: str) -> ApiKey | None:
    """The API key with the visible `prefix`, revoked or not."""
    return await session.scalar(_BY_PREFIX, {"key_prefix": prefix})
