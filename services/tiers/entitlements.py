"""Use cases shared by tier governance: invitations and benefit entitlements
(SEG-TIER-03, SEG-AGR-10), and the checks the other governance modules use."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Benefit,
    Invitation,
    Membership,
    Partner,
    Program,
    Tier,
)
from models.partners.records import AnyMembership
from rules.benefits import BenefitGrant, entitled_benefits
from rules.citations import cited_in
from rules.enums import ENDED_STATUSES
from services.actor import Actor
from services.agreements.state import state_of
from services.audit.log import record
from services.errors import GovernanceErrorCode, input_error, limited
from services.fact_dates import Earlier, check_order, fact_date
from services.partners.memberships import program_today
from services.programs.typed import spec_of
from services.scope import partner_and_program
from services.tiers.certification import certification_on
from services.tiers.evaluation import IN_EFFECT, tier_held_on

Code = GovernanceErrorCode


async def scope(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID | None, program_id: uuid.UUID
) -> tuple[Partner, Program]:
    return await partner_and_program(session, actor, partner_id, program_id, Code)


def require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise input_error("id", Code.FORBIDDEN, f"only an admin key can {what}")


def positive_amount(value: Decimal | str, name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise input_error(name, Code.INVALID_AMOUNT, f"{name} is not an amount") from exc
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise input_error(name, Code.INVALID_AMOUNT, f"{name} must be a positive amount")
    return amount


async def invite(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    tier_id: uuid.UUID,
    benefit_key: str | None,
    expires_on: date | None,
    note: str,
    invited_on: date | None = None,
) -> Invitation:
    """Invite a partner to an invite-only tier, or to an invite-only benefit at a tier, on its
    own day (`invited_on`: default the program's today; admin keys may give a past day)."""
    require_admin(actor, "invite partners")
    tier = await session.get(Tier, tier_id)
    if tier is None:
        raise input_error("tierId", Code.TIER_NOT_FOUND, "no tier has that id")
    partner, program = await scope(session, actor, partner_id, tier.program_id)
    if benefit_key is not None:
        found = await session.scalar(
            select(Benefit.id).where(
                Benefit.tier_id == tier.id, Benefit.key == benefit_key, Benefit.invite_only
            )
        )
        if found is None:
            raise input_error(
                "benefitKey",
                Code.NOT_FOUND,
                f"{tier.name} has no invite-only benefit {benefit_key!r}",
            )
    dated = fact_date(program, actor, invited_on, "invitedOn", Code)
    if expires_on is not None:
        check_order(expires_on, "expiresOn", Code, Earlier("the invitation", dated.day))
    row = Invitation(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        tier_id=tier.id,
        benefit_key=benefit_key,
        invited_on=dated.day,
        expires_on=expires_on,
        note=limited(note, "note", 1000, Code.TOO_LONG),
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "invitePartner",
        "Partner",
        partner.id,
        {"tier": [None, tier.key], "benefit": [None, benefit_key]},
        dated=dated,
    )
    return row


async def entitlements(
    session: AsyncSession, membership: AnyMembership, program: Program, on: date
) -> set[str]:
    """Benefit keys the membership gives on a day (SEG-TIER-03, SEG-AGR-10): from the tier it
    held that day (issue 11: a tier change dated later changes nothing); none before the
    enrolment."""
    from models import Agreement

    if membership.status in ENDED_STATUSES or on < membership.joined_on:
        return set()
    tier_id = await tier_held_on(session, membership, on)
    grants = [
        BenefitGrant(b.key, b.invite_only, b.requires_active_agreement)
        for b in await session.scalars(select(Benefit).where(Benefit.tier_id == tier_id))
    ]
    agreements = await session.scalars(
        select(Agreement).where(
            Agreement.partner_id == membership.partner_id, Agreement.program_id == program.id
        )
    )
    active = {a.kind for a in agreements if state_of(program, a, on).status in IN_EFFECT}
    invitations = {
        i.benefit_key
        for i in await session.scalars(
            select(Invitation).where(
                Invitation.partner_id == membership.partner_id,
                Invitation.tier_id == tier_id,
                Invitation.invited_on <= on,
                or_(Invitation.expires_on.is_(None), Invitation.expires_on >= on),
            )
        )
        if i.benefit_key
    }
    spec = spec_of(program)
    granted = entitled_benefits(
        grants,
        agreement_specs=[a.model_dump() for a in spec.agreements],
        agreements_in_effect=active,
        invitations=invitations,
    )
    # CS-AGR-04: the certification mark only while certified (`requires_certification`).
    needs = {b.key for b in spec.benefits if b.requires_certification} & granted
    if needs and not (await certification_on(session, membership, program, on)).certified:
        granted -= needs
    return granted


def _benefit_rules(program: Program, benefit: str) -> list[str]:
    """The rule ids the program's file gives the benefit (SEG-TIER-03/08 for Segment's MDF)."""
    found = next((b for b in spec_of(program).benefits if b.key == benefit), None)
    return list(found.rule_ids) if found else []


async def require_benefit(
    session: AsyncSession, partner: Partner, program: Program, benefit: str, on: date | None = None
) -> None:
    """Refuse (`NOT_ENTITLED`) unless the partner's tier gives `benefit` on `on` (default the
    program's today)."""
    membership = await session.scalar(
        select(Membership).where(
            Membership.partner_id == partner.id, Membership.program_id == program.id
        )
    )
    if membership is None or benefit not in await entitlements(
        session, membership, program, on or program_today(program)
    ):
        raise input_error(
            "programId",
            Code.NOT_ENTITLED,
            f"the partner's tier does not give {benefit.replace('_', ' ')}"
            f"{cited_in(_benefit_rules(program, benefit))}",
        )
