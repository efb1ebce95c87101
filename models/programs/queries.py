"""Batch reads of programs: tiers, benefits and requirements, programs by slug."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, String, any_, bindparam, case, inspect, null, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from models import Benefit, Program, Requirement, Tier
from models.batch import grouped
from models.programs.records import TIER_COLUMNS, TierRecord
from models.records import read_records
from rules.bounded_cache import BoundedCache

_definitions: BoundedCache[str, dict[str, Any]] = BoundedCache(64)
"""Program definitions already read, by their `definition_sha256` (`all_programs`)."""


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
    """Every program. A definition whose hash was read before is not sent again (NULL in its
    place) but taken from the process's copy: each request reads the programs, and parsing
    their ~20 kB of JSON cost ~1 ms per request (issue 14). Still one statement; a reloaded
    file has a new hash, so its definition is read."""
    known = dict(_definitions.entries)  # a snapshot: no eviction meanwhile can lose one
    dialect = session.get_bind().dialect.name
    stmt = _programs_statements.get(dialect)
    if stmt is None:
        stmt = _programs_statements[dialect] = _programs_statement(dialect)
    programs = []
    for program, definition in await session.execute(stmt, {_KNOWN: list(known)}):
        if definition is not None:
            known[program.definition_sha256] = _definitions.put(
                program.definition_sha256, definition
            )
        if "definition" in inspect(program).unloaded:
            set_committed_value(program, "definition", known[program.definition_sha256])
        programs.append(program)
    return programs


_KNOWN = "known_definitions"
_programs_statements: dict[str, Select[tuple[Program, dict[str, Any] | None]]] = {}


def _programs_statement(dialect: str) -> Select[tuple[Program, dict[str, Any] | None]]:
    """Every program, and its definition unless its hash is among those bound as known."""
    if dialect == "postgresql":
        seen = Program.definition_sha256 == any_(bindparam(_KNOWN, type_=ARRAY(String())))
    else:
        seen = Program.definition_sha256.in_(bindparam(_KNOWN, expanding=True))
    sent = case((seen, null()), else_=Program.definition)
    return select(Program, sent).options(defer(Program.definition)).order_by(Program.slug)
