"""Use case: submit a referral, with conflicts between partners decided by the database
(CS-REF-01/03/04/09, SEG-TIER-10).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ActiveOpportunity,
    Agreement,
    ClientClaim,
    OpportunityKey,
    Partner,
    Program,
    Referral,
)
from models.base import utcnow
from rules.agreement_terms import AgreementStatus
from rules.client_identity import client_keys
from rules.dates import add_months
from rules.global_ids import global_id
from rules.referral_state import ReferralStatus
from services.actor import Actor
from services.agreements.state import agreement_spec, state_of
from services.audit.log import record
from services.errors import ReferralErrorCode, input_error
from services.partners.memberships import program_today
from services.referrals.forms import ReferralForm, check_form
from services.referrals.policy import ReferralPolicy, policy_of
from services.referrals.state import referral_status
from services.scope import partner_and_program
from services.webhooks.outbox import emit

Code = ReferralErrorCode
IN_EFFECT = (AgreementStatus.ACTIVE, AgreementStatus.NOTICE_GIVEN)
OPEN = (ReferralStatus.SUBMITTED, ReferralStatus.APPROVED, ReferralStatus.QUALIFIED)


async def _eligible_agreement(
    session: AsyncSession, program: Program, partner: Partner, policy: ReferralPolicy, today: date
) -> Agreement:
    spec = agreement_spec(program, policy.requires_agreement)
    assert spec is not None
    if spec.capacity and spec.capacity not in partner.capacities:
        raise input_error(
            "partnerId",
            Code.CAPACITY_REQUIRED,
            f"referrals need the partner to act as {spec.capacity} (CS-AGR-02)",
        )
    agreement = await session.scalar(
        select(Agreement).where(
            Agreement.partner_id == partner.id,
            Agreement.program_id == program.id,
            Agreement.kind == policy.requires_agreement,
        )
    )
    if agreement is None or state_of(program, agreement, today).status not in IN_EFFECT:
        raise input_error(
            "programId",
            Code.NO_ELIGIBLE_AGREEMENT,
            f"referrals need {spec.name} in effect (CS-REF-09, SEG-TIER-10)",
        )
    return agreement


async def _check_not_active_opportunity(
    session: AsyncSession, program: Program, keys: frozenset[str], today: date
) -> None:
    found = await session.scalar(
        select(ActiveOpportunity.client_name)
        .join(OpportunityKey, OpportunityKey.opportunity_id == ActiveOpportunity.id)
        .where(
            ActiveOpportunity.program_id == program.id,
            OpportunityKey.client_key.in_(keys),
            ActiveOpportunity.active_from <= today,
            or_(ActiveOpportunity.active_until.is_(None), ActiveOpportunity.active_until >= today),
        )
    )
    if found is not None:
        raise input_error(
            "clientName",
            Code.ACTIVE_OPPORTUNITY,
            "this client is already an active opportunity of the program (CS-REF-03)",
        )


async def _claim(
    session: AsyncSession, program: Program, keys: frozenset[str], referral: Referral
) -> list[ClientClaim]:
    """Insert our claims where none exist; return every claim, locked (PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for key in sorted(keys):
        await session.execute(
            insert(ClientClaim)
            .values(
                program_id=program.id,
                client_key=key,
                primary_referral_id=referral.id,
                claimed_at=referral.submitted_at,
            )
            .on_conflict_do_nothing(index_elements=["program_id", "client_key"])
        )
    claims = await session.scalars(
        select(ClientClaim)
        .where(ClientClaim.program_id == program.id, ClientClaim.client_key.in_(keys))
        .order_by(ClientClaim.client_key)
        .with_for_update()
    )
    return list(claims)


def _still_first(first: Referral, referral: Referral, policy: ReferralPolicy) -> bool:
    """Whether `first` keeps the client against a later `referral` (CS-REF-04)."""
    if policy.conflict_window_months is None:
        return False
    if referral.submitted_on >= add_months(first.submitted_on, policy.conflict_window_months):
        return False
    status = referral_status(first, referral.submitted_on)
    if status in (ReferralStatus.REJECTED, ReferralStatus.DEEMED_REJECTED):
        return False
    closed_no_sale = first.closed_on is not None and first.close_reason == "no_sale"
    return not (
        policy.conflict_exception_after_closed_no_sale
        and closed_no_sale
        and first.closed_on is not None
        and first.closed_on <= referral.submitted_on
    )


async def submit_referral(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    form: ReferralForm,
) -> Referral:
    """Record a referral; the first submitter of a client keeps it for the conflict window."""
    form = check_form(form)
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    policy = policy_of(program)
    if policy is None:
        raise input_error(
            "programId", Code.NO_REFERRAL_PROGRAM, f"{program.slug} takes no referrals"
        )
    keys = client_keys(form.client_name, form.client_website)
    if not keys:
        raise input_error(
            "clientName", Code.INVALID, "the client name has nothing to identify it by"
        )
    now = utcnow()
    today = program_today(program, now)
    await _eligible_agreement(session, program, partner, policy, today)
    await _check_not_active_opportunity(session, program, keys, today)
    window = policy.decision_window_business_days
    referral = Referral(
        id=uuid.uuid4(),
        program_id=program.id,
        partner_id=partner.id,
        client_name=form.client_name,
        client_website=form.client_website,
        client_keys=sorted(keys),
        contact_name=form.contact_name,
        contact_role=form.contact_role,
        contact_email=form.contact_email,
        contact_phone=form.contact_phone,
        description=form.description,
        submitted_at=now,
        submitted_on=today,
        undecided_outcome=policy.undecided_outcome,
        version=1,
        decision_deadline=policy.calendar.add_business_days(today, window)
        if window is not None
        else None,
        meeting_deadline=today + timedelta(days=policy.meeting_deadline_days)
        if policy.meeting_deadline_days is not None
        else None,
    )
    session.add(referral)
    await session.flush()
    claims = await _claim(session, program, keys, referral)
    others = {c.primary_referral_id for c in claims} - {referral.id}
    firsts = sorted(
        [r for r in [await session.get(Referral, i) for i in others] if r],
        key=lambda r: (r.submitted_at, r.id),
    )
    for first in firsts:
        if first.partner_id == partner.id and referral_status(first, today) in OPEN:
            raise input_error(
                "clientName", Code.DUPLICATE_REFERRAL, "you already referred this client"
            )
    blocking = next((f for f in firsts if _still_first(f, referral, policy)), None)
    if blocking is not None:
        referral.conflicts_with_id = blocking.id
    else:
        referral.is_primary = True
        await session.execute(
            update(ClientClaim)
            .where(ClientClaim.program_id == program.id, ClientClaim.client_key.in_(keys))
            .values(primary_referral_id=referral.id, claimed_at=now)
        )
    await session.flush()
    await record(
        session,
        actor,
        "submitReferral",
        "Referral",
        referral.id,
        {
            "client_keys": [None, sorted(keys)],
            "primary": [None, referral.is_primary],
            "conflicts_with": [None, str(blocking.id) if blocking else None],
        },
    )
    ref = {"referral": global_id("Referral", referral.id)}
    await emit(session, "referral.submitted", partner.id, {**ref, "primary": referral.is_primary})
    if blocking is not None:
        # The partner learns only that its referral conflicts (CS-REF-04), never with whom.
        await emit(session, "referral.conflicting", partner.id, ref)
    return referral
