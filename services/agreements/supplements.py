"""Agreements read with the agreement they supplement, as of any date (issue 11 `asOf`,
issue 12): a supplementary agreement (program data `supplements`) ends no later than its
parent. The referral use cases call `agreement_in_force` before taking a referral.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Program
from models.agreements.records import AnyAgreement
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


def state_among(
    program: Program,
    agreement: AnyAgreement,
    agreements: Sequence[AnyAgreement],
    on: date,
    known: dict[uuid.UUID, State] | None = None,
) -> State:
    """The agreement's state at the start of `on`, bounded by the agreement it supplements,
    found among `agreements` (the partner's agreements, e.g. from a DataLoader). `known`
    keeps the states computed as of `on`, by agreement id, for the next call to reuse (a
    parent's state is then computed once for all its supplements)."""
    if known is not None:
        found = known.get(agreement.id)
        if found is None:
            found = known[agreement.id] = _state_among(program, agreement, agreements, on, known)
        return found
    return _state_among(program, agreement, agreements, on, known)


def _state_among(
    program: Program,
    agreement: AnyAgreement,
    agreements: Sequence[AnyAgreement],
    on: date,
    known: dict[uuid.UUID, State] | None,
) -> State:
    own = state_of(program, agreement, on)
    spec = agreement_spec(program, agreement.kind)
    if spec is None or spec.supplements is None:
        return own
    parent = next(
        (
            a
            for a in agreements
            if a.kind == spec.supplements
            and a.program_id == agreement.program_id
            and a.partner_id == agreement.partner_id
        ),
        None,
    )
    if parent is None:
        return own
    return bounded_by(own, state_among(program, parent, agreements, on, known), on)


async def agreement_state(
    session: AsyncSession, program: Program, agreement: Agreement, on: date
) -> State:
    """The agreement's state at the start of `on`, bounded by the agreement it supplements.

    Reads only facts, so the answer for a past date changes only when a fact dated on or
    before it is recorded.
    """
    spec = agreement_spec(program, agreement.kind)
    if spec is None or spec.supplements is None:
        return state_of(program, agreement, on)
    siblings = list(
        await session.scalars(
            select(Agreement).where(
                Agreement.partner_id == agreement.partner_id,
                Agreement.program_id == program.id,
            )
        )
    )
    return state_among(program, agreement, siblings, on)


async def agreement_in_force(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, kind: str, on: date
) -> Agreement | None:
    """The partner's agreement of `kind` when it is in effect on `on` (its parent too), else
    None. Referrals are refused once the parent agreement has ended (issue 12). One statement.
    """
    siblings = list(
        await session.scalars(
            select(Agreement).where(
                Agreement.partner_id == partner_id, Agreement.program_id == program.id
            )
        )
    )
    agreement = next((a for a in siblings if a.kind == kind), None)
    if agreement is None:
        return None
    state = state_among(program, agreement, siblings, on)
    return agreement if state.status in IN_EFFECT else None
