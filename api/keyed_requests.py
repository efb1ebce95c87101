"""Running a request under an `Idempotency-Key` (see api/idempotency.py for the design)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse, Response

from api import idempotency
from schema.context import Context


@dataclass(frozen=True)
class KeyedRequest:
    """Who sent the key, the key, and the fingerprint of the request it names."""

    api_key_id: uuid.UUID
    key: str
    fingerprint: str


def _refusal(status: int, code: str, message: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


async def run_keyed(
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: Context,
    keyed: KeyedRequest,
    execute: Callable[[Context], Awaitable[Response]],
) -> Response:
    """Claim the key, run `execute` and store its answer, all in one transaction.

    The request's sessions (reads and each use case, in a savepoint) share the claiming
    connection, so its changes and the stored answer commit together or not at all.
    """
    if not 1 <= len(keyed.key) <= idempotency.KEY_MAX:
        return _refusal(
            400,
            "INVALID_IDEMPOTENCY_KEY",
            f"an Idempotency-Key is 1 to {idempotency.KEY_MAX} characters",
        )
    bind = sessionmaker.kw["bind"]
    async with bind.connect() as connection, connection.begin() as transaction:
        decision = await idempotency.claim(
            connection, keyed.api_key_id, keyed.key, keyed.fingerprint
        )
        if decision.outcome is idempotency.Outcome.MISMATCH:
            return _refusal(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used with a different request",
            )
        if decision.outcome is idempotency.Outcome.IN_PROGRESS:
            return _refusal(
                409,
                "IDEMPOTENCY_IN_PROGRESS",
                "a request with this Idempotency-Key is still running",
            )
        if decision.outcome is idempotency.Outcome.REPLAY:
            return Response(
                decision.body or "",
                status_code=decision.status or 200,
                media_type=decision.content_type,
                headers={"idempotent-replayed": "true"},
            )
        joined = async_sessionmaker(
            connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        session = joined()
        try:
            response = await execute(dataclasses.replace(ctx, sessionmaker=joined, session=session))
        finally:
            await session.close()
        if response.status_code >= 500:
            await transaction.rollback()
            return response
        await idempotency.store(
            connection,
            keyed.api_key_id,
            keyed.key,
            keyed.fingerprint,
            response.status_code,
            response.media_type or response.headers.get("content-type", ""),
            bytes(response.body).decode("utf-8"),
        )
        await transaction.commit()
    return response
