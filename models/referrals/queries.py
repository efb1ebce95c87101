"""Batch reads of referrals: status in SQL, the filtered referral list, qualified agreements,
the active-opportunity registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ActiveOpportunity, QualifiedAgreement, Referral, ReferralKey
from models.batch import one_each
from models.paging import NestedPage, Page, nested_counts, nested_pages
from models.referrals.records import REFERRAL_COLUMNS, ReferralRecord
from models.referrals.stages import statuses_predicate

REFERRAL_ORDER = (Referral.submitted_at, Referral.id)
"""A partner's referrals by submission (`Partner.referrals` reads them newest first)."""


@dataclass(frozen=True)
class ReferralFilter:
    """Which referrals to list."""

    program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    today_of: tuple[tuple[uuid.UUID, date], ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None


RECENT_ONLY = frozenset({"submitted"})
"""Statuses only recent referrals can have (open within their decision window)."""


def _statuses_where(where: ReferralFilter) -> ColumnElement[bool]:
    """The status filter, taken in each program's today."""
    # group programs by their today: usually one group, so no per-program OR (an index on
    # stage serves the filter in submission order)
    programs_of: dict[date, list[uuid.UUID]] = {}
    for program_id, today in where.today_of:
        if where.program_id is None or program_id == where.program_id:
            programs_of.setdefault(today, []).append(program_id)
    if len(programs_of) == 1:
        (today,) = programs_of
        return statuses_predicate(where.statuses, today)
    return or_(
        *[
            and_(Referral.program_id.in_(ids), statuses_predicate(where.statuses, today))
            for today, ids in programs_of.items()
        ]
        or [false()]
    )


def _oldest_submitted(stmt: Select[Referral]) -> ScalarSelect[Any]:
    """The earliest submission `stmt` selects, as a redundant lower bound for it.

    Referrals still open within their decision window are the newest few; in ascending order
    the planner, assuming they are spread evenly, walks the submission index from the oldest
    referral and filters every row. Bounding the walk by the oldest match (found through the
    (stage, decision_deadline) index; OFFSET 0 keeps the planner from turning the MIN into
    that same walk) keeps a page independent of the table's size (issue 14).
    """
    matches = stmt.with_only_columns(Referral.submitted_at).offset(0).subquery()
    return select(func.min(matches.c.submitted_at)).correlate(None).scalar_subquery()


def referrals_query(where: ReferralFilter) -> Select[Referral]:
    """The SELECT of referrals matching a filter; status is taken in each program's today."""
    stmt = select(Referral)
    if where.program_id is not None:
        stmt = stmt.where(Referral.program_id == where.program_id)
    if where.partner_id is not None:
        stmt = stmt.where(Referral.partner_id == where.partner_id)
    if where.submitted_from is not None:
        stmt = stmt.where(Referral.submitted_on >= where.submitted_from)
    if where.submitted_to is not None:
        stmt = stmt.where(Referral.submitted_on <= where.submitted_to)
    if where.statuses:
        stmt = stmt.where(_statuses_where(where))
        if set(where.statuses) <= RECENT_ONLY:
            stmt = stmt.where(Referral.submitted_at >= _oldest_submitted(stmt))
    return stmt


async def qualified_of_referrals(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[QualifiedAgreement | None]:
    """Each referral's qualified agreement, if any."""
    return await one_each(session, QualifiedAgreement, QualifiedAgreement.referral_id, ids)


async def list_opportunities(
    session: AsyncSession, program_id: uuid.UUID
) -> list[ActiveOpportunity]:
    """A program's active-opportunity registry, newest first."""
    return list(
        await session.scalars(
            select(ActiveOpportunity)
            .where(ActiveOpportunity.program_id == program_id)
            .order_by(ActiveOpportunity.created_at.desc())
        )
    )


async def referral_pages(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, NestedPage]]
) -> list[Page[ReferralRecord]]:
    """A page of referrals per (partner, page) key (`NestedPage.where`: a ReferralFilter), as
    plain records (a dashboard reads hundreds: no ORM objects, issue 14)."""
    return await nested_pages(
        session, REFERRAL_COLUMNS, keys, referrals_query, Referral.partner_id, list(REFERRAL_ORDER)
    )


async def referral_counts(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, ReferralFilter]]
) -> list[int]:
    """How many referrals each (partner, filter) key holds."""
    return await nested_counts(session, keys, referrals_query, Referral.partner_id)


async def referrals_of_client(
    session: AsyncSession, program_id: uuid.UUID, keys: Sequence[str]
) -> list[Referral]:
    """Every referral of a program sharing a client key with `keys` (CS-REF-04)."""
    if not keys:
        return []
    shared = (
        select(ReferralKey.referral_id)
        .where(ReferralKey.program_id == program_id, ReferralKey.client_key.in_(list(keys)))
        .distinct()
    )
    return list(
        await session.scalars(
            select(Referral)
            .where(Referral.id.in_(shared))
            .order_by(Referral.submitted_on, Referral.submitted_at, Referral.id)
        )
    )
