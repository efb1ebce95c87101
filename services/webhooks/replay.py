"""Replaying an endpoint's events over a time range, and purging events past retention."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import DeliveryAttempt, OutboxEvent, WebhookDelivery
from models.base import utcnow
from models.webhooks.queries import EventFilter, events_query
from services.actor import Actor
from services.audit.log import record
from services.errors import WebhookErrorCode, input_error
from services.webhooks.endpoints import load_endpoint
from services.webhooks.outbox import EVENT_TYPES
from services.webhooks.policy import DeliveryPolicy

Code = WebhookErrorCode


async def replay_events(
    session: AsyncSession,
    actor: Actor,
    *,
    endpoint_id: uuid.UUID,
    since: datetime,
    until: datetime,
    event_types: list[str] | None,
    policy: DeliveryPolicy,
) -> int:
    """Queue again, now, every event of [since, until) the endpoint receives (its audience and
    event types, optionally narrowed): delivered or given-up ones are sent again (same
    `webhook-id`), missing ones get a delivery. A delivery being attempted keeps its lease.
    The range is cut to the retention period; returns how many deliveries were queued."""
    endpoint = await load_endpoint(session, actor, endpoint_id)
    if since.tzinfo is None or until.tzinfo is None or since >= until:
        raise input_error("until", Code.INVALID_RANGE, "since must come before until")
    now = utcnow()
    kept_from = now - timedelta(seconds=policy.retention_seconds)
    if until <= kept_from:
        raise input_error(
            "until", Code.OUTSIDE_RETENTION, f"events are kept from {kept_from.isoformat()} on"
        )
    wanted = set(endpoint.event_types)
    if event_types is not None:
        unknown = sorted(set(event_types) - set(EVENT_TYPES))
        if unknown:
            raise input_error(
                "eventTypes", Code.UNKNOWN_EVENT_TYPE, f"unknown event types: {', '.join(unknown)}"
            )
        wanted &= set(event_types)
    where = EventFilter(
        partner_id=endpoint.partner_id,
        admin=endpoint.partner_id is None,
        event_types=tuple(sorted(wanted)),
        since=max(since, kept_from),
        until=until,
    )
    query = events_query(where).with_only_columns(OutboxEvent.id)
    event_ids = list(await session.scalars(query)) if wanted else []
    existing = set(
        await session.scalars(
            select(WebhookDelivery.event_id).where(
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.event_id.in_(event_ids),
            )
        )
    )
    if existing:
        await session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.endpoint_id == endpoint.id,
                WebhookDelivery.event_id.in_(existing),
            )
            .values(status="pending", next_attempt_at=now, retry_started_at=now)
            .execution_options(synchronize_session=False)
        )
    for event_id in event_ids:
        if event_id not in existing:
            session.add(
                WebhookDelivery(
                    id=uuid.uuid4(),
                    event_id=event_id,
                    endpoint_id=endpoint.id,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    await session.flush()
    await record(
        session,
        actor,
        "replayWebhookEvents",
        "WebhookEndpoint",
        endpoint.id,
        {"replayed": [None, len(event_ids)], "since": [None, since.isoformat()]},
    )
    return len(event_ids)


async def purge_expired(session: AsyncSession, policy: DeliveryPolicy, now: datetime) -> int:
    """Delete events older than the retention period (their deliveries and attempts go with
    them); returns how many."""
    cutoff = now - timedelta(seconds=policy.retention_seconds)
    expired = select(OutboxEvent.id).where(OutboxEvent.created_at < cutoff)
    delivery_ids = select(WebhookDelivery.id).where(WebhookDelivery.event_id.in_(expired))
    await session.execute(
        delete(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_(delivery_ids))
    )
    await session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(expired)))
    result = await session.execute(delete(OutboxEvent).where(OutboxEvent.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
