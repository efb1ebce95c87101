"""The transactional outbox: events are written with the change that causes them.

Every event gets a delivery for every endpoint that wants it, enabled or not: a disabled
endpoint's deliveries are held and sent when it is enabled again. Events are kept for the
retention period (30 days) whatever the endpoints' state, and can be listed and replayed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
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
    "webhook_endpoint.failing",
    "webhook_endpoint.disabled",
)


async def emit(
    session: AsyncSession,
    event_type: str,
    partner_id: uuid.UUID | None,
    payload: dict[str, Any],
    *,
    now: datetime | None = None,
) -> OutboxEvent:
    """Record an event and a pending delivery for every endpoint that wants it (a disabled
    endpoint's delivery waits until it is enabled again)."""
    assert event_type in EVENT_TYPES, event_type
    now = now or utcnow()
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
    endpoints = await session.scalars(select(WebhookEndpoint).where(or_(*audience)))
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
                    created_at=now,
                )
            )
    return event
