"""Writing audit events, in the same transaction as the change they describe."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEvent
from models.base import utcnow
from services.actor import Actor


async def record(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    object_type: str,
    object_id: uuid.UUID,
    changes: dict[str, Any],
) -> AuditEvent:
    """Append one audit event; `changes` maps each field to `[old, new]`."""
    event = AuditEvent(
        id=uuid.uuid4(),
        occurred_at=utcnow(),
        operation=operation,
        object_type=object_type,
        object_id=str(object_id),
        actor_key_id=actor.key_id,
        actor_role=actor.role.value,
        actor_partner_id=actor.partner_id,
        request_id=actor.request_id,
        changes=changes,
    )
    session.add(event)
    return event
