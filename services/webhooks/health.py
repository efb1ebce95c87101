"""Endpoint health: failing since when, telling the owner, disabling after days of failures.

An endpoint is failing from its first failed attempt after a success. After
`policy.notify_after_seconds` of failing, its owner is told once: a `webhook_endpoint.failing`
event (to the owner's endpoints that subscribe to it) and an audit entry; the endpoint shows
`failingSince`. Only after `policy.disable_after_seconds` (days) of failures with no success is
it disabled (`webhook_endpoint.disabled` and an audit entry). One success clears it all.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import WebhookEndpoint
from services.actor import SYSTEM
from services.audit.log import record
from services.webhooks.outbox import emit
from services.webhooks.policy import DeliveryPolicy

log = logging.getLogger("partnergraph.webhooks")


def record_success(endpoint: WebhookEndpoint) -> None:
    """A delivery succeeded: the endpoint is healthy again."""
    endpoint.consecutive_failures = 0
    endpoint.failing_since, endpoint.failure_notified_at = None, None


def _summary(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "endpointId": str(endpoint.id),
        "url": endpoint.url,
        "failingSince": endpoint.failing_since.isoformat() if endpoint.failing_since else None,
        "consecutiveFailures": endpoint.consecutive_failures,
    }


async def record_failure(
    session: AsyncSession, endpoint: WebhookEndpoint, policy: DeliveryPolicy, now: datetime
) -> None:
    """A delivery attempt failed: count it, tell the owner, disable after days of failures."""
    endpoint.consecutive_failures += 1
    if endpoint.failing_since is None:
        endpoint.failing_since = now
    failing_for = now - endpoint.failing_since
    if endpoint.failure_notified_at is None and failing_for >= timedelta(
        seconds=policy.notify_after_seconds
    ):
        endpoint.failure_notified_at = now
        await emit(
            session, "webhook_endpoint.failing", endpoint.partner_id, _summary(endpoint), now=now
        )
        await record(
            session,
            SYSTEM,
            "webhookEndpointFailing",
            "WebhookEndpoint",
            endpoint.id,
            {"failing_since": [None, endpoint.failing_since.isoformat()]},
        )
        log.warning("webhook endpoint %s failing since %s", endpoint.id, endpoint.failing_since)
    if endpoint.enabled and failing_for >= timedelta(seconds=policy.disable_after_seconds):
        endpoint.enabled, endpoint.disabled_at = False, now
        days = failing_for.total_seconds() / 86400
        endpoint.disabled_reason = (
            f"disabled after {days:.1f} days of failed deliveries "
            f"({endpoint.consecutive_failures} failed attempts in a row); "
            "its events are kept and sent when it is enabled again"
        )
        await emit(
            session, "webhook_endpoint.disabled", endpoint.partner_id, _summary(endpoint), now=now
        )
        await record(
            session,
            SYSTEM,
            "webhookEndpointDisabled",
            "WebhookEndpoint",
            endpoint.id,
            {"enabled": [True, False]},
        )
        log.warning("webhook endpoint %s disabled", endpoint.id)
