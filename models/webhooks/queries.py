"""Reads of webhooks: a caller's endpoints, their deliveries, attempts and events."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint


async def webhook_endpoints_of(
    session: AsyncSession, partner_id: uuid.UUID | None, admin: bool
) -> list[WebhookEndpoint]:
    """Endpoints a caller sees: admins all, partners their partner's."""
    stmt = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at)
    if not admin:
        stmt = stmt.where(WebhookEndpoint.partner_id == partner_id)
    return list(await session.scalars(stmt))


async def endpoint_deliveries(
    session: AsyncSession, endpoint_id: uuid.UUID, limit: int
) -> list[WebhookDelivery]:
    """An endpoint's latest deliveries."""
    return list(
        await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.created_at.desc())
            .limit(limit)
        )
    )


async def delivery_attempts(session: AsyncSession, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
    """A delivery's attempts, oldest first."""
    return list(
        await session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.attempted_at)
        )
    )


async def webhook_event(session: AsyncSession, event_id: uuid.UUID) -> OutboxEvent:
    """An outbox event."""
    event = await session.get(OutboxEvent, event_id)
    assert event is not None
    return event
