"""The transactional outbox: events are written with the change that causes them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from models.base import utcnow

EVENT_TYPES = (
    "agreement.accepted",
    "agreement.terminated",
    "referral.submitted",
    "referral.decided",
    "referral.deemed_rejected",
    "referral.conflicting",
    "commission.payable",
    "commission.paid",
    "tier.changed",
    "incident.escalated",
    "document.generated",
)


async def emit(
    session: AsyncSession, event_type: str, partner_id: uuid.UUID | None, payload: dict[str, Any]
) -> OutboxEvent:
    """Record an event and a pending delivery for every endpoint that wants it."""
    assert event_type in EVENT_TYPES, event_type
    now = utcnow()
    event = OutboxEvent(
        id=uuid.uuid4(),
        event_type=event_type,
        partner_id=partner_id,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": payload},
        created_at=now,
    )
    session.add(event)
    await session.flush()
    audience: list[ColumnElement[bool]] = [WebhookEndpoint.partner_id.is_(None)]
    if partner_id is not None:
        audience.append(WebhookEndpoint.partner_id == partner_id)
    endpoints = await session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True), or_(*audience))
    )
    for endpoint in endpoints:
        if event_type in endpoint.event_types:
            session.add(
                WebhookDelivery(
                    id=uuid.uuid4(),
                    event_id=event.id,
                    endpoint_id=endpoint.id,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                )
            )
    return event
