"""Agreements read with the agreement they supplement, as of any date (issue 11 `asOf`,
issue 12): a supplementary agreement (program data `supplements`) ends no later than its
parent. The referral use cases call `agreement_in_force` before taking a referral.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Program
from rules.agreement_terms import AgreementStatus, State, bounded_by
from services.agreements.state import agreement_spec, state_of

IN_EFFECT = (AgreementStatus.ACTIVE, AgreementStatus.NOTICE_GIVEN)


async def agreement_of(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, kind: str
) -> Agreement | None:
    """A partner's agreement of one kind in a program, if any."""
    found: Agreement | None = await session.scalar(
        select(Agreement).where(
            Agreement.partner_id == partner_id,
            Agreement.program_id == program.id,
            Agreement.kind == kind,
        )
    )
    return found


async def agreement_state(
    session: AsyncSession, program: Program, agreement: Agreement, on: date
) -> State:
    """The agreement's state at the start of `on`, bounded by the agreement it supplements.

    Reads only facts, so the answer for a past date changes only when a fact dated on or
    before it is recorded.
    """
    own = state_of(program, agreement, on)
    spec = agreement_spec(program, agreement.kind)
    parent_kind = spec.supplements if spec else None
    if not parent_kind:
        return own
    parent = await agreement_of(session, program, agreement.partner_id, parent_kind)
    if parent is None:
        return own
    return bounded_by(own, await agreement_state(session, program, parent, on), on)


async def agreement_in_force(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, kind: str, on: date
) -> Agreement | None:
    """The partner's agreement of `kind` when it is in effect on `on` (its parent too), else
    None. Referrals are refused once the parent agreement has ended (issue 12)."""
    agreement = await agreement_of(session, program, partner_id, kind)
    if agreement is None:
        return None
    state = await agreement_state(session, program, agreement, on)
    return agreement if state.status in IN_EFFECT else None
