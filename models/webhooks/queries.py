"""Reads of webhooks: a caller's endpoints, their deliveries, attempts and events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
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


@dataclass(frozen=True)
class EventFilter:
    """Which outbox events to list: the caller's audience, types, a time range, an endpoint."""

    partner_id: uuid.UUID | None = None
    admin: bool = False
    event_types: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    endpoint_id: uuid.UUID | None = None


def events_query(where: EventFilter) -> Select[OutboxEvent]:
    """The SELECT of outbox events matching a filter (partners: their own events only)."""
    stmt = select(OutboxEvent)
    if not where.admin:
        stmt = stmt.where(OutboxEvent.partner_id == where.partner_id)
    if where.event_types:
        stmt = stmt.where(OutboxEvent.event_type.in_(where.event_types))
    if where.since is not None:
        stmt = stmt.where(OutboxEvent.created_at >= where.since)
    if where.until is not None:
        stmt = stmt.where(OutboxEvent.created_at < where.until)
    if where.endpoint_id is not None:
        stmt = stmt.where(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.event_id == OutboxEvent.id,
                WebhookDelivery.endpoint_id == where.endpoint_id,
            )
            .exists()
        )
    return stmt


async def event_deliveries(session: AsyncSession, event_id: uuid.UUID) -> list[WebhookDelivery]:
    """An event's deliveries, one per endpoint."""
    return list(
        await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.event_id == event_id)
            .order_by(WebhookDelivery.created_at, WebhookDelivery.id)
        )
    )
