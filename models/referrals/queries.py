"""Batch reads of referrals: status in SQL, the filtered referral list, qualified agreements,
the active-opportunity registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ActiveOpportunity, QualifiedAgreement, Referral
from models.batch import one_each


def referral_status_sql(today: date) -> ColumnElement[str]:
    """The status of a referral as of `today`, in SQL (mirrors rules.referral_state.status_on)."""
    r = Referral
    undecided = or_(r.approved_on.is_(None), r.approved_on > today)
    return case(
        (r.closed_on <= today, "closed"),
        (r.qualified_on <= today, "qualified"),
        (r.rejected_on <= today, "rejected"),
        (
            and_(undecided, r.decision_deadline < today, r.undecided_outcome == "deemed_rejected"),
            "deemed_rejected",
        ),
        (
            and_(undecided, or_(r.decision_deadline.is_(None), r.decision_deadline >= today)),
            "submitted",
        ),
        (
            or_(
                r.not_viable_on <= today,
                and_(
                    r.meeting_deadline < today,
                    or_(r.meeting_on.is_(None), r.meeting_on > r.meeting_deadline),
                ),
            ),
            "not_live",
        ),
        else_="approved",
    )


@dataclass(frozen=True)
class ReferralFilter:
    """Which referrals to list."""

    program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    today_of: tuple[tuple[uuid.UUID, date], ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None


def referrals_query(where: ReferralFilter) -> Select[Referral]:
    """The SELECT of referrals matching a filter; status is taken in each program's today."""
    stmt = select(Referral)
    if where.program_id is not None:
        stmt = stmt.where(Referral.program_id == where.program_id)
    if where.partner_id is not None:
        stmt = stmt.where(Referral.partner_id == where.partner_id)
    if where.submitted_from is not None:
        stmt = stmt.where(Referral.submitted_on >= where.submitted_from)
    if where.submitted_to is not None:
        stmt = stmt.where(Referral.submitted_on <= where.submitted_to)
    if where.statuses:
        stmt = stmt.where(
            or_(
                *[
                    and_(
                        Referral.program_id == program_id,
                        referral_status_sql(today).in_(where.statuses),
                    )
                    for program_id, today in where.today_of
                ]
                or [false()]
            )
        )
    return stmt


async def qualified_of_referrals(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[QualifiedAgreement | None]:
    """Each referral's qualified agreement, if any."""
    return await one_each(session, QualifiedAgreement, QualifiedAgreement.referral_id, ids)


async def list_opportunities(
    session: AsyncSession, program_id: uuid.UUID
) -> list[ActiveOpportunity]:
    """A program's active-opportunity registry, newest first."""
    return list(
        await session.scalars(
            select(ActiveOpportunity)
            .where(ActiveOpportunity.program_id == program_id)
            .order_by(ActiveOpportunity.created_at.desc())
        )
    )
