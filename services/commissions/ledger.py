"""The commission ledger: each partner-year's commissions computed and explained, and where
each one stands (CS-REF-07/08/15..17).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission, Program
from models.base import utcnow
from rules import commissions as engine
from rules.money import round_money
from services.commissions.earnings import exclusion_reason, ncr_by_agreement, qualified_of_year
from services.referrals.policy import referral_policy


def _line(line: engine.Line, currency: str) -> dict[str, Any]:
    def money(value: Decimal) -> str:
        return str(round_money(value, currency))

    return {
        "slice_from": money(line.slice_from),
        "slice_to": money(line.slice_to),
        "base": money(line.base),
        "rate": str(line.rate),
        "amount": str(line.amount),
        "rule_id": line.rule_id,
        "schedule_version": line.schedule_version,
        "reason": line.reason,
    }


async def recompute_year(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, year: int
) -> None:
    """Recompute every unpaid commission of one partner-year (paid ones stay as paid)."""
    policy = referral_policy(program)
    current = await ncr_by_agreement(
        session, policy, await qualified_of_year(session, program, partner_id, year)
    )
    previous = await ncr_by_agreement(
        session, policy, await qualified_of_year(session, program, partner_id, year - 1)
    )
    previous_total = sum((ncr for _, ncr in previous), Decimal(0))
    last_year_schedule = policy.schedule_on(date(year - 1, 12, 31))
    earnings = []
    for qualified, ncr in current:
        version = policy.schedule_on(qualified.signed_on)
        assert version is not None
        earnings.append(engine.Earning(str(qualified.id), ncr, version.schedule))
    results = engine.year_commissions(
        earnings, previous_total, last_year_schedule.schedule if last_year_schedule else None
    )
    existing = {
        c.qualified_agreement_id: c
        for c in await session.scalars(
            select(Commission).where(
                Commission.qualified_agreement_id.in_([q.id for q, _ in current])
            )
        )
    }
    for (qualified, ncr), earning in zip(current, earnings, strict=True):
        commission = existing.get(qualified.id)
        if commission is not None and commission.paid_on is not None:
            continue
        lines = [_line(line, earning.schedule.currency) for line in results[earning.key]]
        reason = exclusion_reason(qualified)
        if reason:
            lines = [
                {
                    "slice_from": "0",
                    "slice_to": "0",
                    "base": "0",
                    "rate": "0",
                    "amount": "0",
                    "rule_id": reason[:9],
                    "schedule_version": earning.schedule.version,
                    "reason": reason,
                }
            ]
        if commission is None:
            commission = Commission(
                id=uuid.uuid4(),
                qualified_agreement_id=qualified.id,
                partner_id=partner_id,
                program_id=program.id,
            )
            session.add(commission)
        commission.year = year
        commission.schedule_version = earning.schedule.version
        commission.currency = earning.schedule.currency
        commission.ncr = ncr
        commission.amount = engine.total(results[earning.key]) if not reason else Decimal(0)
        commission.lines = lines
        commission.computed_at = utcnow()
    await session.flush()


def commission_status(commission: Commission, on: date) -> str:
    """PAID, PAYABLE or PENDING on a date."""
    if commission.paid_on is not None and commission.paid_on <= on:
        return "paid"
    if commission.payable_on is not None and commission.payable_on <= on:
        return "payable"
    return "pending"


def blocked_reason(commission: Commission, on: date, tax_on_file: bool) -> str | None:
    """Why the commission cannot be paid yet, if it cannot."""
    if commission.paid_on is not None and commission.paid_on <= on:
        return None
    if commission.amount <= 0:
        reasons = [str(line["reason"]) for line in commission.lines] or ["no revenue yet"]
        return "nothing to pay: " + "; ".join(reasons)
    if commission.payable_on is None or commission.payable_on > on:
        return "CS-REF-07: the program has not received the client's full payment"
    if not tax_on_file:
        return "CS-REF-08: the partner's tax documentation is not on file"
    return None
