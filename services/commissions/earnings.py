"""What the qualified agreements of a partner-year earn: revenue, exclusions, NCR
(CS-REF-05/06/12/13).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Program, QualifiedAgreement, Referral, RevenueLine
from rules.ncr import RevenueItem, net_commissionable_revenue
from services.referrals.policy import ReferralPolicy


async def revenue_items(
    session: AsyncSession, qualified_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[RevenueItem]]:
    """Revenue items of several qualified agreements."""
    items: dict[uuid.UUID, list[RevenueItem]] = {i: [] for i in qualified_ids}
    rows = await session.scalars(
        select(RevenueLine).where(RevenueLine.qualified_agreement_id.in_(qualified_ids))
    )
    for row in rows:
        items[row.qualified_agreement_id].append(
            RevenueItem(row.kind, Decimal(row.amount), row.occurred_on)
        )
    return items


def exclusion_reason(qualified: QualifiedAgreement) -> str | None:
    """Why a qualified agreement earns nothing at all, if it does not (CS-REF-05/06)."""
    if qualified.through_reseller:
        return "CS-REF-06: bought through a reseller or other third party"
    if qualified.paid_under_other_program:
        return "CS-REF-05: the order already earned a commission under another program"
    return None


async def qualified_of_year(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, year: int
) -> list[QualifiedAgreement]:
    """A partner's qualified agreements signed in a calendar year, in signing order."""
    stmt = (
        select(QualifiedAgreement)
        .join(Referral, Referral.id == QualifiedAgreement.referral_id)
        .where(
            Referral.partner_id == partner_id,
            Referral.program_id == program.id,
            extract("year", QualifiedAgreement.signed_on) == year,
        )
        .order_by(
            QualifiedAgreement.signed_on, QualifiedAgreement.created_at, QualifiedAgreement.id
        )
    )
    return list(await session.scalars(stmt))


async def ncr_by_agreement(
    session: AsyncSession, policy: ReferralPolicy, rows: list[QualifiedAgreement]
) -> list[tuple[QualifiedAgreement, Decimal]]:
    """Each qualified agreement with the NCR it earns on (zero when excluded)."""
    items = await revenue_items(session, [q.id for q in rows])
    out = []
    for qualified in rows:
        ncr, _ = net_commissionable_revenue(
            items[qualified.id],
            qualified.signed_on,
            policy.commissionable_months,
            policy.deductions,
            policy.exclusions,
        )
        out.append((qualified, Decimal(0) if exclusion_reason(qualified) else ncr))
    return out
