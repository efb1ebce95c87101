"""Use case: pay a commission, less withholding tax and any set-off (CS-REF-07/08/14,
CS-AGR-11).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission, Payout, Program
from rules import ledger
from rules.citations import cited_in, citing
from rules.global_ids import global_id
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.facts import ledger_of, lock_ledger
from services.commissions.ledger import line_json, recompute
from services.commissions.settlement import adjustment_rows, settlement
from services.commissions.tax import tax_document_on
from services.errors import ReferralErrorCode, input_error, limited
from services.fact_dates import given_date
from services.referrals.access import require_admin
from services.referrals.policy import ReferralPolicy, referral_policy
from services.webhooks.outbox import emit

Code = ReferralErrorCode


def _blocked(
    entry: ledger.Entry, tax_on_file: bool, policy: ReferralPolicy
) -> tuple[Code, str] | None:
    """Why the commission cannot be paid on the payout's date, if it cannot, citing the
    program's own rule ids (CS-REF-07/08 for Contentsquare, issue 12)."""
    if entry.amount <= 0:
        reasons = [line.reason for line in entry.lines] or ["no revenue yet"]
        return Code.NOTHING_TO_PAY, "nothing to pay: " + "; ".join(reasons)
    if entry.payable_on is None:
        why = "on that day the program had not received the client's full payment"
        return Code.PAYMENT_NOT_RECEIVED, citing(policy.rules_of("paid_in_full"), why)
    if not tax_on_file:
        why = "the partner's tax documentation is not on file"
        return (
            Code.TAX_DOCUMENTATION_MISSING,
            citing(policy.rules_of("tax_documentation_required"), why),
        )
    return None


async def _commission_ids(session: AsyncSession, keys: list[str]) -> dict[str, uuid.UUID]:
    if not keys:
        return {}
    rows = await session.scalars(
        select(Commission).where(
            Commission.qualified_agreement_id.in_([uuid.UUID(k) for k in keys])
        )
    )
    return {str(c.qualified_agreement_id): c.id for c in rows}


async def record_payout(
    session: AsyncSession,
    actor: Actor,
    *,
    commission_id: uuid.UUID,
    paid_on: date,
    set_off: Decimal | str,
    set_off_reason: str,
    reference: str,
) -> Commission:
    """Pay a commission, less withholding tax and any set-off (CS-REF-14, CS-AGR-11).

    Returns the commission, now paid.
    """
    require_admin(actor, "record payouts", "commissionId")
    found = await session.get(Commission, commission_id)
    if found is None:
        raise input_error("commissionId", Code.NOT_FOUND, "no commission has that id")
    await lock_ledger(session, found.partner_id, found.program_id)
    commission = await session.get(Commission, commission_id, with_for_update=True)
    assert commission is not None
    await session.refresh(commission)
    program = await session.get(Program, commission.program_id)
    assert program is not None
    dated = given_date(program, paid_on, "paidOn", Code)
    if commission.paid_on is not None:
        raise input_error("commissionId", Code.ALREADY_PAID, f"paid on {commission.paid_on}")
    state = await ledger_of(session, program, commission.partner_id, paid_on)
    entry = state.entries.get(str(commission.qualified_agreement_id))
    if entry is None:
        raise input_error(
            "paidOn", Code.DATE_OUT_OF_ORDER, "paidOn cannot be before the client signed"
        )
    tax = await tax_document_on(session, commission.partner_id, paid_on)
    # CS-REF-08 / SEG-AGR-06: documentation gates payment only where the program requires it.
    policy = referral_policy(program)
    reason = _blocked(entry, tax is not None or not policy.tax_documentation_required, policy)
    if reason is not None:
        # Payable by today but not on paidOn: the date is out of order, not the commission.
        ready = commission.payable_on
        if reason[0] is Code.PAYMENT_NOT_RECEIVED and ready is not None and ready > paid_on:
            raise input_error(
                "paidOn", reason[0], f"paidOn cannot be before the client's full payment ({ready})"
            )
        raise input_error("commissionId", reason[0], reason[1])
    rate = Decimal(tax.withholding_rate) if tax is not None else Decimal(0)
    gross = entry.amount
    figures = settlement(state, entry, rate, commission.currency)
    due, carried, withholding = figures.due, figures.carried, figures.withholding
    offset = checked_amount(set_off, "setOff", allow_zero=True)
    if offset > due - withholding:
        raise input_error("setOff", Code.SET_OFF_TOO_LARGE, "the set-off exceeds what is due")
    if offset > 0 and not set_off_reason.strip():
        cites = cited_in(referral_policy(program).rules_of("set_off"))
        raise input_error("setOffReason", Code.REQUIRED, f"say what the set-off is for{cites}")
    payout = Payout(
        id=uuid.uuid4(),
        commission_id=commission.id,
        paid_on=paid_on,
        currency=commission.currency,
        gross=gross,
        adjustments=carried,
        withholding=withholding,
        withholding_rate=rate,
        set_off=offset,
        set_off_reason=set_off_reason.strip() or None,
        net=due - withholding - offset,
        reference=limited(reference, "reference", 100, Code.TOO_LONG),
    )
    session.add(payout)
    await session.flush()
    adjusted = await _commission_ids(session, [a.qualified for a in figures.settled])
    session.add_all(adjustment_rows(payout.id, figures.settled, adjusted))
    commission.paid_on = paid_on
    commission.amount = gross
    commission.ncr = entry.ncr
    commission.lines = [line_json(line, commission.currency) for line in entry.lines]
    await session.flush()
    await recompute(session, program, commission.partner_id)
    await record(
        session,
        actor,
        "recordPayout",
        "Commission",
        commission.id,
        {
            "gross": [None, str(gross)],
            "withholding": [None, str(withholding)],
            "set_off": [None, str(offset)],
            "adjustments": [None, str(carried)],
            "paid_on": [None, paid_on.isoformat()],
            "net": [None, str(payout.net)],
        },
        dated=dated,
    )
    await emit(
        session,
        "commission.paid",
        commission.partner_id,
        {
            "commission": global_id("Commission", commission.id),
            "paidOn": paid_on.isoformat(),
            "net": str(payout.net),
            "currency": commission.currency,
        },
    )
    return commission
