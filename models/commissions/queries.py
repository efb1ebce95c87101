"""Batch reads of commissions: commissions, payouts, revenue lines, client payments and tax
documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ClientPayment, Commission, Payout, QualifiedAgreement, RevenueLine, TaxDocument
from models.batch import dialect_of, grouped, keyed, keys_of, one_each
from models.commissions.records import COMMISSION_COLUMNS, CommissionRecord
from models.paging import NestedPage, Page, nested_counts, nested_pages
from models.records import read_rows


async def commission_of_qualified(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[Commission | None]:
    """Each qualified agreement's commission, if computed."""
    return await one_each(session, Commission, Commission.qualified_agreement_id, ids)


async def payout_of_commissions(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[Payout | None]:
    """Each commission's payout, if paid."""
    return await one_each(session, Payout, Payout.commission_id, ids)


async def revenue_of_qualified(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[RevenueLine]]:
    """Each qualified agreement's revenue lines, by date."""
    return await grouped(
        session,
        RevenueLine,
        RevenueLine.qualified_agreement_id,
        ids,
        RevenueLine.occurred_on,
        RevenueLine.id,
    )


async def payments_of_qualified(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[ClientPayment]]:
    """Each qualified agreement's client payments, by date."""
    return await grouped(
        session,
        ClientPayment,
        ClientPayment.qualified_agreement_id,
        ids,
        ClientPayment.received_on,
        ClientPayment.id,
    )


async def tax_documents_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[TaxDocument]]:
    """Each partner's tax documents, oldest first."""
    return await grouped(
        session,
        TaxDocument,
        TaxDocument.partner_id,
        ids,
        TaxDocument.received_on,
        TaxDocument.created_at,
    )


def commissions_query(_where: object = None) -> Select[tuple[Commission]]:
    """Every commission (a partner's nested list narrows it by partner)."""
    return select(Commission)


async def commission_pages(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, NestedPage]]
) -> list[Page[Commission]]:
    """A page of commissions per (partner, page) key, newest computation first."""
    order = [Commission.computed_at, Commission.id]
    return await nested_pages(
        session, Commission, keys, commissions_query, Commission.partner_id, order
    )


async def commission_counts(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, object]]
) -> list[int]:
    """How many commissions each partner has."""
    return await nested_counts(session, keys, commissions_query, Commission.partner_id)


@cache
def _commission_of_referrals(dialect: str) -> Select[Any]:
    return (
        select(*COMMISSION_COLUMNS.attributes, QualifiedAgreement.referral_id)
        .join(QualifiedAgreement, QualifiedAgreement.id == Commission.qualified_agreement_id)
        .where(keyed(QualifiedAgreement.referral_id, dialect))
    )


async def commission_of_referrals(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[CommissionRecord | None]:
    """Each referral's commission, if any, through its qualified agreement (one statement),
    as plain records (a dashboard reads one per referral: no ORM objects, issue 14)."""
    stmt = _commission_of_referrals(dialect_of(session))
    make = COMMISSION_COLUMNS.make
    rows = {row[-1]: make(row[:-1]) for row in await read_rows(session, stmt, keys_of(ids))}
    return [rows.get(i) for i in ids]
