"""Webhook endpoints: register, update and redeliver, for the caller who owns them."""

from __future__ import annotations

import base64
import secrets
import uuid

import anyio
from sqlalchemy import and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import WebhookDelivery, WebhookEndpoint
from models.base import utcnow
from services.actor import Actor
from services.audit.log import record
from services.errors import WebhookErrorCode, input_error
from services.webhooks.delivery import DeliveryPolicy
from services.webhooks.outbox import EVENT_TYPES
from services.webhooks.ssrf import url_problem

Code = WebhookErrorCode


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _check(url: str, event_types: list[str], policy: DeliveryPolicy) -> None:
    """Refuse a URL the worker may not call and event types that do not exist."""
    if not url.strip() or len(url) > 2000:
        raise input_error("url", Code.INVALID_URL, "the URL is required (at most 2000 characters)")
    problem = url_problem(
        url.strip(), allow_private=policy.allow_private, allow_loopback=policy.allow_loopback
    )
    if problem is not None:
        raise input_error("url", Code.URL_NOT_ALLOWED, problem)
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if not event_types or unknown:
        raise input_error(
            "eventTypes",
            Code.UNKNOWN_EVENT_TYPE,
            f"event types are some of {', '.join(EVENT_TYPES)}",
        )


async def register_endpoint(
    session: AsyncSession, actor: Actor, *, url: str, event_types: list[str], policy: DeliveryPolicy
) -> WebhookEndpoint:
    """Register an endpoint for the caller: admins get every event, partners their own."""
    await anyio.to_thread.run_sync(_check, url, event_types, policy)
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        owner_key_id=actor.key_id,
        partner_id=None if actor.is_admin else actor.partner_id,
        url=url.strip(),
        event_types=sorted(set(event_types)),
        secret=new_secret(),
        enabled=True,
        consecutive_failures=0,
        created_at=utcnow(),
    )
    session.add(endpoint)
    await session.flush()
    await record(
        session,
        actor,
        "registerWebhookEndpoint",
        "WebhookEndpoint",
        endpoint.id,
        {"url": [None, endpoint.url], "event_types": [None, endpoint.event_types]},
    )
    return endpoint


async def load_endpoint(
    session: AsyncSession, actor: Actor, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """An endpoint the caller owns (admins: any)."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or not (
        actor.is_admin
        or (endpoint.partner_id is not None and endpoint.partner_id == actor.partner_id)
    ):
        raise input_error("endpointId", Code.NOT_FOUND, "no webhook endpoint has that id")
    return endpoint


async def update_endpoint(
    session: AsyncSession,
    actor: Actor,
    *,
    endpoint_id: uuid.UUID,
    enabled: bool | None,
    event_types: list[str] | None,
    policy: DeliveryPolicy,
) -> WebhookEndpoint:
    """Enable, disable or change the event types of an endpoint."""
    endpoint = await load_endpoint(session, actor, endpoint_id)
    if event_types is not None:
        await anyio.to_thread.run_sync(_check, endpoint.url, event_types, policy)
        endpoint.event_types = sorted(set(event_types))
    requeued = 0
    if enabled is not None:
        if enabled and not endpoint.enabled:
            requeued = await requeue_missed(session, endpoint)
        endpoint.enabled = enabled
        if enabled:
            endpoint.consecutive_failures, endpoint.disabled_reason = 0, None
            endpoint.failing_since = endpoint.failure_notified_at = endpoint.disabled_at = None
    await session.flush()
    await record(
        session,
        actor,
        "updateWebhookEndpoint",
        "WebhookEndpoint",
        endpoint.id,
        {
            "enabled": [None, endpoint.enabled],
            "event_types": [None, endpoint.event_types],
            "requeued": [None, requeued],
        },
    )
    return endpoint


async def requeue_missed(session: AsyncSession, endpoint: WebhookEndpoint) -> int:
    """On re-enabling: send now what the endpoint missed (within retention): deliveries held
    while it was disabled, and those given up since it began failing. Returns how many."""
    now = utcnow()
    missed = WebhookDelivery.status == "pending"
    if endpoint.failing_since is not None:
        missed = or_(
            missed,
            and_(
                WebhookDelivery.status == "failed",
                WebhookDelivery.created_at >= endpoint.failing_since,
            ),
        )
    result = await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, missed)
        .values(status="pending", next_attempt_at=now, retry_started_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def redeliver(
    session: AsyncSession, actor: Actor, *, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """Queue a delivery again, now (manual redelivery)."""
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise input_error("deliveryId", Code.NOT_FOUND, "no delivery has that id")
    await load_endpoint(session, actor, delivery.endpoint_id)
    # The lease is left alone: a worker attempting it now keeps it (never two at once).
    now = utcnow()
    delivery.status, delivery.next_attempt_at, delivery.retry_started_at = "pending", now, now
    await session.flush()
    await record(
        session,
        actor,
        "redeliverWebhook",
        "WebhookDelivery",
        delivery.id,
        {"status": [None, "pending"]},
    )
    return delivery
