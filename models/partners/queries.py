"""Batch reads of partners: memberships, tier history, and the filtered partner list; a
partner's membership of a program with the program's tiers (enrolment)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, Partner, Tier, TierChange
from models.batch import dialect_of, grouped, keyed, keys_of
from models.partners.records import MEMBERSHIP_COLUMNS, MembershipRecord
from models.programs.records import TIER_COLUMNS, TierRecord
from models.records import read_rows
from rules.enums import MembershipStatus

PARTNER_ORDER = (func.lower(Partner.display_name), Partner.id)
"""The partner list's default order (by display name, case-insensitive)."""

MEMBERSHIP_ORDER = (Membership.joined_on, Membership.id)
"""A partner's memberships, oldest first."""


async def memberships_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Membership]]:
    """Each partner's memberships, oldest first."""
    return await grouped(session, Membership, Membership.partner_id, ids, *MEMBERSHIP_ORDER)


async def tier_history_of_memberships(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[TierChange]]:
    """Each membership's tier changes, oldest first."""
    return await grouped(
        session, TierChange, TierChange.membership_id, ids, TierChange.changed_at, TierChange.id
    )


@dataclass(frozen=True)
class PartnerFilter:
    """Which partners to list; every field narrows the result."""

    program_id: uuid.UUID | None = None
    tier_id: uuid.UUID | None = None
    status: MembershipStatus | None = None
    country: str | None = None
    search: str | None = None
    only_partner_id: uuid.UUID | None = None


def partners_query(where: PartnerFilter) -> Select[Partner]:
    """The SELECT of partners matching a filter (name search is case-insensitive)."""
    stmt = select(Partner)
    if where.only_partner_id is not None:
        stmt = stmt.where(Partner.id == where.only_partner_id)
    if where.country is not None:
        stmt = stmt.where(Partner.country == where.country)
    if where.search:
        needle = where.search.lower()
        stmt = stmt.where(
            func.lower(Partner.display_name).contains(needle, autoescape=True)
            | func.lower(Partner.legal_name).contains(needle, autoescape=True)
        )
    membership = [Membership.partner_id == Partner.id]
    if where.program_id is not None:
        membership.append(Membership.program_id == where.program_id)
    if where.tier_id is not None:
        membership.append(Membership.tier_id == where.tier_id)
    if where.status is not None:
        membership.append(Membership.status == where.status)
    if len(membership) > 1:
        stmt = stmt.where(exists().where(*membership))
    return stmt


@cache
def _memberships_and_tiers(dialect: str) -> Select[Any]:
    return (
        select(*MEMBERSHIP_COLUMNS.attributes, *TIER_COLUMNS.attributes)
        .join(Tier, Tier.id == Membership.tier_id)
        .where(keyed(Membership.partner_id, dialect))
        .order_by(*MEMBERSHIP_ORDER)
    )


async def memberships_and_tiers_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[tuple[MembershipRecord, TierRecord]]]:
    """Each partner's memberships with their current tier, oldest first, as plain records
    (one statement, no ORM objects: the dashboard's CPU, issue 14)."""
    width = len(MEMBERSHIP_COLUMNS.names)
    membership, tier = MEMBERSHIP_COLUMNS.make, TIER_COLUMNS.make
    groups: dict[uuid.UUID, list[tuple[MembershipRecord, TierRecord]]] = {}
    stmt = _memberships_and_tiers(dialect_of(session))
    for row in await read_rows(session, stmt, keys_of(ids)):
        found = membership(row[:width])
        groups.setdefault(found.partner_id, []).append((found, tier(row[width:])))
    return [groups.get(i, []) for i in ids]


async def program_tiers(session: AsyncSession, program_id: uuid.UUID) -> list[Tier]:
    """The program's tiers."""
    return list(await session.scalars(select(Tier).where(Tier.program_id == program_id)))


async def membership_of(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID
) -> Membership | None:
    """The partner's membership of the program, or None."""
    return await session.scalar(
        select(Membership).where(
            Membership.partner_id == partner_id, Membership.program_id == program_id
        )
    )
