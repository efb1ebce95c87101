"""Notifications: events recorded for a partner to read."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models import Notification
from models.base import utcnow


def notify(
    session: AsyncSession,
    partner_id: uuid.UUID,
    program_id: uuid.UUID | None,
    kind: str,
    payload: dict[str, object],
) -> Notification:
    """Record an event for the partner (SEG-AGR-02: tier changes are notified)."""
    event = Notification(
        id=uuid.uuid4(),
        partner_id=partner_id,
        program_id=program_id,
        kind=kind,
        payload=payload,
        created_at=utcnow(),
    )
    session.add(event)
    return event
