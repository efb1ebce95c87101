"""Use cases: enrol a partner in a program and change its tier."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, Notification, Partner, Program, Tier, TierChange
from models.base import utcnow
from rules import tiers as tier_rules
from rules.enums import ENDED_STATUSES, MembershipStatus
from rules.global_ids import global_id
from services.actor import Actor
from services.audit.log import record
from services.errors import MembershipErrorCode, UseCaseError, check_version
from services.webhooks.outbox import emit

REASON_MAX = 1000
Code = MembershipErrorCode


def program_today(program: Program, now: datetime | None = None) -> date:
    """Today's date in the program's own time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(program.timezone)).date()


async def enroll_partner(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID, program_id: uuid.UUID
) -> Membership:
    """Start a membership at the program's lowest tier (SEG-TIER-01).

    The status it starts in is program data (`membership.entry_status`): both seed programs
    start as applicants until the agreement takes effect (SEG-AGR-01, CS-AGR-01).
    """
    partner = await session.get(Partner, partner_id)
    if partner is None or not actor.may_see_partner(partner_id):
        raise UseCaseError.one(
            ["input", "partnerId"], Code.PARTNER_NOT_FOUND, "no partner has that id"
        )
    program = await session.get(Program, program_id)
    if program is None:
        raise UseCaseError.one(
            ["input", "programId"], Code.PROGRAM_NOT_FOUND, "no program has that id"
        )
    rules = program.definition["membership"]
    offered = set(rules["capacities"])
    if not offered & set(partner.capacities):
        raise UseCaseError.one(
            ["input", "partnerId"],
            Code.CAPACITY_NOT_OFFERED,
            f"{program.slug} takes partners acting as {', '.join(sorted(offered))}; "
            "add one of these capacities to the partner first (CS-AGR-02)",
        )
    existing = await session.scalar(
        select(Membership.id).where(
            Membership.partner_id == partner.id, Membership.program_id == program.id
        )
    )
    if existing is not None:
        raise _already_enrolled(program.slug)
    status = MembershipStatus(rules["entry_status"])
    return await start_membership(session, actor, partner, program, status, program_today(program))


async def start_membership(
    session: AsyncSession,
    actor: Actor,
    partner: Partner,
    program: Program,
    status: MembershipStatus,
    today: date,
) -> Membership:
    """Create a membership at the entry tier, opening its tier history (SEG-TIER-01)."""
    tiers = list(await session.scalars(select(Tier).where(Tier.program_id == program.id)))
    entry = tier_rules.entry_tier(tiers)
    membership = Membership(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        tier_id=entry.id,
        status=status,
        joined_on=today,
        version=1,
        status_reason="enrolled",
    )
    session.add(membership)
    slug = program.slug  # read before the flush: a failed flush expires loaded attributes
    try:
        await session.flush()
    except IntegrityError as exc:  # the (partner, program) key, even under a race
        raise _already_enrolled(slug) from exc
    session.add(
        TierChange(
            id=uuid.uuid4(),
            membership_id=membership.id,
            from_tier_id=None,
            to_tier_id=entry.id,
            reason="Enrolled at the program's entry tier (SEG-TIER-01)",
            effective_on=today,
            changed_at=utcnow(),
            actor_key_id=actor.key_id,
        )
    )
    await record(
        session,
        actor,
        "enrollPartner",
        "Membership",
        membership.id,
        {
            "partner_id": [None, str(partner.id)],
            "program": [None, slug],
            "tier": [None, entry.key],
            "status": [None, status.value],
        },
    )
    return membership


def _already_enrolled(slug: str) -> UseCaseError:
    return UseCaseError.one(
        ["input", "programId"],
        Code.ALREADY_ENROLLED,
        f"the partner is already a member of {slug}",
    )


async def change_tier(
    session: AsyncSession,
    actor: Actor,
    membership_id: uuid.UUID,
    tier_id: uuid.UUID,
    reason: str,
    effective_on: date | None = None,
    evaluation_mode: str | None = None,
    expected_version: int | None = None,
) -> tuple[Membership, TierChange]:
    """Move a membership to another tier of its program, with a reason (SEG-AGR-02, SEG-TIER-06)."""
    if not actor.is_admin:
        raise UseCaseError.one(["input"], Code.FORBIDDEN, "only an admin key can change tiers")
    text = reason.strip()
    if not text:
        raise UseCaseError.one(["input", "reason"], Code.REQUIRED, "give the reason for the change")
    if len(text) > REASON_MAX:
        raise UseCaseError.one(
            ["input", "reason"], Code.TOO_LONG, f"reason is limited to {REASON_MAX} characters"
        )
    membership = await session.get(Membership, membership_id, with_for_update=True)
    if membership is None:
        raise UseCaseError.one(
            ["input", "membershipId"], Code.MEMBERSHIP_NOT_FOUND, "no membership has that id"
        )
    check_version(membership.version, expected_version, Code)
    if membership.status in ENDED_STATUSES:
        raise UseCaseError.one(
            ["input", "membershipId"],
            Code.MEMBERSHIP_ENDED,
            f"the membership is {membership.status.value}; its tier is final",
        )
    target = await session.get(Tier, tier_id)
    if target is None:
        raise UseCaseError.one(["input", "tierId"], Code.TIER_NOT_FOUND, "no tier has that id")
    if target.program_id != membership.program_id:
        raise UseCaseError.one(
            ["input", "tierId"], Code.TIER_NOT_IN_PROGRAM, "that tier belongs to another program"
        )
    current = await session.get(Tier, membership.tier_id)
    assert current is not None
    if tier_rules.direction(current.rank, target.rank) == "same":
        raise UseCaseError.one(
            ["input", "tierId"], Code.SAME_TIER, f"the membership is already at {target.name}"
        )
    program = await session.get(Program, membership.program_id)
    assert program is not None
    today = program_today(program)
    when = effective_on or today
    if when > today:
        raise UseCaseError.one(
            ["input", "effectiveOn"],
            Code.INVALID_DATE,
            "a tier change cannot take effect in the future",
        )
    change = TierChange(
        id=uuid.uuid4(),
        membership_id=membership.id,
        from_tier_id=current.id,
        to_tier_id=target.id,
        reason=text,
        effective_on=when,
        changed_at=utcnow(),
        actor_key_id=actor.key_id,
    )
    if evaluation_mode is not None:
        from services.tiers.evaluation import MODES, as_basis, evaluate_membership

        if evaluation_mode not in MODES:
            raise UseCaseError.one(
                ["input", "evaluationMode"], Code.INVALID, "evaluationMode is annual or midyear"
            )
        evaluation = await evaluate_membership(session, membership, program, when, evaluation_mode)
        change.basis = as_basis(evaluation, when, evaluation_mode)
    session.add(change)
    membership.tier_id = target.id
    membership.version += 1
    await session.flush()
    await record(
        session,
        actor,
        "changeTier",
        "Membership",
        membership.id,
        {
            "tier": [current.key, target.key],
            "reason": [None, text],
            "effective_on": [None, when.isoformat()],
        },
    )
    notify(
        session,
        membership.partner_id,
        program.id,
        "tier.changed",
        {
            "membership_id": str(membership.id),
            "from": current.key,
            "to": target.key,
            "reason": text,
            "effective_on": when.isoformat(),
        },
    )
    await emit(
        session,
        "tier.changed",
        membership.partner_id,
        {
            "membership": global_id("Membership", membership.id),
            "from": current.key,
            "to": target.key,
            "effectiveOn": when.isoformat(),
        },
    )
    return membership, change


def notify(
    session: AsyncSession,
    partner_id: uuid.UUID,
    program_id: uuid.UUID | None,
    kind: str,
    payload: dict[str, object],
) -> Notification:
    """Record an event for the partner (SEG-AGR-02: tier changes are notified)."""
    event = Notification(
        id=uuid.uuid4(),
        partner_id=partner_id,
        program_id=program_id,
        kind=kind,
        payload=payload,
        created_at=utcnow(),
    )
    session.add(event)
    return event


async def deactivate_membership(
    session: AsyncSession,
    actor: Actor,
    membership_id: uuid.UUID,
    reason: str,
    expected_version: int | None = None,
) -> Membership:
    """End a membership for want of engagement (SEG-TIER-07); admins only, with a reason."""
    if not actor.is_admin:
        raise UseCaseError.one(["input"], Code.FORBIDDEN, "only an admin key deactivates")
    text = reason.strip()
    if not text:
        raise UseCaseError.one(["input", "reason"], Code.REQUIRED, "give the reason")
    if len(text) > REASON_MAX:
        raise UseCaseError.one(
            ["input", "reason"], Code.TOO_LONG, f"reason is limited to {REASON_MAX} characters"
        )
    membership = await session.get(Membership, membership_id, with_for_update=True)
    if membership is None:
        raise UseCaseError.one(
            ["input", "membershipId"], Code.MEMBERSHIP_NOT_FOUND, "no membership has that id"
        )
    check_version(membership.version, expected_version, Code)
    if membership.status in ENDED_STATUSES:
        raise UseCaseError.one(
            ["input", "membershipId"],
            Code.MEMBERSHIP_ENDED,
            f"the membership is already {membership.status.value}",
        )
    old = membership.status
    membership.status = MembershipStatus.DEACTIVATED
    membership.status_reason = text
    membership.version += 1
    await session.flush()
    await record(
        session,
        actor,
        "deactivateMembership",
        "Membership",
        membership.id,
        {"status": [old.value, "deactivated"], "reason": [None, text]},
    )
    notify(
        session,
        membership.partner_id,
        membership.program_id,
        "membership.deactivated",
        {"membership_id": str(membership.id), "reason": text},
    )
    return membership
