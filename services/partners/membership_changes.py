"""Use cases: an admin's changes to a membership, its tier and its deactivation."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, Program, Tier, TierChange
from models.base import utcnow
from rules import tiers as tier_rules
from rules.enums import ENDED_STATUSES, MembershipStatus
from rules.global_ids import global_id
from services.actor import Actor
from services.audit.log import record
from services.errors import MembershipErrorCode, UseCaseError, check_version
from services.fact_dates import Earlier, FactDate, fact_date
from services.partners.notifications import notify
from services.webhooks.outbox import emit

REASON_MAX = 1000
Code = MembershipErrorCode


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
    text = _admin_reason(
        actor, reason, "only an admin key can change tiers", "give the reason for the change"
    )
    membership = await _open_membership(
        session, membership_id, expected_version, "the membership is {}; its tier is final"
    )
    target = await session.get(Tier, tier_id)
    if target is None:
        raise UseCaseError.one(["input", "tierId"], Code.TIER_NOT_FOUND, "no tier has that id")
    if target.program_id != membership.program_id:
        raise UseCaseError.one(
            ["input", "tierId"], Code.TIER_NOT_IN_PROGRAM, "that tier belongs to another program"
        )
    program, dated = await _dated_change(session, actor, membership, effective_on)
    when = dated.day
    history = list(
        await session.scalars(select(TierChange).where(TierChange.membership_id == membership.id))
    )
    # The change moves from the tier held on its own day, whenever it is entered (issue 11).
    held = _latest([c for c in history if c.effective_on <= when])
    current = await session.get(Tier, held.to_tier_id if held else membership.tier_id)
    assert current is not None
    if tier_rules.direction(current.rank, target.rank) == "same":
        raise UseCaseError.one(
            ["input", "tierId"], Code.SAME_TIER, f"on {when} the membership is at {target.name}"
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
    # The current tier is that of the latest-dated change: a backfill dated before a later
    # change is history, it does not replace the tier held since.
    latest = _latest([*history, change])
    assert latest is not None
    membership.tier_id = latest.to_tier_id
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
        dated=dated,
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


async def deactivate_membership(
    session: AsyncSession,
    actor: Actor,
    membership_id: uuid.UUID,
    reason: str,
    expected_version: int | None = None,
    effective_on: date | None = None,
) -> Membership:
    """End a membership for want of engagement (SEG-TIER-07); admins only, with a reason, from
    its own day (`effective_on`, default the program's today; the audit event keeps it)."""
    text = _admin_reason(actor, reason, "only an admin key deactivates", "give the reason")
    membership = await _open_membership(
        session, membership_id, expected_version, "the membership is already {}"
    )
    _, dated = await _dated_change(session, actor, membership, effective_on)
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
        dated=dated,
    )
    notify(
        session,
        membership.partner_id,
        membership.program_id,
        "membership.deactivated",
        {"membership_id": str(membership.id), "reason": text},
    )
    return membership


def _latest(changes: list[TierChange]) -> TierChange | None:
    """The change in force last among `changes`: by effective day, then time of entry."""
    return max(changes, key=lambda c: (c.effective_on, c.changed_at), default=None)


def _admin_reason(actor: Actor, reason: str, forbidden: str, required: str) -> str:
    """The trimmed reason of an admin's change; `forbidden` and `required` are the refusals."""
    if not actor.is_admin:
        raise UseCaseError.one(["input"], Code.FORBIDDEN, forbidden)
    text = reason.strip()
    if not text:
        raise UseCaseError.one(["input", "reason"], Code.REQUIRED, required)
    if len(text) > REASON_MAX:
        raise UseCaseError.one(
            ["input", "reason"], Code.TOO_LONG, f"reason is limited to {REASON_MAX} characters"
        )
    return text


async def _dated_change(
    session: AsyncSession, actor: Actor, membership: Membership, effective_on: date | None
) -> tuple[Program, FactDate]:
    """The membership's program and the change's day (default the program's today): never
    after that today, nor before the enrolment."""
    program = await session.get(Program, membership.program_id)
    assert program is not None
    dated = fact_date(
        program,
        actor,
        effective_on,
        "effectiveOn",
        Code,
        Earlier("the enrolment", membership.joined_on),
    )
    return program, dated


async def _open_membership(
    session: AsyncSession, membership_id: uuid.UUID, expected_version: int | None, ended: str
) -> Membership:
    """The membership to change, locked, at the expected version and not ended yet.

    `ended` is the refusal for an ended membership, with `{}` standing for its status.
    """
    membership = await session.get(Membership, membership_id, with_for_update=True)
    if membership is None:
        raise UseCaseError.one(
            ["input", "membershipId"], Code.MEMBERSHIP_NOT_FOUND, "no membership has that id"
        )
    check_version(membership.version, expected_version, Code)
    if membership.status in ENDED_STATUSES:
        raise UseCaseError.one(
            ["input", "membershipId"], Code.MEMBERSHIP_ENDED, ended.format(membership.status.value)
        )
    return membership
