"""A membership's status on any date (issue 11 `asOf`), derived from dated facts: the
enrolment day, the membership agreements' states that day (SEG-AGR-01, CS-AGR-01) and the day a
deactivation took effect. A past date's answer changes only when a fact dated on or before it
is recorded.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AuditEvent, Program
from models.partners.records import AnyMembership
from rules.agreement_terms import AgreementStatus
from rules.enums import MembershipStatus
from services.agreements.supplements import IN_EFFECT, agreement_state
from services.fact_dates import program_today
from services.programs.typed import membership_kinds


async def membership_status_on(
    session: AsyncSession, program: Program, membership: AnyMembership, on: date
) -> MembershipStatus | None:
    """The status at the start of `on`; None before enrolment.

    Active while a membership agreement is in effect; terminated once every one has ended;
    an applicant before any takes effect; deactivated from the deactivation's own day. A
    program membership without agreements keeps its recorded status.
    """
    if on < membership.joined_on:
        return None
    if membership.status is MembershipStatus.DEACTIVATED:
        recorded = (
            await session.execute(
                select(AuditEvent.fact_date, AuditEvent.occurred_at)
                .where(
                    AuditEvent.operation == "deactivateMembership",
                    AuditEvent.object_id == str(membership.id),
                )
                .order_by(AuditEvent.occurred_at.desc())
                .limit(1)
            )
        ).first()
        # The deactivation's own day (its audit event's factDate); events written before
        # deactivations were dated carry none: the day they were recorded.
        day = None if recorded is None else recorded[0] or program_today(program, recorded[1])
        if day is None or day <= on:
            return MembershipStatus.DEACTIVATED
    kinds = membership_kinds(program)
    rows = list(
        await session.scalars(
            select(Agreement).where(
                Agreement.partner_id == membership.partner_id,
                Agreement.program_id == program.id,
                Agreement.kind.in_(kinds),
            )
        )
    )
    if not rows:
        return (
            membership.status
            if membership.status is not MembershipStatus.DEACTIVATED
            else MembershipStatus.ACTIVE
        )
    states = [(await agreement_state(session, program, row, on)).status for row in rows]
    if any(s in IN_EFFECT for s in states):
        return MembershipStatus.ACTIVE
    if any(s in (AgreementStatus.TERMINATED, AgreementStatus.EXPIRED) for s in states):
        return MembershipStatus.TERMINATED
    return MembershipStatus.APPLICANT
