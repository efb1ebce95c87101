"""Batch reads for the API's DataLoaders: one statement per relation, whatever the batch size."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models import (
    Acceptance,
    Agreement,
    Benefit,
    Document,
    Membership,
    Partner,
    Program,
    Requirement,
    TemplateVersion,
    Tier,
    TierChange,
)
from models.base import IdMixin
from rules.enums import MembershipStatus

M = TypeVar("M", bound=IdMixin)


async def by_ids(session: AsyncSession, model: type[M], ids: Sequence[uuid.UUID]) -> list[M | None]:
    """Rows of `model` for `ids`, in the same order, None where missing."""
    stmt = select(model).where(model.id.in_(list(set(ids))))
    rows = {row.id: row for row in await session.scalars(stmt)}
    return [rows.get(i) for i in ids]


async def grouped(
    session: AsyncSession,
    model: type[M],
    parent: QueryableAttribute[Any],
    parent_ids: Sequence[uuid.UUID],
    *order: QueryableAttribute[Any],
) -> list[list[M]]:
    """Children of each parent id, in `order`, as one list per id."""
    groups: dict[uuid.UUID, list[M]] = defaultdict(list)
    stmt = select(model, parent).where(parent.in_(list(set(parent_ids)))).order_by(*order)
    for row, parent_id in await session.execute(stmt):
        groups[parent_id].append(row)
    return [groups.get(i, []) for i in parent_ids]


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


async def memberships_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Membership]]:
    """Each partner's memberships, oldest first."""
    return await grouped(
        session, Membership, Membership.partner_id, ids, Membership.joined_on, Membership.id
    )


async def tier_history_of_memberships(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[TierChange]]:
    """Each membership's tier changes, oldest first."""
    return await grouped(
        session, TierChange, TierChange.membership_id, ids, TierChange.changed_at, TierChange.id
    )


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


async def documents_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Document]]:
    """Each agreement's documents, oldest first."""
    return await grouped(
        session, Document, Document.agreement_id, ids, Document.created_at, Document.id
    )


async def programs_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> list[Program | None]:
    """Programs for slugs, in order, None where unknown."""
    rows = {
        p.slug: p
        for p in await session.scalars(select(Program).where(Program.slug.in_(list(set(slugs)))))
    }
    return [rows.get(s) for s in slugs]


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


async def current_templates(
    session: AsyncSession, keys: Sequence[tuple[str, str]]
) -> list[TemplateVersion | None]:
    """The newest template version for each (program slug, kind); `*` serves every program."""
    kinds = list({kind for _, kind in keys})
    rows = list(
        await session.scalars(
            select(TemplateVersion)
            .where(TemplateVersion.kind.in_(kinds))
            .order_by(TemplateVersion.published_at, TemplateVersion.version)
        )
    )
    newest: dict[tuple[str, str], TemplateVersion] = {}
    for row in rows:
        newest[(row.program_slug, row.kind)] = row
    return [newest.get((slug, kind)) or newest.get(("*", kind)) for slug, kind in keys]


async def all_templates(session: AsyncSession, template_id: str | None) -> list[TemplateVersion]:
    """Published template versions, newest first, optionally of one template."""
    stmt = select(TemplateVersion).order_by(
        TemplateVersion.published_at.desc(), TemplateVersion.version.desc()
    )
    if template_id is not None:
        stmt = stmt.where(TemplateVersion.template_id == template_id)
    return list(await session.scalars(stmt))
