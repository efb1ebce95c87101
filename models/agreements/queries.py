"""Batch reads of agreements: each partner's agreements and each agreement's acceptances."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models import Acceptance, Agreement
from models.batch import among, grouped


async def agreements_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Agreement]]:
    """Each partner's agreements, oldest first, with their notices, in ONE statement (a join
    instead of the relationship's second SELECT: the dashboard's statement count, issue 14)."""
    stmt = (
        select(Agreement)
        .options(joinedload(Agreement.notices))
        .where(among(session, Agreement.partner_id, ids))
        .order_by(Agreement.created_at, Agreement.id)
    )
    groups: dict[uuid.UUID, list[Agreement]] = defaultdict(list)
    for row in (await session.scalars(stmt)).unique():
        groups[row.partner_id].append(row)
    return [groups.get(i, []) for i in ids]


async def acceptances_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Acceptance]]:
    """Each agreement's acceptances, oldest first (old versions stay on record)."""
    return await grouped(
        session, Acceptance, Acceptance.agreement_id, ids, Acceptance.accepted_at, Acceptance.id
    )
