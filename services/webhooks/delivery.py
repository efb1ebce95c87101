"""The webhook delivery worker: Standard Webhooks signatures, leases, bounded parallel attempts."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
import uuid

import anyio
import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from models.base import utcnow
from services.webhooks.leases import claim, release, settle
from services.webhooks.policy import Clock, DeliveryPolicy, Outcome, backoff
from services.webhooks.ssrf import pinned_url, resolve

log = logging.getLogger("partnergraph.webhooks")
__all__ = ["Clock", "DeliveryPolicy", "backoff", "deliver_one", "run_once", "sign"]


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header value (v1, HMAC-SHA256, base64)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


async def _attempt(
    client: httpx.AsyncClient,
    policy: DeliveryPolicy,
    endpoint: WebhookEndpoint,
    event: OutboxEvent,
) -> Outcome:
    body = json.dumps(event.payload, separators=(",", ":"), sort_keys=True)
    timestamp = int(time.time())
    message_id = f"msg_{event.id.hex}"
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, message_id, timestamp, body),
        "user-agent": "PartnerGraph-Webhooks/1",
    }
    started = time.monotonic()
    code, error = None, None
    target, problem = await anyio.to_thread.run_sync(
        lambda: resolve(
            endpoint.url,
            allow_private=policy.allow_private,
            allow_loopback=policy.allow_loopback,
        )
    )
    if target is not None:
        # Connect to the address that was checked (no second resolution), with the original
        # Host header and TLS server name (certificates are verified against the host name).
        url, host = pinned_url(endpoint.url, target)
        try:
            response = await client.post(
                url,
                content=body,
                headers={**headers, **host},
                timeout=policy.timeout_seconds,
                extensions={"sni_hostname": target.host},
            )
            code = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    else:
        error = problem
    ok = code is not None and 200 <= code < 300
    return Outcome(ok, code, error, int((time.monotonic() - started) * 1000))


async def deliver_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    policy: DeliveryPolicy,
    delivery_id: uuid.UUID,
    lease: uuid.UUID,
    clock: Clock = utcnow,
) -> str:
    """Attempt one delivery this worker holds the lease of; return its new status."""
    async with sessionmaker() as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
        event = await session.get(OutboxEvent, delivery.event_id)
        assert endpoint is not None and event is not None
    if not endpoint.enabled:  # disabled since the claim: hold the delivery, no attempt
        await release(sessionmaker, delivery_id, lease)
        return "held"
    outcome = await _attempt(client, policy, endpoint, event)
    return await settle(sessionmaker, policy, delivery_id, lease, outcome, clock)


async def run_once(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    policy: DeliveryPolicy,
    limit: int | None = None,
    clock: Clock = utcnow,
) -> dict[str, int]:
    """Lease up to `limit` (default: the policy's concurrency) due deliveries and attempt them
    in parallel, each with the policy's timeout; counts by resulting status."""
    claimed = await claim(sessionmaker, policy, limit or policy.concurrency, clock)
    statuses = await asyncio.gather(
        *(deliver_one(sessionmaker, client, policy, d, lease, clock) for d, lease in claimed)
    )
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts
