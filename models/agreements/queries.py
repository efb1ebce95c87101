"""Batch reads of agreements: each partner's agreements and each agreement's acceptances."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, Agreement
from models.batch import grouped


async def agreements_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Agreement]]:
    """Each partner's agreements, oldest first."""
    return await grouped(
        session, Agreement, Agreement.partner_id, ids, Agreement.created_at, Agreement.id
    )


async def acceptances_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Acceptance]]:
    """Each agreement's acceptances, oldest first (old versions stay on record)."""
    return await grouped(
        session, Acceptance, Acceptance.agreement_id, ids, Acceptance.accepted_at, Acceptance.id
    )
