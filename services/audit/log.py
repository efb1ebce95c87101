"""Writing audit events, in the same transaction as the change they describe."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

import models
from models import AuditEvent, facts
from models.base import utcnow
from models.fact_objects import new
from services.actor import Actor
from services.fact_dates import FactDate

# Object types whose rows name the partner they belong to (`partner_id`), or lead to one.
_OWNED = (
    "Membership",
    "Agreement",
    "Referral",
    "Incident",
    "Commission",
    "MdfRequest",
    "AccessRequest",
    "WebhookEndpoint",
)


async def subject_partner(
    session: AsyncSession, object_type: str, object_id: uuid.UUID
) -> uuid.UUID | None:
    """The partner an audited object belongs to, if any."""
    if object_type == "Partner":
        return object_id
    if object_type in _OWNED:
        model = getattr(models, object_type)
        row = facts.queued_new(session, model, object_id) or await session.get(model, object_id)
        return getattr(row, "partner_id", None) if row is not None else None
    if object_type == "QualifiedAgreement":
        qualified = await session.get(models.QualifiedAgreement, object_id)
        if qualified is not None:
            referral = await session.get(models.Referral, qualified.referral_id)
            return referral.partner_id if referral is not None else None
    return None


async def record(
    session: AsyncSession,
    actor: Actor,
    operation: str,
    object_type: str,
    object_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    dated: FactDate | None = None,
) -> AuditEvent:
    """Append one audit event; `changes` maps each field to `[old, new]`.

    `dated` is the date of the fact recorded, when the change records one: the event keeps it
    and is marked `backfilled` when that date is before the day of entry (issue 11).
    """
    event = new(
        AuditEvent,
        id=uuid.uuid4(),
        occurred_at=utcnow(),
        operation=operation,
        object_type=object_type,
        object_id=str(object_id),
        actor_key_id=actor.key_id,
        actor_role=actor.role.value,
        actor_partner_id=actor.partner_id,
        partner_id=await subject_partner(session, object_type, object_id) or actor.partner_id,
        request_id=actor.request_id,
        changes=changes,
        fact_date=dated.day if dated is not None else None,
        backfilled=dated is not None and dated.backfilled,
    )
    facts.add(session, event)
    return event
