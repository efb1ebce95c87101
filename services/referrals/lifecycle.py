"""Use cases: submit referrals (with conflicts decided by the database), decide, follow up."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select, update
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
from services.errors import ReferralErrorCode, UseCaseError, check_version, input_error
from services.partners.memberships import program_today
from services.referrals.policy import ReferralPolicy, policy_of
from services.referrals.state import referral_status
from services.scope import partner_and_program
from services.webhooks.outbox import emit

Code = ReferralErrorCode
TEXT_MAX = 200
DESCRIPTION_MAX = 5000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{6,40}$")
IN_EFFECT = (AgreementStatus.ACTIVE, AgreementStatus.NOTICE_GIVEN)
OPEN = (ReferralStatus.SUBMITTED, ReferralStatus.APPROVED, ReferralStatus.QUALIFIED)


@dataclass(frozen=True)
class ReferralForm:
    """The referral application form (CS-REF-01)."""

    client_name: str
    contact_name: str
    contact_role: str
    contact_email: str
    contact_phone: str
    description: str
    client_website: str | None = None


def check_form(form: ReferralForm) -> ReferralForm:
    """Trimmed fields, or every missing or malformed one as a coded error (CS-REF-01)."""
    errors = []
    values: dict[str, str | None] = {}
    limits = {
        "client_name": TEXT_MAX,
        "contact_name": TEXT_MAX,
        "contact_role": TEXT_MAX,
        "contact_email": 254,
        "contact_phone": 40,
        "description": DESCRIPTION_MAX,
    }
    for name, limit in limits.items():
        value = str(getattr(form, name) or "").strip()
        camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
        if not value:
            errors.append(input_error(camel, Code.REQUIRED, f"{camel} is required").errors[0])
        elif len(value) > limit:
            errors.append(
                input_error(
                    camel, Code.TOO_LONG, f"{camel} is limited to {limit} characters"
                ).errors[0]
            )
        values[name] = value
    if values["contact_email"] and not EMAIL.match(str(values["contact_email"])):
        errors.append(
            input_error(
                "contactEmail", Code.INVALID_EMAIL, "contactEmail is not an e-mail address"
            ).errors[0]
        )
    phone = str(values["contact_phone"])
    if phone and (not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        errors.append(
            input_error(
                "contactPhone", Code.INVALID_PHONE, "contactPhone is not a phone number"
            ).errors[0]
        )
    website = (form.client_website or "").strip() or None
    if website is not None and len(website) > 253:
        errors.append(
            input_error("clientWebsite", Code.TOO_LONG, "clientWebsite is too long").errors[0]
        )
    if errors:
        raise UseCaseError(errors)
    return ReferralForm(client_website=website, **{k: str(v) for k, v in values.items()})


async def _eligible_agreement(
    session: AsyncSession, program: Program, partner: Partner, policy: ReferralPolicy, today: date
) -> Agreement:
    spec = agreement_spec(program, policy.requires_agreement)
    assert spec is not None
    if spec.get("capacity") and spec["capacity"] not in partner.capacities:
        raise input_error(
            "partnerId",
            Code.CAPACITY_REQUIRED,
            f"referrals need the partner to act as {spec['capacity']} (CS-AGR-02)",
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
            f"referrals need {spec['name']} in effect (CS-REF-09, SEG-TIER-10)",
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


async def load_referral(
    session: AsyncSession, actor: Actor, referral_id: uuid.UUID
) -> tuple[Referral, Program]:
    """A referral the caller may see, locked for change, with its program."""
    referral = await session.get(Referral, referral_id, with_for_update=True)
    if referral is None or not actor.may_see_partner(referral.partner_id):
        raise input_error("referralId", Code.REFERRAL_NOT_FOUND, "no referral has that id")
    program = await session.get(Program, referral.program_id)
    assert program is not None
    return referral, program


def _admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise input_error("referralId", Code.FORBIDDEN, f"only an admin key can {what}")


def _day(program: Program, given: date | None, referral: Referral, field: str) -> date:
    today = program_today(program)
    day = given or today
    if day > today or day < referral.submitted_on:
        raise input_error(
            field, Code.INVALID_DATE, f"{field} must be between the submission day and today"
        )
    return day


async def decide_referral(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    approve: bool,
    reason: str,
    expected_version: int | None = None,
) -> Referral:
    """Approve or reject a referral inside its decision window (CS-REF-02)."""
    _admin(actor, "decide referrals")
    referral, program = await load_referral(session, actor, referral_id)
    check_version(referral.version, expected_version, Code)
    today = program_today(program)
    status = referral_status(referral, today)
    if status is ReferralStatus.DEEMED_REJECTED:
        raise input_error(
            "referralId",
            Code.DECISION_WINDOW_CLOSED,
            f"undecided by {referral.decision_deadline}: deemed rejected (CS-REF-02)",
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
        {"decision": [None, "approved" if approve else "rejected"], "reason": [None, reason]},
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
    _admin(actor, "record meetings")
    referral, program = await load_referral(session, actor, referral_id)
    check_version(referral.version, expected_version, Code)
    day = _day(program, arranged_on, referral, "arrangedOn")
    status = referral_status(referral, program_today(program))
    if status not in (ReferralStatus.APPROVED, ReferralStatus.SUBMITTED, ReferralStatus.NOT_LIVE):
        raise input_error("referralId", Code.NOT_APPROVED, f"the referral is {status.value}")
    if referral.meeting_deadline is not None and day > referral.meeting_deadline:
        raise input_error(
            "arrangedOn",
            Code.MEETING_TOO_LATE,
            f"a meeting arranged after {referral.meeting_deadline} does not keep the "
            "opportunity live (CS-REF-10)",
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
) -> Referral:
    """The opportunity is no longer live: judged not viable, or "Omitted" (CS-REF-10)."""
    _admin(actor, "mark referrals not viable")
    referral, program = await load_referral(session, actor, referral_id)
    check_version(referral.version, expected_version, Code)
    text = "Omitted" if omitted and not reason.strip() else reason.strip()
    if not text:
        raise input_error("reason", Code.REQUIRED, "say why the opportunity is not viable")
    status = referral_status(referral, program_today(program))
    if status not in (ReferralStatus.APPROVED, ReferralStatus.SUBMITTED):
        raise input_error("referralId", Code.NOT_LIVE, f"the referral is {status.value}")
    referral.not_viable_on = program_today(program)
    referral.not_viable_reason = f"omitted: {text}" if omitted and text != "Omitted" else text
    referral.version += 1
    await record(
        session,
        actor,
        "markReferralNotViable",
        "Referral",
        referral.id,
        {"not_viable_reason": [None, referral.not_viable_reason]},
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
) -> Referral:
    """Close a referral; closing for no sale frees the client for later referrals (CS-REF-04)."""
    _admin(actor, "close referrals")
    referral, program = await load_referral(session, actor, referral_id)
    check_version(referral.version, expected_version, Code)
    status = referral_status(referral, program_today(program))
    if status is ReferralStatus.CLOSED:
        raise input_error("referralId", Code.ALREADY_CLOSED, "the referral is already closed")
    if status is ReferralStatus.QUALIFIED:
        raise input_error(
            "referralId", Code.ALREADY_QUALIFIED, "a qualified referral is not closed"
        )
    referral.closed_on = program_today(program)
    referral.close_reason = "no_sale" if no_sale else (reason.strip() or "closed")
    referral.version += 1
    await record(
        session,
        actor,
        "closeReferral",
        "Referral",
        referral.id,
        {"close_reason": [None, referral.close_reason], "note": [None, reason]},
    )
    return referral


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
