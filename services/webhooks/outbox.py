"""The transactional outbox: events are written with the change that causes them.

Every event gets a delivery for every endpoint that wants it, enabled or not: a disabled
endpoint's deliveries are held and sent when it is enabled again. Events are kept for the
retention period (30 days) whatever the endpoints' state, and can be listed and replayed.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, event, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from models import OutboxEvent, WebhookDelivery, WebhookEndpoint, facts
from models.base import utcnow
from models.fact_objects import new

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


ENDPOINTS = "partnergraph.webhook_endpoints"
"""Session.info key: the endpoints read in this transaction, by partner (None: global only)."""


async def _endpoints(session: AsyncSession, partner_id: uuid.UUID | None) -> list[WebhookEndpoint]:
    """The endpoints an event of `partner_id` may go to, read once per transaction (a use case
    emitting three events reads them once; issue 14)."""
    cache: dict[uuid.UUID | None, list[WebhookEndpoint]] = session.info.setdefault(ENDPOINTS, {})
    found = cache.get(partner_id)
    if found is None or any(isinstance(o, WebhookEndpoint) for o in session.new):
        audience: list[ColumnElement[bool]] = [WebhookEndpoint.partner_id.is_(None)]
        if partner_id is not None:
            audience.append(WebhookEndpoint.partner_id == partner_id)
        found = list(await session.scalars(select(WebhookEndpoint).where(or_(*audience))))
        cache[partner_id] = found
    return found


def remember_endpoints(
    session: AsyncSession, partner_id: uuid.UUID | None, endpoints: list[WebhookEndpoint]
) -> None:
    """Keep the endpoints of `partner_id` read along with other rows, for the transaction's
    events (instead of `_endpoints` reading them)."""
    session.info.setdefault(ENDPOINTS, {})[partner_id] = endpoints


@event.listens_for(Session, "after_transaction_end")
def _forget_endpoints(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(ENDPOINTS, None)


@event.listens_for(Session, "before_flush")
def _endpoints_changed(session: Session, *_: Any) -> None:
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if ENDPOINTS in session.info and any(isinstance(o, WebhookEndpoint) for o in changed):
        session.info.pop(ENDPOINTS)


@event.listens_for(Session, "do_orm_execute")
def _endpoints_written(state: ORMExecuteState) -> None:
    written = state.is_insert or state.is_update or state.is_delete
    table = getattr(state.statement, "table", None) if written else None
    if table is not None and table.name == WebhookEndpoint.__tablename__:
        state.session.info.pop(ENDPOINTS, None)


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
    event = new(
        OutboxEvent,
        id=uuid.uuid4(),
        event_type=event_type,
        partner_id=partner_id,
        payload={"type": event_type, "timestamp": now.isoformat(), "data": payload},
        created_at=now,
    )
    facts.add(session, event)
    if not facts.batching(session):
        await session.flush()
    for endpoint in await _endpoints(session, partner_id):
        if event_type in endpoint.event_types:
            facts.add(
                session,
                new(
                    WebhookDelivery,
                    id=uuid.uuid4(),
                    event_id=event.id,
                    endpoint_id=endpoint.id,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                ),
            )
    return event
