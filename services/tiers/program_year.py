"""Use cases: the periodic (by default quarterly) engagement review and the program-year rollover
(SEG-TIER-06/07)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AuditEvent,
    Evidence,
    Membership,
    Program,
    Referral,
    Tier,
)
from rules.citations import cited_in
from rules.enums import MembershipStatus
from rules.program_year import CALENDAR_YEAR, ProgramYear
from services.actor import Actor
from services.agreements.membership_state import membership_status_on
from services.errors import GovernanceErrorCode, input_error
from services.partners.membership_changes import change_tier
from services.partners.memberships import program_today
from services.programs.typed import spec_of
from services.tiers.evaluation import evaluate_membership, tier_held_on

Code = GovernanceErrorCode


def review_period_bounds(
    period: str, months: int, years: ProgramYear = CALENDAR_YEAR
) -> tuple[date, date]:
    """A review period of `months` months (program data `review_every_months`, SEG-TIER-07)
    as its first and last days: `2026-P5` is the fifth period of program year 2026; with
    3-month periods `2026-Q3` names the same period as `2026-P3`. Periods tile the program
    year from its first day (`program_year.starts_on`; the calendar year by default)."""
    count = 12 // months
    try:
        year, _, number = period.partition("-")
        if number[:1] not in ("P", "Q") or (number[0] == "Q" and months != 3):
            raise ValueError
        index = int(number[1:])
        if not 1 <= index <= count:
            raise ValueError
        return years.period(int(year), index, months)
    except ValueError as exc:
        example = "2026-Q3 or 2026-P3" if months == 3 else f"2026-P1 .. 2026-P{count}"
        raise input_error(
            "quarter", Code.INVALID_DATE, f"a {months}-month review period looks like {example}"
        ) from exc


async def unengaged_memberships(
    session: AsyncSession, program: Program, quarter: str
) -> list[Membership]:
    """Members of the review tier with no engagement in the quarter (SEG-TIER-07), read from
    the facts' own dates (issue 11): a fact entered late gives the review of its day.

    The members are those active and holding the review tier on the period's last day (today
    while it runs), read from the tier history's effective dates and the membership's status
    as of that day. Engagement is any activity of the partner dated in the period: a referral
    submitted (`submittedOn`), evidence (`occurredOn`, else the day it was recorded), or any
    change made with the partner's own API key (its audit event's fact date, else the time it
    was written).
    """
    spec = spec_of(program)
    settings = spec.tier_evaluation
    review = settings.review_tier
    if review is None:
        return []
    start, end = review_period_bounds(
        quarter, settings.review_every_months or 3, spec.program_year.years
    )
    zone = ZoneInfo(program.timezone)
    since = datetime.combine(start, time(0), zone)
    until = datetime.combine(date.fromordinal(end.toordinal() + 1), time(0), zone)
    tier = await session.scalar(
        select(Tier).where(Tier.program_id == program.id, Tier.key == review)
    )
    assert tier is not None
    on = min(end, program_today(program))  # a running period: as of today
    engaged: set[uuid.UUID] = set()
    engaged |= set(
        await session.scalars(
            select(Referral.partner_id).where(
                Referral.program_id == program.id,
                Referral.submitted_on >= start,
                Referral.submitted_on <= end,
            )
        )
    )
    engaged |= set(
        await session.scalars(
            select(Evidence.partner_id).where(
                Evidence.program_id == program.id,
                or_(
                    and_(Evidence.occurred_on >= start, Evidence.occurred_on <= end),
                    and_(
                        Evidence.occurred_on.is_(None),
                        Evidence.created_at >= since,
                        Evidence.created_at < until,
                    ),
                ),
            )
        )
    )
    engaged |= {
        p
        for p in await session.scalars(
            select(AuditEvent.actor_partner_id).where(
                AuditEvent.actor_role == "partner",
                or_(
                    and_(AuditEvent.fact_date >= start, AuditEvent.fact_date <= end),
                    and_(
                        AuditEvent.fact_date.is_(None),
                        AuditEvent.occurred_at >= since,
                        AuditEvent.occurred_at < until,
                    ),
                ),
            )
        )
        if p is not None
    }
    candidates = await session.scalars(
        select(Membership)
        .where(Membership.program_id == program.id, Membership.joined_on <= on)
        .order_by(Membership.joined_on, Membership.id)
    )
    # The engaged are left out first: the tier and status as of the day are read per member.
    return [
        m
        for m in candidates
        if m.partner_id not in engaged
        and await tier_held_on(session, m, on) == tier.id
        and await membership_status_on(session, program, m, on) is MembershipStatus.ACTIVE
    ]


@dataclass(frozen=True)
class Proposal:
    """One membership's proposed tier for a program year."""

    membership: Membership
    current: str
    proposed: str
    direction: str


async def rollover(
    session: AsyncSession,
    actor: Actor,
    program: Program,
    year: int,
    *,
    apply: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[Proposal]:
    """Propose (and optionally apply) every member's tier for a program year (SEG-TIER-06), as
    of the year's first day (`program_year.starts_on`: 1 January for Segment)."""
    members = list(
        await session.scalars(
            select(Membership)
            .where(
                Membership.program_id == program.id,
                Membership.status.in_((MembershipStatus.ACTIVE, MembershipStatus.APPLICANT)),
            )
            .order_by(Membership.joined_on, Membership.id)
        )
    )
    tiers = {
        t.key: t for t in await session.scalars(select(Tier).where(Tier.program_id == program.id))
    }
    on = spec_of(program).program_year.years.first_day(year)
    if apply and on > program_today(program):
        raise input_error(
            "year",
            Code.INVALID_DATE,
            f"the {year} program year has not started: apply on or after {on}",
        )
    # A member enrolled after the year's first day has no tier to roll over on it (a tier
    # change never precedes the enrolment, issue 11): it starts at its own entry tier.
    members = [m for m in members if m.joined_on <= on]
    proposals = []
    for index, membership in enumerate(members, start=1):
        evaluation = await evaluate_membership(session, membership, program, on, "annual")
        proposals.append(
            Proposal(membership, evaluation.current, evaluation.qualified, evaluation.direction)
        )
        if progress:
            progress(index, len(members))
    if apply:
        evaluation_rules = spec_of(program).tier_evaluation
        rollover_cites = cited_in(
            evaluation_rules.cites.get("rollover", []) if evaluation_rules else []
        )
        for item in proposals:
            if item.direction != "same":
                await change_tier(
                    session,
                    actor,
                    item.membership.id,
                    tiers[item.proposed].id,
                    f"Program-year {year} rollover{rollover_cites}",
                    on,
                    evaluation_mode="annual",
                )
    return proposals
