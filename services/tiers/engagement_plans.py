"""Use cases: partner engagement plans, requested, delivered and reviewed (CS-AGR-05)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Evidence,
)
from services.actor import Actor
from services.audit.log import record
from services.errors import GovernanceErrorCode, input_error
from services.fact_dates import Earlier, fact_date
from services.programs.typed import membership_kinds, spec_of
from services.tiers.entitlements import require_admin, scope

Code = GovernanceErrorCode


async def engagement_plan_step(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    program_id: uuid.UUID,
    step: str,
    on: date | None = None,
) -> Evidence:
    """Request, deliver or review the partner's engagement plan (CS-AGR-05), each step on its
    own day (`on`: default the program's today; admin keys may give a past day; issue 11).

    Requested: due 90 days (program data) after the Effective Date, or after the request when
    that comes later. Delivered and reviewed dates are recorded; the next review is due a
    year (program data) after the latest delivery or review.
    """
    from models import Agreement

    partner, program = await scope(session, actor, partner_id, program_id)
    rules = spec_of(program).engagement_plan
    if rules is None:
        raise input_error(
            "programId", Code.NOT_FOUND, f"{program.slug} asks for no engagement plan"
        )
    if step in ("request", "review"):
        require_admin(actor, f"{step} engagement plans")
    plan = await session.scalar(
        select(Evidence)
        .where(
            Evidence.partner_id == partner.id,
            Evidence.program_id == program.id,
            Evidence.kind == "engagement_plan",
        )
        .order_by(Evidence.created_at.desc())
        .limit(1)
    )
    previous = None
    if plan is not None and step != "request":
        previous = (
            Earlier("the request", plan.requested_on)
            if step == "deliver"
            else Earlier("the delivery", plan.occurred_on)
        )
    dated = fact_date(program, actor, on, "on", Code, *([previous] if previous else []))
    today = dated.day
    if step == "request":
        kinds = membership_kinds(program)
        agreement = await session.scalar(
            select(Agreement).where(
                Agreement.partner_id == partner.id,
                Agreement.program_id == program.id,
                Agreement.kind.in_(kinds),
                Agreement.effective_on.is_not(None),
            )
        )
        if agreement is None or agreement.effective_on is None or agreement.effective_on > today:
            raise input_error(
                "partnerId",
                Code.INVALID_TRANSITION,
                "a plan is asked for once the membership agreement is in effect",
            )
        days = timedelta(days=rules.due_days_after_effective_date)
        plan = Evidence(
            id=uuid.uuid4(),
            partner_id=partner.id,
            program_id=program.id,
            kind="engagement_plan",
            title="Partner engagement plan",
            requested_on=today,
            due_on=max(agreement.effective_on + days, today + days),
            flags={},
        )
        session.add(plan)
    elif plan is None:
        raise input_error("partnerId", Code.INVALID_TRANSITION, "no engagement plan was requested")
    elif step == "deliver":
        plan.occurred_on = today
    else:
        if plan.occurred_on is None:
            raise input_error("partnerId", Code.INVALID_TRANSITION, "the plan is not delivered yet")
        plan.reviewed_on = today
    await session.flush()
    await record(
        session,
        actor,
        f"{step}EngagementPlan",
        "Partner",
        partner.id,
        {"due_on": [None, plan.due_on.isoformat() if plan.due_on else None]},
        dated=dated,
    )
    return plan


def next_plan_review(plan: Evidence, months: int) -> date | None:
    """When the delivered plan is next reviewed (CS-AGR-05)."""
    from rules.dates import add_months

    last = max(d for d in (plan.occurred_on, plan.reviewed_on, date.min) if d is not None)
    return None if last == date.min else add_months(last, months)
