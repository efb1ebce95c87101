"""Batch reads of agreements: each partner's agreements and each agreement's acceptances."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models import Acceptance, Agreement
from models.batch import dialect_of, grouped, keyed, keys_of


@cache
def _agreements_of_partners(dialect: str) -> Select[Agreement]:
    return (
        select(Agreement)
        .options(joinedload(Agreement.notices))
        .where(keyed(Agreement.partner_id, dialect))
        .order_by(Agreement.created_at, Agreement.id)
    )


async def agreements_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Agreement]]:
    """Each partner's agreements, oldest first, with their notices, in ONE statement (a join
    instead of the relationship's second SELECT: the dashboard's statement count, issue 14)."""
    stmt = _agreements_of_partners(dialect_of(session))
    groups: dict[uuid.UUID, list[Agreement]] = defaultdict(list)
    for row in (await session.scalars(stmt, keys_of(ids))).unique():
        groups[row.partner_id].append(row)
    return [groups.get(i, []) for i in ids]


async def acceptances_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Acceptance]]:
    """Each agreement's acceptances, oldest first (old versions stay on record)."""
    return await grouped(
        session, Acceptance, Acceptance.agreement_id, ids, Acceptance.accepted_at, Acceptance.id
    )
