"""The commission ledger: every commission of a partner in a program recomputed from the
recorded facts (rules/ledger.py), and where each one stands (CS-REF-07/08/15..17).

The `commissions` rows keep the ledger as of the program's today for listing and paying; any
other date is computed from the facts (`services.commissions.facts.ledger_of`).
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
from models.commissions.records import AnyCommission
from rules import commissions as engine
from rules import ledger
from rules.citations import citing
from rules.money import round_money
from services.commissions.facts import ledger_of, lock_ledger
from services.partners.memberships import program_today
from services.referrals.policy import ReferralPolicy, referral_policy


def line_json(line: engine.Line, currency: str) -> dict[str, Any]:
    """A commission line as stored and shown."""

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


async def recompute(
    session: AsyncSession, program: Program, partner_id: uuid.UUID
) -> ledger.Ledger:
    """Recompute every year of a partner's commissions in a program from the facts (so a fact
    of year Y moves the carry-over of Y+1 and later years); paid commissions stay as paid.

    Serialised per partner and program (`lock_ledger`). Returns the ledger as of today.
    """
    await lock_ledger(session, partner_id, program.id)
    await session.flush()
    state = await ledger_of(session, program, partner_id, program_today(program))
    existing = {
        str(c.qualified_agreement_id): c
        for c in await session.scalars(
            select(Commission).where(
                Commission.partner_id == partner_id, Commission.program_id == program.id
            )
        )
    }
    for key, entry in state.entries.items():
        commission = existing.get(key)
        if commission is None:
            commission = Commission(
                id=uuid.uuid4(),
                qualified_agreement_id=uuid.UUID(key),
                partner_id=partner_id,
                program_id=program.id,
            )
            session.add(commission)
        commission.payable_on = entry.payable_on
        commission.due_on = entry.due_on
        if commission.paid_on is not None:
            continue
        currency = referral_policy(program).currency
        commission.year = entry.year
        commission.schedule_version = entry.schedule_version
        commission.currency = currency
        commission.ncr = entry.ncr
        commission.amount = entry.amount
        commission.lines = [line_json(line, currency) for line in entry.lines]
        commission.computed_at = utcnow()
    await session.flush()
    return state


def commission_status(commission: AnyCommission, on: date) -> str:
    """PAID, PAYABLE or PENDING on a date."""
    if commission.paid_on is not None and commission.paid_on <= on:
        return "paid"
    if commission.payable_on is not None and commission.payable_on <= on:
        return "payable"
    return "pending"


def blocked_reason(
    commission: AnyCommission, on: date, tax_on_file: bool, policy: ReferralPolicy | None
) -> str | None:
    """Why the commission cannot be paid yet, if it cannot, citing the program's own rule ids
    (CS-REF-07/08 for Contentsquare, issue 12)."""
    if commission.paid_on is not None and commission.paid_on <= on:
        return None
    if commission.amount <= 0:
        reasons = [str(line["reason"]) for line in commission.lines] or ["no revenue yet"]
        return "nothing to pay: " + "; ".join(reasons)
    if commission.payable_on is None or commission.payable_on > on:
        paid = policy.rules_of("paid_in_full") if policy else ()
        return citing(paid, "the program has not received the client's full payment")
    if not tax_on_file:
        documents = policy.rules_of("tax_documentation_required") if policy else ()
        return citing(documents, "the partner's tax documentation is not on file")
    return None
