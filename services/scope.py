"""The partner and program a use case acts on, checked the same way everywhere."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner, Program
from services.actor import Actor
from services.errors import UseCaseError


async def partner_and_program(
    session: AsyncSession,
    actor: Actor,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    codes: type[enum.StrEnum],
) -> tuple[Partner, Program]:
    """The partner (a partner key's own when not named) and program, or a coded refusal.

    `codes` is the domain's error enum; it has REQUIRED, PARTNER_NOT_FOUND and
    PROGRAM_NOT_FOUND. A foreign partner answers as if it did not exist.
    """
    partner_id = partner_id or actor.partner_id
    if partner_id is None:
        raise UseCaseError.one(
            ["input", "partnerId"], codes["REQUIRED"], "an admin key must name the partner"
        )
    both = (
        await session.execute(
            select(Partner, Program)
            .join(Program, true())
            .where(Partner.id == partner_id, Program.id == program_id)
        )
    ).first()
    if both is not None and actor.may_see_partner(both[0].id):
        return both[0], both[1]  # one statement; else each alone, to say which is missing
    partner = await session.get(Partner, partner_id)
    if partner is None or not actor.may_see_partner(partner.id):
        raise UseCaseError.one(
            ["input", "partnerId"], codes["PARTNER_NOT_FOUND"], "no partner has that id"
        )
    program = await session.get(Program, program_id)
    if program is None:
        raise UseCaseError.one(
            ["input", "programId"], codes["PROGRAM_NOT_FOUND"], "no program has that id"
        )
    return partner, program
