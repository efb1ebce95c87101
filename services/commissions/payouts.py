"""Use case: pay a commission, less withholding tax and any set-off (CS-REF-07/08/14,
CS-AGR-11).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission, Payout, Program
from rules.global_ids import global_id
from rules.money import round_money
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.ledger import blocked_reason
from services.commissions.tax import tax_document_on
from services.errors import ReferralErrorCode, input_error
from services.partners.memberships import program_today
from services.referrals.access import require_admin
from services.webhooks.outbox import emit

Code = ReferralErrorCode


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
    commission = await session.get(Commission, commission_id, with_for_update=True)
    if commission is None:
        raise input_error("commissionId", Code.NOT_FOUND, "no commission has that id")
    program = await session.get(Program, commission.program_id)
    assert program is not None
    if paid_on > program_today(program):
        raise input_error("paidOn", Code.INVALID_DATE, "paidOn cannot be in the future")
    if commission.paid_on is not None:
        raise input_error("commissionId", Code.ALREADY_PAID, f"paid on {commission.paid_on}")
    tax = await tax_document_on(session, commission.partner_id, paid_on)
    reason = blocked_reason(commission, paid_on, tax is not None)
    if reason is not None:
        code = (
            Code.TAX_DOCUMENTATION_MISSING
            if reason.startswith("CS-REF-08")
            else (
                Code.PAYMENT_NOT_RECEIVED if reason.startswith("CS-REF-07") else Code.NOTHING_TO_PAY
            )
        )
        raise input_error("commissionId", code, reason)
    assert tax is not None
    gross = Decimal(commission.amount)
    withholding = round_money(gross * Decimal(tax.withholding_rate), commission.currency)
    offset = checked_amount(set_off, "setOff", allow_zero=True)
    if offset > gross - withholding:
        raise input_error("setOff", Code.SET_OFF_TOO_LARGE, "the set-off exceeds what is due")
    if offset > 0 and not set_off_reason.strip():
        raise input_error("setOffReason", Code.REQUIRED, "say what the set-off is for (CS-AGR-11)")
    payout = Payout(
        id=uuid.uuid4(),
        commission_id=commission.id,
        paid_on=paid_on,
        currency=commission.currency,
        gross=gross,
        withholding=withholding,
        withholding_rate=tax.withholding_rate,
        set_off=offset,
        set_off_reason=set_off_reason.strip() or None,
        net=gross - withholding - offset,
        reference=reference.strip()[:100],
    )
    session.add(payout)
    commission.paid_on = paid_on
    await session.flush()
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
            "net": [None, str(payout.net)],
        },
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
