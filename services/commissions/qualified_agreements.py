"""Use case: record the client's agreement a referral led to, inside the qualification
window (CS-REF-04/10/11, SEG-TIER-11).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Program, QualifiedAgreement, Referral
from models.base import utcnow
from rules.agreement_terms import TerminationReason
from rules.citations import cited_in
from rules.qualification import Ending, QualificationTerms, last_signing_day
from rules.referral_state import ReferralStatus
from services.actor import Actor
from services.agreements.state import state_of
from services.audit.log import record
from services.commissions.facts import lock_ledger
from services.commissions.ledger import recompute
from services.errors import ReferralErrorCode, input_error, limited
from services.fact_dates import Earlier, given_date
from services.programs.typed import membership_kinds
from services.referrals.access import load_referral, require_admin
from services.referrals.policy import ReferralPolicy, referral_policy
from services.referrals.primacy import is_primary_on
from services.referrals.state import referral_status

Code = ReferralErrorCode
# The figures that bound the signing day; a late signing cites their rule ids (issue 12).
WINDOW = (
    "qualification_months_after_submission",
    "qualification_months_after_termination",
    "close_within_days",
)


def _ending(program: Program, agreement: Agreement, on: date) -> Ending | None:
    """How an agreement the referral depends on ends, as known on `on` (None: it does not):
    when, whether the partner terminated it, and whether for cause (CS-REF-11)."""
    state = state_of(program, agreement, on)
    if state.ends_on is None or state.ending is None:
        return None
    reason = state.ending.reason
    return Ending(
        ends_on=state.ends_on,
        by_partner=state.ending.by_partner,
        for_cause=reason in (TerminationReason.BREACH, TerminationReason.IMMEDIATE),
    )


def qualification_terms(policy: ReferralPolicy) -> QualificationTerms:
    """The program's qualification figures (CS-REF-11, SEG-TIER-11)."""
    return QualificationTerms(
        months_after_submission=policy.qualification_months_after_submission,
        days_after_submission=policy.qualification_days_after_submission,
        months_after_termination=policy.qualification_months_after_termination,
        tail_when_terminated_for_cause=policy.qualification_tail_when_terminated_for_cause,
    )


def depended_kinds(program: Program, policy: ReferralPolicy) -> set[str]:
    """The agreement kinds a referral depends on: the referral agreement and the membership."""
    return {policy.requires_agreement, *membership_kinds(program)}


def limit_from(
    program: Program, policy: ReferralPolicy, submitted_on: date, agreements: Iterable[Agreement]
) -> date:
    """The last day a Qualified Agreement can be signed for a referral submitted on
    `submitted_on`, given the partner's agreements of `depended_kinds` (CS-REF-11): each one's
    end, as known on the plain window's last day, cuts the window with its post-termination
    tail. The mutation and the history import both use it."""
    terms = qualification_terms(policy)
    horizon = last_signing_day(submitted_on, terms)
    if terms.days_after_submission is not None:
        return horizon
    endings = tuple(e for a in agreements if (e := _ending(program, a, horizon)) is not None)
    return last_signing_day(submitted_on, terms, endings)


async def _qualification_limit(
    session: AsyncSession, program: Program, referral: Referral, policy: ReferralPolicy
) -> date:
    """The last day a Qualified Agreement can be signed (CS-REF-11, SEG-TIER-11): the
    referrer schedule's and the membership agreement's terminations both cut the window."""
    agreements = await session.scalars(
        select(Agreement).where(
            Agreement.partner_id == referral.partner_id,
            Agreement.program_id == program.id,
            Agreement.kind.in_(sorted(depended_kinds(program, policy))),
        )
    )
    return limit_from(program, policy, referral.submitted_on, agreements)


async def record_qualified_agreement(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    signed_on: date,
    products: list[str],
    through_reseller: bool,
    paid_under_other_program: bool,
    order_reference: str,
) -> QualifiedAgreement:
    """Record the client's agreement a live, primary referral led to (CS-REF-11)."""
    require_admin(actor, "record qualified agreements", "referralId")
    referral, program = await load_referral(session, actor, referral_id)
    await lock_ledger(session, referral.partner_id, program.id)
    policy = referral_policy(program)
    dated = given_date(
        program,
        signed_on,
        "signedOn",
        Code,
        Earlier("the submission", referral.submitted_on),
        Earlier("the approval", referral.approved_on),
    )
    if not await is_primary_on(session, program, referral, signed_on):
        raise input_error(
            "referralId",
            Code.NOT_PRIMARY,
            f"on {signed_on} another partner's referral held this client"
            f"{cited_in(policy.rules_of('conflict_window_months'))}",
        )
    if referral.qualified_on is not None:
        raise input_error("referralId", Code.ALREADY_QUALIFIED, "a qualified agreement is recorded")
    status = referral_status(referral, signed_on)
    if status is not ReferralStatus.APPROVED:
        raise input_error(
            "referralId",
            Code.NOT_LIVE,
            f"on {signed_on} the referral was {status.value}, not a live opportunity"
            f"{cited_in(policy.rules_of('meeting_deadline_days'))}",
        )
    limit = await _qualification_limit(session, program, referral, policy)
    if signed_on > limit:
        raise input_error(
            "signedOn",
            Code.OUTSIDE_QUALIFICATION_WINDOW,
            f"a qualified agreement had to be signed by {limit}"
            f"{cited_in(policy.rules_of(*WINDOW))}",
        )
    if policy.schedule_on(signed_on) is None:
        raise input_error("signedOn", Code.INVALID_DATE, "no commission schedule was in force then")
    cleaned = [p.strip() for p in products if p.strip()]
    if not cleaned:
        raise input_error("products", Code.REQUIRED, "name at least one product")
    if len(cleaned) > 50:
        raise input_error("products", Code.TOO_LONG, "products are limited to 50")
    for i, name in enumerate(cleaned):
        limited(name, f"products.{i}", 100, Code.TOO_LONG)
    qualified = QualifiedAgreement(
        id=uuid.uuid4(),
        referral_id=referral.id,
        signed_on=signed_on,
        products=cleaned,
        through_reseller=through_reseller,
        paid_under_other_program=paid_under_other_program,
        order_reference=limited(order_reference, "orderReference", 100, Code.TOO_LONG),
        created_at=utcnow(),
    )
    session.add(qualified)
    referral.qualified_on = signed_on
    referral.version += 1
    await session.flush()
    await recompute(session, program, referral.partner_id)
    await record(
        session,
        actor,
        "recordQualifiedAgreement",
        "Referral",
        referral.id,
        {
            "signed_on": [None, signed_on.isoformat()],
            "products": [None, cleaned],
            "through_reseller": [None, through_reseller],
            "paid_under_other_program": [None, paid_under_other_program],
        },
        dated=dated,
    )
    return qualified


async def load_qualified(
    session: AsyncSession, actor: Actor, qualified_id: uuid.UUID
) -> tuple[QualifiedAgreement, Referral, Program]:
    """A qualified agreement the caller may see, with its referral (locked) and program."""
    qualified = await session.get(QualifiedAgreement, qualified_id)
    if qualified is None:
        raise input_error(
            "qualifiedAgreementId", Code.NOT_FOUND, "no qualified agreement has that id"
        )
    referral, program = await load_referral(session, actor, qualified.referral_id)
    return qualified, referral, program
