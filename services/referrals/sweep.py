"""Use case: persist the time-driven transitions of referrals (CS-REF-02, CS-REF-10)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Referral
from rules.global_ids import global_id
from services.webhooks.outbox import emit


def _next_day(day: date | None) -> date:
    assert day is not None
    return day + timedelta(days=1)


async def sweep(session: AsyncSession, today_of: dict[uuid.UUID, date]) -> dict[str, int]:
    """Persist time-driven transitions as of each program's today (CS-REF-02, CS-REF-10).

    Each row is updated only while its column is still empty, so running twice, or twice at
    once, changes nothing more. The API never depends on it: status is computed from facts.
    """
    counts = {"deemed_rejected": 0, "lapsed": 0}
    for program_id, today in today_of.items():
        undecided = await session.execute(
            select(Referral.id, Referral.decision_deadline).where(
                Referral.program_id == program_id,
                Referral.undecided_outcome == "deemed_rejected",
                Referral.deemed_rejected_on.is_(None),
                Referral.approved_on.is_(None),
                Referral.rejected_on.is_(None),
                Referral.decision_deadline < today,
            )
        )
        for referral_id, deadline in undecided.all():
            done = await session.execute(
                update(Referral)
                .where(Referral.id == referral_id, Referral.deemed_rejected_on.is_(None))
                .values(deemed_rejected_on=_next_day(deadline))
            )
            if getattr(done, "rowcount", 0):
                counts["deemed_rejected"] += 1
                partner_id = await session.scalar(
                    select(Referral.partner_id).where(Referral.id == referral_id)
                )
                await emit(
                    session,
                    "referral.deemed_rejected",
                    partner_id,
                    {
                        "referral": global_id("Referral", referral_id),
                        "deadline": deadline.isoformat() if deadline else None,
                    },
                )
        stale = await session.execute(
            select(Referral.id, Referral.meeting_deadline).where(
                Referral.program_id == program_id,
                Referral.lapsed_on.is_(None),
                Referral.approved_on.is_not(None),
                Referral.meeting_deadline < today,
                or_(Referral.meeting_on.is_(None), Referral.meeting_on > Referral.meeting_deadline),
                and_(Referral.closed_on.is_(None), Referral.qualified_on.is_(None)),
            )
        )
        for referral_id, deadline in stale.all():
            done = await session.execute(
                update(Referral)
                .where(Referral.id == referral_id, Referral.lapsed_on.is_(None))
                .values(lapsed_on=_next_day(deadline))
            )
            counts["lapsed"] += int(getattr(done, "rowcount", 0) or 0)
    return counts
