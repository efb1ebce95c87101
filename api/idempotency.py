"""Idempotency keys (per API key): replay the first response, refuse a different request."""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import IdempotencyRecord
from models.base import utcnow

TTL = timedelta(hours=24)
KEY_MAX = 255


class Outcome(enum.Enum):
    """What to do with a keyed request."""

    PROCEED = "proceed"
    REPLAY = "replay"
    IN_PROGRESS = "in_progress"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class Decision:
    """The outcome, and the stored response for a replay."""

    outcome: Outcome
    status: int | None = None
    content_type: str | None = None
    body: str | None = None


def request_hash(method: str, path: str, content_type: str, body: bytes) -> str:
    """The fingerprint a repeat must match."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), content_type.encode()):
        digest.update(part + b"\0")
    digest.update(body)
    return digest.hexdigest()


async def begin(
    sessionmaker: async_sessionmaker[AsyncSession],
    api_key_id: uuid.UUID,
    key: str,
    fingerprint: str,
) -> Decision:
    """Claim `key` for this request, or say how the earlier one with the same key went."""
    now = utcnow()
    async with sessionmaker.begin() as session:
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.expires_at < now,
            )
        )
    try:
        async with sessionmaker.begin() as session:
            session.add(
                IdempotencyRecord(
                    id=uuid.uuid4(),
                    api_key_id=api_key_id,
                    key=key,
                    request_sha256=fingerprint,
                    status="running",
                    created_at=now,
                    expires_at=now + TTL,
                )
            )
        return Decision(Outcome.PROCEED)
    except IntegrityError:
        pass
    async with sessionmaker() as session:
        found = await session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key
            )
        )
    if found is None:  # expired and removed between the two steps: try once more
        return await begin(sessionmaker, api_key_id, key, fingerprint)
    if found.request_sha256 != fingerprint:
        return Decision(Outcome.MISMATCH)
    if found.status != "done":
        return Decision(Outcome.IN_PROGRESS)
    return Decision(Outcome.REPLAY, found.response_status, found.response_type, found.response_body)


async def finish(
    sessionmaker: async_sessionmaker[AsyncSession],
    api_key_id: uuid.UUID,
    key: str,
    status: int,
    content_type: str,
    body: str,
) -> None:
    """Store the response of a claimed key."""
    async with sessionmaker.begin() as session:
        found = await session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key
            )
        )
        if found is not None:
            found.status, found.response_status = "done", status
            found.response_type, found.response_body = content_type, body


async def release(
    sessionmaker: async_sessionmaker[AsyncSession], api_key_id: uuid.UUID, key: str
) -> None:
    """Forget a claimed key whose request failed unexpectedly, so it can be retried."""
    async with sessionmaker.begin() as session:
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.api_key_id == api_key_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.status == "running",
            )
        )
