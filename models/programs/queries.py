"""Batch reads of programs: tiers, benefits and requirements, programs by slug."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from models import Benefit, Program, Requirement, Tier
from models.batch import grouped
from models.programs import definitions
from models.programs.records import TIER_COLUMNS, TierRecord
from models.records import read_records


async def tiers_of_programs(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[list[Tier]]:
    """Each program's tiers, lowest rank first."""
    return await grouped(session, Tier, Tier.program_id, ids, Tier.rank)


async def benefits_of_tiers(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[list[Benefit]]:
    """Each tier's benefits, in program-file order."""
    return await grouped(session, Benefit, Benefit.tier_id, ids, Benefit.position)


async def requirements_of_tiers(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Requirement]]:
    """Each tier's requirements, in program-file order."""
    return await grouped(session, Requirement, Requirement.tier_id, ids, Requirement.position)


async def tiers_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[TierRecord | None]:
    """Tiers for ids as plain records, in order, None where missing."""
    stmt = select(Tier).where(Tier.id.in_(list(set(ids))))
    rows = {r.id: r for r in await read_records(session, TIER_COLUMNS, TIER_COLUMNS.narrow(stmt))}
    return [rows.get(i) for i in ids]


async def programs_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> list[Program | None]:
    """Programs for slugs, in order, None where unknown."""
    rows = {
        p.slug: p
        for p in await session.scalars(select(Program).where(Program.slug.in_(list(set(slugs)))))
    }
    return [rows.get(s) for s in slugs]


async def all_programs(session: AsyncSession) -> list[Program]:
    """Every program, in one statement; a definition already read is not sent again
    (`models.programs.definitions`)."""
    known = definitions.known()
    dialect = session.get_bind().dialect.name
    stmt = _programs_statements.get(dialect)
    if stmt is None:
        stmt = _programs_statements[dialect] = (
            select(Program, definitions.unless_known(dialect))
            .options(defer(Program.definition))
            .order_by(Program.slug)
        )
    rows = await session.execute(stmt, {definitions.KNOWN: list(known)})
    return [definitions.settle(program, definition, known) for program, definition in rows]


_programs_statements: dict[str, Select[tuple[Program, dict[str, Any] | None]]] = {}
