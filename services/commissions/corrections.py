"""Use cases: correct or void a revenue line. Either is a new dated fact that supersedes the
line from the day it takes effect; the old line stays on record (CS-REF-12/13)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import RevenueLine
from services.actor import Actor
from services.audit.log import record
from services.commissions.facts import lock_ledger
from services.commissions.ledger import recompute
from services.commissions.qualified_agreements import load_qualified
from services.commissions.revenue import RevenueInput, checked_line
from services.errors import ReferralErrorCode, input_error, limited
from services.fact_dates import Earlier, fact_date, program_today
from services.referrals.access import require_admin
from services.referrals.policy import referral_policy

Code = ReferralErrorCode


async def supersede_revenue_line(
    session: AsyncSession,
    actor: Actor,
    *,
    revenue_line_id: uuid.UUID,
    correction: RevenueInput | None,
    effective_on: date | None,
    reason: str,
) -> RevenueLine:
    """Correct a revenue line (`correction` given) or void it (`correction` None) from
    `effective_on` (default: today). Returns the new, superseding line."""
    require_admin(actor, "correct revenue", "revenueLineId")
    line = await session.get(RevenueLine, revenue_line_id)
    if line is None:
        raise input_error("revenueLineId", Code.NOT_FOUND, "no revenue line has that id")
    qualified, referral, program = await load_qualified(session, actor, line.qualified_agreement_id)
    await lock_ledger(session, referral.partner_id, program.id)
    if line.voided:
        raise input_error("revenueLineId", Code.ALREADY_SUPERSEDED, "a void cannot be corrected")
    later = await session.scalar(select(RevenueLine).where(RevenueLine.supersedes_id == line.id))
    if later is not None:
        raise input_error(
            "revenueLineId",
            Code.ALREADY_SUPERSEDED,
            "the line was already corrected or voided: correct the latest line",
        )
    if not reason.strip():
        raise input_error("reason", Code.REQUIRED, "say why the line is corrected or voided")
    reason = limited(reason, "reason", 500, Code.TOO_LONG)
    today = program_today(program)
    superseded_from = line.effective_on or line.occurred_on
    dated = fact_date(
        program,
        actor,
        effective_on,
        "effectiveOn",
        Code,
        Earlier("the line it supersedes", superseded_from),
    )
    starts = dated.day
    policy = referral_policy(program)
    if correction is None:
        kind, amount, occurred_on, text = line.kind, line.amount, line.occurred_on, ""
    else:
        kind, amount = checked_line(correction, "correction", policy, qualified, today)
        occurred_on = correction.occurred_on
        text = limited(correction.description, "correction.description", 500, Code.TOO_LONG)
    new = RevenueLine(
        id=uuid.uuid4(),
        qualified_agreement_id=qualified.id,
        kind=kind,
        amount=amount,
        currency=line.currency,
        occurred_on=occurred_on,
        description=text or reason,
        supersedes_id=line.id,
        voided=correction is None,
        effective_on=starts,
    )
    session.add(new)
    await session.flush()
    await recompute(session, program, referral.partner_id)
    await record(
        session,
        actor,
        "voidRevenueLine" if correction is None else "correctRevenueLine",
        "QualifiedAgreement",
        qualified.id,
        {
            "revenue_line": [str(line.id), str(new.id)],
            "amount": [str(line.amount), None if correction is None else str(amount)],
            "effective_on": [None, starts.isoformat()],
            "reason": [None, reason],
        },
        dated=dated,
    )
    return new
