"""Leasing deliveries to workers, and settling an attempt under the lease that made it.

A claim takes due deliveries of enabled endpoints whose lease is free and stamps each with a
new lease token until `now + policy.lease_seconds`, longer than the slowest attempt. On
PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so concurrent workers pick
disjoint rows; on SQLite the claim is a write transaction (BEGIN IMMEDIATE: one writer at a
time). On both, the stamping UPDATE re-checks that the lease is free, and an attempt settles
only while its worker still holds the lease, so one event is never being delivered to one
endpoint twice at the same time, and a late worker cannot overwrite a newer result.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DeliveryAttempt, WebhookDelivery, WebhookEndpoint
from services.webhooks.health import record_failure, record_success
from services.webhooks.policy import Clock, DeliveryPolicy, Outcome, backoff

Lease = tuple[uuid.UUID, uuid.UUID]


def _lease_free(now: datetime) -> object:
    return or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until < now)


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: DeliveryPolicy,
    limit: int,
    clock: Clock,
) -> list[Lease]:
    """Lease up to `limit` due deliveries to this worker: (delivery id, lease token) pairs."""
    now = clock()
    token = uuid.uuid4()
    async with sessionmaker.begin() as session:
        stmt = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.enabled.is_(True),
                _lease_free(now),  # type: ignore[arg-type]
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=WebhookDelivery)
        ids = list(await session.scalars(stmt))
        if not ids:
            return []
        await session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id.in_(ids),
                WebhookDelivery.status == "pending",
                _lease_free(now),  # type: ignore[arg-type]
            )
            .values(locked_until=now + timedelta(seconds=policy.lease_seconds), lease_token=token)
            .execution_options(synchronize_session=False)
        )
        held = await session.scalars(
            select(WebhookDelivery.id).where(
                WebhookDelivery.id.in_(ids), WebhookDelivery.lease_token == token
            )
        )
        return [(delivery_id, token) for delivery_id in held]


async def release(
    sessionmaker: async_sessionmaker[AsyncSession], delivery_id: uuid.UUID, lease: uuid.UUID
) -> None:
    """Give a lease back without an attempt."""
    async with sessionmaker.begin() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.lease_token == lease)
            .values(locked_until=None, lease_token=None)
        )


async def settle(
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: DeliveryPolicy,
    delivery_id: uuid.UUID,
    lease: uuid.UUID,
    outcome: Outcome,
    clock: Clock,
) -> str:
    """Log the attempt; under a still-held lease, record its result and schedule a retry
    (backoff with jitter) or give up once the retry window has passed. Returns the status,
    or "lease-lost" when another worker has taken the delivery over."""
    now = clock()
    async with sessionmaker.begin() as session:
        delivery = await session.get(
            WebhookDelivery, delivery_id, with_for_update=True, populate_existing=True
        )
        assert delivery is not None
        session.add(
            DeliveryAttempt(
                id=uuid.uuid4(),
                delivery_id=delivery.id,
                attempted_at=now,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
            )
        )
        if delivery.lease_token != lease:
            return "lease-lost"
        endpoint = await session.get(
            WebhookEndpoint, delivery.endpoint_id, with_for_update=True, populate_existing=True
        )
        assert endpoint is not None
        delivery.attempts += 1
        delivery.locked_until, delivery.lease_token = None, None
        if outcome.ok:
            delivery.status, delivery.delivered_at = "succeeded", now
            record_success(endpoint)
            return delivery.status
        window_end = (delivery.retry_started_at or delivery.created_at) + timedelta(
            seconds=policy.retry_window_seconds
        )
        if now >= window_end:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = min(
                window_end, now + timedelta(seconds=backoff(delivery.attempts, policy))
            )
        await record_failure(session, endpoint, policy, now)
        return delivery.status
