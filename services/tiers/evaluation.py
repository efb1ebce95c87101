"""Evaluating a membership's tier from stored evidence, program data and agreements."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    Evidence,
    Invitation,
    Program,
    Requirement,
    Tier,
    TierChange,
)
from models.partners.records import AnyMembership
from rules.agreement_terms import AgreementStatus
from rules.enums import RequirementKind
from rules.tier_evaluation import (
    Evaluation,
    EvidenceItem,
    RequirementSpec,
    TierSpec,
    evaluate,
    gather,
    window,
)
from services.agreements.state import state_of
from services.programs.typed import membership_kinds, spec_of

IN_EFFECT = (AgreementStatus.ACTIVE, AgreementStatus.NOTICE_GIVEN)
MODES = ("annual", "midyear")


async def tier_specs(
    session: AsyncSession, program: Program
) -> tuple[list[TierSpec], dict[str, Tier]]:
    """The program's tiers with their requirements, and the tier rows by key."""
    tiers = list(
        await session.scalars(select(Tier).where(Tier.program_id == program.id).order_by(Tier.rank))
    )
    requirements = list(
        await session.scalars(
            select(Requirement)
            .where(Requirement.tier_id.in_([t.id for t in tiers]))
            .order_by(Requirement.position)
        )
    )
    specs = []
    for tier in tiers:
        specs.append(
            TierSpec(
                tier.key,
                tier.name,
                tier.rank,
                tier.invite_only,
                tuple(
                    RequirementSpec(
                        r.key,
                        RequirementKind(r.kind),
                        Decimal(r.threshold) if r.threshold is not None else None,
                        r.currency,
                        r.invited_only,
                        tuple(r.rule_ids),
                    )
                    for r in requirements
                    if r.tier_id == tier.id
                ),
            )
        )
    return specs, {t.key: t for t in tiers}


async def invited_tiers(
    session: AsyncSession, partner_id: uuid.UUID, program: Program, on: date, tiers: dict[str, Tier]
) -> set[str]:
    """Tier keys the partner holds an invitation to on a day."""
    by_id = {t.id: t.key for t in tiers.values()}
    rows = await session.scalars(
        select(Invitation).where(
            Invitation.partner_id == partner_id, Invitation.program_id == program.id
        )
    )
    return {
        by_id[i.tier_id]
        for i in rows
        if i.invited_on <= on
        and (i.expires_on is None or i.expires_on >= on)
        and i.tier_id in by_id
    }


async def membership_agreement_in_effect(
    session: AsyncSession, partner_id: uuid.UUID, program: Program, on: date
) -> bool:
    """Whether the program's membership agreement is in effect on a day."""
    kinds = membership_kinds(program)
    rows = await session.scalars(
        select(Agreement).where(
            Agreement.partner_id == partner_id,
            Agreement.program_id == program.id,
            Agreement.kind.in_(kinds),
        )
    )
    return any(state_of(program, a, on).status in IN_EFFECT for a in rows)


async def tier_held_on(session: AsyncSession, membership: AnyMembership, on: date) -> uuid.UUID:
    """The tier the membership held at the end of `on`, from the tier history's effective dates
    (issue 11: a change effective later never changes an earlier evaluation); before the first
    entry, the entry tier of the history, else the current tier."""
    changes = list(
        await session.scalars(
            select(TierChange)
            .where(TierChange.membership_id == membership.id)
            .order_by(TierChange.effective_on, TierChange.changed_at, TierChange.id)
        )
    )
    earlier = [c for c in changes if c.effective_on <= on]
    if earlier:
        return earlier[-1].to_tier_id
    return changes[0].to_tier_id if changes else membership.tier_id


async def evaluate_membership(
    session: AsyncSession, membership: AnyMembership, program: Program, on: date, mode: str
) -> Evaluation:
    """Evaluate a membership as of a day in `annual` or `midyear` mode (SEG-TIER-05)."""
    spec = spec_of(program)
    settings = spec.tier_evaluation
    specs, tiers = await tier_specs(session, program)
    start, end = window(mode, on, settings.midyear_window_days, spec.evaluation_year)
    evidence = await session.scalars(
        select(Evidence).where(
            Evidence.partner_id == membership.partner_id, Evidence.program_id == program.id
        )
    )
    items = [
        EvidenceItem(
            e.kind,
            e.occurred_on,
            Decimal(e.amount) if e.amount else None,
            bool(e.flags.get("professional_services")),
            e.expires_on,
            bool(e.flags.get("completed", True)),
        )
        for e in evidence
    ]
    facts = gather(
        items,
        on,
        start,
        end,
        await membership_agreement_in_effect(session, membership.partner_id, program, on),
        settings.exclude_professional_services,
    )
    held = await tier_held_on(session, membership, on)
    current = next(key for key, tier in tiers.items() if tier.id == held)
    invited = await invited_tiers(session, membership.partner_id, program, on, tiers)
    return evaluate(
        specs,
        facts,
        current,
        invited,
        start,
        end,
        keeping_needs_requirements=settings.requires_current_tier_requirements,
    )


def as_basis(evaluation: Evaluation, on: date, mode: str) -> dict[str, Any]:
    """The evaluation as JSON, kept with a tier change (SEG-TIER-06)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value.value if hasattr(value, "value") else value

    return {"as_of": on.isoformat(), "mode": mode, **plain(dataclasses.asdict(evaluation))}
