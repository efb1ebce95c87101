"""Webhook delivery figures for monitoring: backlog, lag and failures (read at scrape time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.webhooks.tables import DeliveryAttempt, WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class WebhookBacklog:
    """Deliveries waiting (held ones included), how late the oldest due one is (endpoints
    enabled), and failures so far."""

    pending: int
    due: int
    lag_seconds: float
    given_up: int
    failed_attempts: int


async def webhook_backlog(session: AsyncSession, now: datetime) -> WebhookBacklog:
    """The figures as of `now`, from the shared database (the same for every process)."""
    # Deliveries held for a disabled endpoint are pending but not due: they wait for it to be
    # enabled again, and would otherwise make the lag grow without bound.
    sendable = and_(WebhookDelivery.next_attempt_at <= now, WebhookEndpoint.enabled.is_(True))
    pending_rows = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(sendable),
                func.min(WebhookDelivery.next_attempt_at).filter(sendable),
            )
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(WebhookDelivery.status == "pending")
        )
    ).one()
    given_up = await session.scalar(
        select(func.count()).select_from(WebhookDelivery).where(WebhookDelivery.status == "failed")
    )
    failed_attempts = await session.scalar(
        select(func.count())
        .select_from(DeliveryAttempt)
        .where(
            or_(
                DeliveryAttempt.status_code.is_(None),
                DeliveryAttempt.status_code < 200,
                DeliveryAttempt.status_code >= 300,
            )
        )
    )
    pending, due, oldest = pending_rows
    lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None and due else 0.0
    return WebhookBacklog(
        pending=int(pending),
        due=int(due),
        lag_seconds=lag,
        given_up=int(given_up or 0),
        failed_attempts=int(failed_attempts or 0),
    )
