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
    ReferralKey,
)
from models.base import utcnow
from models.locks import hold, lock_key
from models.referrals.queries import referrals_of_client
from rules.agreement_terms import AgreementStatus
from rules.citations import cited_in
from rules.client_identity import client_keys
from rules.global_ids import global_id
from rules.opportunity_kinds import KindProblem, kind_message, kind_problem, normalised_kind
from rules.primacy import holders_on
from rules.referral_state import ReferralStatus
from services.actor import Actor
from services.agreements.state import agreement_spec
from services.agreements.supplements import agreement_in_force
from services.audit.log import record
from services.errors import ReferralErrorCode, input_error
from services.fact_dates import fact_date
from services.programs.typed import spec_of
from services.referrals.forms import ReferralForm, check_form
from services.referrals.policy import ReferralPolicy, policy_of
from services.referrals.primacy import client_referral, primacy_policy
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
    # Refusals cite the required agreement's own rule ids from the program file (issue 12).
    if spec.capacity and spec.capacity not in partner.capacities:
        raise input_error(
            "partnerId",
            Code.CAPACITY_REQUIRED,
            f"referrals need the partner to act as {spec.capacity}"
            f"{cited_in(spec_of(program).membership.cites.get('capacities', []))}",
        )
    # The agreement and the one it supplements must be in effect (issue 12).
    agreement = await agreement_in_force(
        session, program, partner.id, policy.requires_agreement, today
    )
    if agreement is None:
        raise input_error(
            "programId",
            Code.NO_ELIGIBLE_AGREEMENT,
            f"referrals need {spec.name} and the agreement it supplements in effect"
            f"{cited_in(spec.rule_ids)}",
        )
    return agreement


async def _check_not_active_opportunity(
    session: AsyncSession,
    program: Program,
    keys: frozenset[str],
    today: date,
    policy: ReferralPolicy,
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
            "this client is already an active opportunity of the program"
            f"{cited_in(policy.rules_of('active_opportunity'))}",
        )


def client_lock(program_id: uuid.UUID, key: str) -> int:
    """The advisory lock of one client key in one program: submissions of the client queue on
    it (PostgreSQL; SQLite's write transactions already hold the database lock)."""
    return lock_key(b"client:", program_id.bytes, key.encode())


async def _claim(
    session: AsyncSession, program: Program, keys: frozenset[str], referral: Referral
) -> None:
    """Insert our claims where none exist and lock every claim of the client (PostgreSQL).
    Submissions of one client already queue on `client_lock` (taken before the time is read,
    CS-REF-04); the rows' locks also order a submission against a history import writing the
    same claims, which takes no client lock."""
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
    await session.execute(
        select(ClientClaim.client_key)
        .where(ClientClaim.program_id == program.id, ClientClaim.client_key.in_(keys))
        .order_by(ClientClaim.client_key)
        .with_for_update()
    )


def _opportunity_kind(policy: ReferralPolicy, given: str | None) -> str | None:
    """The referral's opportunity kind, one the program lists (SEG-TIER-11), or a coded error
    naming `opportunityKind`; None for a program that lists none."""
    kind = normalised_kind(given)
    problem = kind_problem(kind, policy.opportunity_kinds)
    if problem is not None:
        missing = problem is KindProblem.MISSING
        code = Code.REQUIRED if missing else Code.OPPORTUNITY_KIND_NOT_QUALIFYING
        raise input_error(
            "opportunityKind",
            code,
            kind_message(
                problem,
                kind,
                policy.opportunity_kinds,
                policy.rules_of("qualifying_opportunities"),
            ),
        )
    return kind


async def submit_referral(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    form: ReferralForm,
    submitted_on: date | None = None,
    opportunity_kind: str | None = None,
) -> Referral:
    """Record a referral on its submission day (today, or a past day given by an admin key);
    every rule applies as of that day: the agreement in effect (CS-REF-09), the registry
    (CS-REF-03), the deadlines (CS-REF-02/10) and primacy (CS-REF-04). The opportunity kind
    must be one the program lists, when it lists any (SEG-TIER-11)."""
    form = check_form(form)
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    policy = policy_of(program)
    if policy is None:
        raise input_error(
            "programId", Code.NO_REFERRAL_PROGRAM, f"{program.slug} takes no referrals"
        )
    kind = _opportunity_kind(policy, opportunity_kind)
    keys = client_keys(form.client_name, form.client_website)
    if not keys:
        raise input_error(
            "clientName", Code.INVALID, "the client name has nothing to identify it by"
        )
    # CS-REF-04: primacy orders a client's referrals by day and time of entry, so the time is
    # read only once this submission holds the client: read on arrival, a submission that got
    # through after a later one had committed as primary would be dated before it (even on the
    # day before, across midnight), and both would be answered primary.
    await hold(session, [client_lock(program.id, key) for key in keys])
    now = utcnow()
    dated = fact_date(program, actor, submitted_on, "submittedOn", Code, now=now)
    today = dated.day
    await _eligible_agreement(session, program, partner, policy, today)
    await _check_not_active_opportunity(session, program, keys, today, policy)
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
        opportunity_kind=kind,
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
    session.add_all(
        ReferralKey(referral_id=referral.id, client_key=k, program_id=program.id) for k in keys
    )
    await _claim(session, program, keys, referral)
    others = [
        r for r in await referrals_of_client(session, program.id, sorted(keys)) if r is not referral
    ]
    for other in others:
        # Only referrals submitted by the day count: a backfill is judged as on its day.
        if other.submitted_on > today:
            continue
        if other.partner_id == partner.id and referral_status(other, today) in OPEN:
            raise input_error(
                "clientName", Code.DUPLICATE_REFERRAL, "you already referred this client"
            )
    # CS-REF-04: primacy as of the submission day, from every referral of the client.
    holders = holders_on(
        [client_referral(r) for r in [*others, referral]], today, primacy_policy(program)
    )
    blocking_id = holders.get(referral.id)
    blocking = next((r for r in others if r.id == blocking_id), None)
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
            "submitted_on": [None, today.isoformat()],
            "opportunity_kind": [None, kind],
        },
        dated=dated,
    )
    ref = {"referral": global_id("Referral", referral.id)}
    await emit(session, "referral.submitted", partner.id, {**ref, "primary": referral.is_primary})
    if blocking is not None:
        # The partner learns only that its referral conflicts (CS-REF-04), never with whom.
        await emit(session, "referral.conflicting", partner.id, ref)
    return referral
