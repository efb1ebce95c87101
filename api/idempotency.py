"""Idempotency keys (per API key): replay the first answer, refuse a different request.

A keyed request runs in one database transaction that holds the key (PostgreSQL: an advisory
transaction lock; SQLite: the write lock), makes the request's changes (each use case in a
savepoint) and stores the answer. Either everything commits (a retry replays the answer) or
nothing does (a retry runs once): a server that dies between claim and answer leaves no
effect and no claim behind. Rows left `running` by older versions are released after LEASE.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from models import IdempotencyRecord
from models.base import utcnow
from models.locks import lock_key

TTL = timedelta(hours=24)
LEASE = timedelta(seconds=60)
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


def _lock_id(api_key_id: uuid.UUID, key: str) -> int:
    """A signed 64-bit advisory lock number for (API key, idempotency key)."""
    return lock_key(api_key_id.bytes, key.encode("utf-8", "surrogatepass"))


async def claim(
    connection: AsyncConnection, api_key_id: uuid.UUID, key: str, fingerprint: str
) -> Decision:
    """Hold `key` for the connection's open transaction, or say how an earlier request went."""
    if connection.dialect.name == "postgresql":
        held = await connection.scalar(
            text("SELECT pg_try_advisory_xact_lock(:id)"), {"id": _lock_id(api_key_id, key)}
        )
        if not held:
            return Decision(Outcome.IN_PROGRESS)
    now = utcnow()
    where = (IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.key == key)
    found = (
        await connection.execute(
            select(
                IdempotencyRecord.request_sha256,
                IdempotencyRecord.status,
                IdempotencyRecord.created_at,
                IdempotencyRecord.expires_at,
                IdempotencyRecord.response_status,
                IdempotencyRecord.response_type,
                IdempotencyRecord.response_body,
            ).where(*where)
        )
    ).first()
    if found is not None:
        stale = found.expires_at < now or (
            found.status != "done" and found.created_at + LEASE < now
        )
        if stale:
            await connection.execute(delete(IdempotencyRecord).where(*where))
        elif found.request_sha256 != fingerprint:
            return Decision(Outcome.MISMATCH)
        elif found.status != "done":
            return Decision(Outcome.IN_PROGRESS)
        else:
            return Decision(
                Outcome.REPLAY, found.response_status, found.response_type, found.response_body
            )
    return Decision(Outcome.PROCEED)


async def store(
    connection: AsyncConnection,
    api_key_id: uuid.UUID,
    key: str,
    fingerprint: str,
    status: int,
    content_type: str,
    body: str,
) -> None:
    """Record the answer in the transaction that made the request's changes."""
    now = utcnow()
    await connection.execute(
        insert(IdempotencyRecord).values(
            id=uuid.uuid4(),
            api_key_id=api_key_id,
            key=key,
            request_sha256=fingerprint,
            status="done",
            response_status=status,
            response_type=content_type,
            response_body=body,
            created_at=now,
            expires_at=now + TTL,
        )
    )
