"""Batch reads of commissions: commissions, payouts, revenue lines, client payments and tax
documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from models import ClientPayment, Commission, Payout, RevenueLine, TaxDocument
from models.batch import grouped, one_each


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
