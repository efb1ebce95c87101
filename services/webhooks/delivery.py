"""The webhook delivery worker: Standard Webhooks signatures, claiming, retries and backoff."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import anyio
import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint
from models.base import utcnow
from services.webhooks.ssrf import url_problem

log = logging.getLogger("partnergraph.webhooks")


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard the worker tries."""

    max_attempts: int = 8
    base_delay_seconds: float = 10.0
    max_delay_seconds: float = 3600.0
    disable_after_failures: int = 5
    timeout_seconds: float = 10.0
    lock_seconds: float = 60.0
    allow_private: bool = False


def backoff(attempts: int, policy: DeliveryPolicy, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt: exponential, capped, with full jitter."""
    ceiling = min(policy.max_delay_seconds, policy.base_delay_seconds * 2 ** (attempts - 1))
    return (rng or random.SystemRandom()).uniform(ceiling / 2, ceiling)


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header value (v1, HMAC-SHA256, base64)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession], policy: DeliveryPolicy, limit: int
) -> list[uuid.UUID]:
    """Lock up to `limit` due deliveries for this worker; others skip them (SKIP LOCKED on
    PostgreSQL, the write lock on SQLite), so no event is delivered twice at once."""
    now = utcnow()
    async with sessionmaker.begin() as session:
        stmt = (
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(await session.scalars(stmt))
        if ids:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids))
                .values(locked_until=now + timedelta(seconds=policy.lock_seconds))
            )
    return ids


async def deliver_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    policy: DeliveryPolicy,
    delivery_id: uuid.UUID,
) -> str:
    """Attempt one claimed delivery; return its new status."""
    async with sessionmaker() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
        event = await session.get(OutboxEvent, delivery.event_id)
        assert endpoint is not None and event is not None
    body = json.dumps(event.payload, separators=(",", ":"), sort_keys=True)
    timestamp = int(time.time())
    message_id = f"msg_{event.id.hex}"
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, message_id, timestamp, body),
        "user-agent": "PartnerGraph-Webhooks/1",
    }
    started = time.monotonic()
    code, error = None, None
    problem = (
        await anyio.to_thread.run_sync(
            lambda: url_problem(endpoint.url, allow_private=policy.allow_private)
        )
        if endpoint.enabled
        else "endpoint disabled"
    )
    if problem is None:
        try:
            response = await client.post(
                endpoint.url, content=body, headers=headers, timeout=policy.timeout_seconds
            )
            code = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    else:
        error = problem
    ok = code is not None and 200 <= code < 300
    return await _settle(
        sessionmaker, policy, delivery_id, ok, code, error, int((time.monotonic() - started) * 1000)
    )


async def _settle(
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: DeliveryPolicy,
    delivery_id: uuid.UUID,
    ok: bool,
    code: int | None,
    error: str | None,
    duration_ms: int,
) -> str:
    now = utcnow()
    async with sessionmaker.begin() as session:
        delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
        assert delivery is not None
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
        assert endpoint is not None
        session.add(
            DeliveryAttempt(
                id=uuid.uuid4(),
                delivery_id=delivery.id,
                attempted_at=now,
                status_code=code,
                error=error,
                duration_ms=duration_ms,
            )
        )
        delivery.attempts += 1
        delivery.locked_until = None
        if ok:
            delivery.status, delivery.delivered_at = "succeeded", now
            endpoint.consecutive_failures = 0
        else:
            endpoint.consecutive_failures += 1
            if endpoint.enabled and endpoint.consecutive_failures >= policy.disable_after_failures:
                endpoint.enabled = False
                endpoint.disabled_reason = (
                    f"disabled after {endpoint.consecutive_failures} failed attempts in a row"
                )
                log.warning("webhook endpoint %s disabled", endpoint.id)
            if delivery.attempts >= policy.max_attempts or not endpoint.enabled:
                delivery.status = "failed"
            else:
                delivery.next_attempt_at = now + timedelta(
                    seconds=backoff(delivery.attempts, policy)
                )
        return delivery.status


async def run_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    policy: DeliveryPolicy,
    limit: int = 50,
) -> dict[str, int]:
    """Claim and attempt the due deliveries; counts by resulting status."""
    counts: dict[str, int] = {}
    for delivery_id in await claim(sessionmaker, policy, limit):
        status = await deliver_one(sessionmaker, client, policy, delivery_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
