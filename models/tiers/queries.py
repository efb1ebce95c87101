"""Reads of tier governance: evidence, notifications, usage over cap, MDF requests."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Evidence, MdfRequest, Notification, UsageReport


async def evidence_of(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID, kind: str | None
) -> list[Evidence]:
    """A partner's evidence in a program, newest first."""
    stmt = select(Evidence).where(
        Evidence.partner_id == partner_id, Evidence.program_id == program_id
    )
    if kind is not None:
        stmt = stmt.where(Evidence.kind == kind)
    return list(
        await session.scalars(
            stmt.order_by(Evidence.occurred_on.desc(), Evidence.created_at.desc())
        )
    )


async def notifications_of(
    session: AsyncSession, partner_id: uuid.UUID, limit: int
) -> list[Notification]:
    """A partner's latest notifications."""
    return list(
        await session.scalars(
            select(Notification)
            .where(Notification.partner_id == partner_id)
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


async def usage_over_cap(
    session: AsyncSession, program_id: uuid.UUID, month: date
) -> list[UsageReport]:
    """Reports of a month above a cap."""
    return list(
        await session.scalars(
            select(UsageReport)
            .where(
                UsageReport.program_id == program_id,
                UsageReport.month == month,
                UsageReport.over_cap.is_(True),
            )
            .order_by(UsageReport.api_calls.desc())
        )
    )


async def mdf_requests_of(
    session: AsyncSession, program_id: uuid.UUID, partner_id: uuid.UUID | None
) -> list[MdfRequest]:
    """MDF requests of a program (of one partner when given), newest first."""
    stmt = select(MdfRequest).where(MdfRequest.program_id == program_id)
    if partner_id is not None:
        stmt = stmt.where(MdfRequest.partner_id == partner_id)
    return list(await session.scalars(stmt.order_by(MdfRequest.requested_at.desc())))
