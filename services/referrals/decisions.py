"""Use cases: decide a referral, record its meeting, mark it not viable, close it
(CS-REF-02/04/10).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import Program, Referral
from models.base import utcnow
from rules.citations import cited_in
from rules.global_ids import global_id
from rules.referral_state import ReferralStatus
from services.actor import Actor
from services.audit.log import record
from services.errors import ReferralErrorCode, check_version, input_error
from services.fact_dates import Earlier, FactDate, fact_date
from services.referrals.access import load_referral, require_admin
from services.referrals.policy import referral_policy
from services.referrals.state import referral_status
from services.webhooks.outbox import emit

Code = ReferralErrorCode


async def _referral_to_change(
    session: AsyncSession,
    actor: Actor,
    referral_id: uuid.UUID,
    expected_version: int | None,
    what: str,
) -> tuple[Referral, Program]:
    """The referral an admin changes, locked and at the expected version, with its program."""
    require_admin(actor, what)
    referral, program = await load_referral(session, actor, referral_id)
    check_version(referral.version, expected_version, Code)
    return referral, program


def _dated(
    program: Program, actor: Actor, given: date | None, referral: Referral, field: str
) -> FactDate:
    """The fact's day: today or a past day (admin keys), never before the submission."""
    return fact_date(
        program, actor, given, field, Code, Earlier("the submission", referral.submitted_on)
    )


async def decide_referral(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    approve: bool,
    reason: str,
    expected_version: int | None = None,
    decided_on: date | None = None,
) -> Referral:
    """Approve or reject a referral inside its decision window, as of the decision's own day
    (CS-REF-02): a decision made on the deadline day and entered later still counts."""
    referral, program = await _referral_to_change(
        session, actor, referral_id, expected_version, "decide referrals"
    )
    dated = _dated(program, actor, decided_on, referral, "decidedOn")
    today = dated.day
    status = referral_status(referral, today)
    if status is ReferralStatus.DEEMED_REJECTED:
        raise input_error(
            "referralId",
            Code.DECISION_WINDOW_CLOSED,
            f"undecided by {referral.decision_deadline}: deemed rejected"
            f"{cited_in(referral_policy(program).rules_of('decision_window_business_days'))}",
        )
    if status is not ReferralStatus.SUBMITTED:
        raise input_error("referralId", Code.ALREADY_DECIDED, f"the referral is {status.value}")
    if not approve and not reason.strip():
        raise input_error("reason", Code.REQUIRED, "a rejection needs a reason")
    if approve:
        referral.approved_on = today
    else:
        referral.rejected_on = today
    referral.decided_at, referral.decision_reason = utcnow(), reason.strip() or None
    referral.version += 1
    await record(
        session,
        actor,
        "decideReferral",
        "Referral",
        referral.id,
        {
            "decision": [None, "approved" if approve else "rejected"],
            "reason": [None, reason],
            "decided_on": [None, today.isoformat()],
        },
        dated=dated,
    )
    await emit(
        session,
        "referral.decided",
        referral.partner_id,
        {
            "referral": global_id("Referral", referral.id),
            "decision": "approved" if approve else "rejected",
        },
    )
    return referral


async def record_meeting(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    arranged_on: date | None,
    expected_version: int | None = None,
) -> Referral:
    """Record that a meeting with the client was arranged (CS-REF-10)."""
    referral, program = await _referral_to_change(
        session, actor, referral_id, expected_version, "record meetings"
    )
    dated = _dated(program, actor, arranged_on, referral, "arrangedOn")
    day = dated.day
    status = referral_status(referral, day)
    if status not in (ReferralStatus.APPROVED, ReferralStatus.SUBMITTED, ReferralStatus.NOT_LIVE):
        raise input_error("referralId", Code.NOT_APPROVED, f"the referral is {status.value}")
    if referral.meeting_deadline is not None and day > referral.meeting_deadline:
        raise input_error(
            "arrangedOn",
            Code.MEETING_TOO_LATE,
            f"a meeting arranged after {referral.meeting_deadline} does not keep the "
            "opportunity live"
            f"{cited_in(referral_policy(program).rules_of('meeting_deadline_days'))}",
        )
    referral.meeting_on = day
    referral.version += 1
    await record(
        session,
        actor,
        "recordMeeting",
        "Referral",
        referral.id,
        {"meeting_on": [None, day.isoformat()]},
        dated=dated,
    )
    return referral


async def mark_not_viable(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    reason: str,
    omitted: bool,
    expected_version: int | None = None,
    not_viable_on: date | None = None,
) -> Referral:
    """The opportunity is no longer live from a day on: judged not viable, or "Omitted"
    (CS-REF-10)."""
    referral, program = await _referral_to_change(
        session, actor, referral_id, expected_version, "mark referrals not viable"
    )
    text = "Omitted" if omitted and not reason.strip() else reason.strip()
    if not text:
        raise input_error("reason", Code.REQUIRED, "say why the opportunity is not viable")
    dated = _dated(program, actor, not_viable_on, referral, "notViableOn")
    day = dated.day
    status = referral_status(referral, day)
    if status not in (ReferralStatus.APPROVED, ReferralStatus.SUBMITTED):
        raise input_error("referralId", Code.NOT_LIVE, f"on {day} the referral was {status.value}")
    referral.not_viable_on = day
    referral.not_viable_reason = f"omitted: {text}" if omitted and text != "Omitted" else text
    referral.version += 1
    await record(
        session,
        actor,
        "markReferralNotViable",
        "Referral",
        referral.id,
        {
            "not_viable_reason": [None, referral.not_viable_reason],
            "not_viable_on": [None, day.isoformat()],
        },
        dated=dated,
    )
    return referral


async def close_referral(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    reason: str,
    no_sale: bool,
    expected_version: int | None = None,
    closed_on: date | None = None,
) -> Referral:
    """Close a referral on a day; closing for no sale frees the client for referrals
    submitted after that day (CS-REF-04)."""
    referral, program = await _referral_to_change(
        session, actor, referral_id, expected_version, "close referrals"
    )
    dated = _dated(program, actor, closed_on, referral, "closedOn")
    day = dated.day
    if referral.qualified_on is not None:
        raise input_error(
            "referralId", Code.ALREADY_QUALIFIED, "a qualified referral is not closed"
        )
    status = referral_status(referral, day)
    if status is ReferralStatus.CLOSED or referral.closed_on is not None:
        raise input_error("referralId", Code.ALREADY_CLOSED, "the referral is already closed")
    referral.closed_on = day
    referral.close_reason = "no_sale" if no_sale else (reason.strip() or "closed")
    referral.version += 1
    await record(
        session,
        actor,
        "closeReferral",
        "Referral",
        referral.id,
        {
            "close_reason": [None, referral.close_reason],
            "note": [None, reason],
            "closed_on": [None, day.isoformat()],
        },
        dated=dated,
    )
    return referral
