"""Use case: record the revenue of a qualified agreement, all lines or none (CS-REF-12/13)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission, QualifiedAgreement, RevenueLine
from rules.ncr import known_kinds
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.ledger import recompute_year
from services.commissions.qualified_agreements import load_qualified
from services.errors import ReferralErrorCode, input_error
from services.referrals.access import require_admin
from services.referrals.policy import referral_policy

Code = ReferralErrorCode


@dataclass(frozen=True)
class RevenueInput:
    """A revenue line as given."""

    kind: str
    amount: Decimal | str
    occurred_on: date
    description: str = ""


async def record_revenue(
    session: AsyncSession,
    actor: Actor,
    *,
    qualified_agreement_id: uuid.UUID,
    lines: list[RevenueInput],
) -> QualifiedAgreement:
    """Add revenue lines (all or none) and recompute the partner-year's commissions."""
    require_admin(actor, "record revenue", "qualifiedAgreementId")
    qualified, referral, program = await load_qualified(session, actor, qualified_agreement_id)
    policy = referral_policy(program)
    commission = await session.scalar(
        select(Commission).where(Commission.qualified_agreement_id == qualified.id)
    )
    if commission is not None and commission.paid_on is not None:
        raise input_error(
            "qualifiedAgreementId",
            Code.COMMISSION_PAID,
            "the commission is paid; its revenue is closed",
        )
    if not lines:
        raise input_error("lines", Code.REQUIRED, "give at least one revenue line")
    kinds = known_kinds(policy.deductions, policy.exclusions)
    for i, line in enumerate(lines):
        if line.kind not in kinds:
            raise input_error(
                f"lines.{i}.kind",
                Code.UNKNOWN_REVENUE_KIND,
                f"kind is one of {', '.join(sorted(kinds))}",
            )
        amount = checked_amount(line.amount, f"lines.{i}.amount")
        session.add(
            RevenueLine(
                id=uuid.uuid4(),
                qualified_agreement_id=qualified.id,
                kind=line.kind,
                amount=amount,
                currency=policy.currency,
                occurred_on=line.occurred_on,
                description=line.description.strip()[:500],
            )
        )
    await session.flush()
    await recompute_year(session, program, referral.partner_id, qualified.signed_on.year)
    await record(
        session,
        actor,
        "recordRevenue",
        "QualifiedAgreement",
        qualified.id,
        {"lines": [None, len(lines)]},
    )
    return qualified
