"""Webhook delivery figures for monitoring: backlog, lag and failures (read at scrape time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.webhooks.tables import DeliveryAttempt, WebhookDelivery


@dataclass(frozen=True)
class WebhookBacklog:
    """Deliveries waiting, how late the oldest due one is, and failures so far."""

    pending: int
    due: int
    lag_seconds: float
    given_up: int
    failed_attempts: int


async def webhook_backlog(session: AsyncSession, now: datetime) -> WebhookBacklog:
    """The figures as of `now`, from the shared database (the same for every process)."""
    pending_rows = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(WebhookDelivery.next_attempt_at <= now),
                func.min(WebhookDelivery.next_attempt_at),
            ).where(WebhookDelivery.status == "pending")
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
