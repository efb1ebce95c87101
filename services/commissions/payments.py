"""Use case: record the client's payments; paid in full, the commission becomes payable
(CS-REF-07/14).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ClientPayment, Commission, QualifiedAgreement
from rules.global_ids import global_id
from rules.ncr import billed_total
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.earnings import revenue_items
from services.commissions.qualified_agreements import load_qualified
from services.errors import ReferralErrorCode, input_error
from services.partners.memberships import program_today
from services.referrals.access import require_admin
from services.referrals.policy import referral_policy
from services.webhooks.outbox import emit

Code = ReferralErrorCode


async def record_client_payment(
    session: AsyncSession,
    actor: Actor,
    *,
    qualified_agreement_id: uuid.UUID,
    received_on: date,
    amount: Decimal | str,
    reference: str,
) -> QualifiedAgreement:
    """Record money received; full payment makes the commission payable (CS-REF-07/14).

    Returns the qualified agreement the payment is for.
    """
    require_admin(actor, "record client payments", "qualifiedAgreementId")
    qualified, _referral, program = await load_qualified(session, actor, qualified_agreement_id)
    policy = referral_policy(program)
    value = checked_amount(amount, "amount")
    if received_on > program_today(program) or received_on < qualified.signed_on:
        raise input_error(
            "receivedOn", Code.INVALID_DATE, "receivedOn must be between signing and today"
        )
    payment = ClientPayment(
        id=uuid.uuid4(),
        qualified_agreement_id=qualified.id,
        received_on=received_on,
        amount=value,
        currency=policy.currency,
        reference=reference.strip()[:100],
    )
    session.add(payment)
    await session.flush()
    items = (await revenue_items(session, [qualified.id]))[qualified.id]
    billed = billed_total(items, policy.deductions)
    paid = Decimal(
        await session.scalar(
            select(func.coalesce(func.sum(ClientPayment.amount), 0)).where(
                ClientPayment.qualified_agreement_id == qualified.id
            )
        )
        or 0
    )
    commission = await session.scalar(
        select(Commission).where(Commission.qualified_agreement_id == qualified.id)
    )
    if commission is not None and commission.payable_on is None and billed > 0 and paid >= billed:
        commission.payable_on = received_on
        commission.due_on = received_on + timedelta(days=policy.payment_due_days)
        await emit(
            session,
            "commission.payable",
            commission.partner_id,
            {
                "commission": global_id("Commission", commission.id),
                "amount": str(commission.amount),
                "currency": commission.currency,
                "dueDate": commission.due_on.isoformat(),
            },
        )
    await record(
        session,
        actor,
        "recordClientPayment",
        "QualifiedAgreement",
        qualified.id,
        {
            "amount": [None, str(value)],
            "received_on": [None, received_on.isoformat()],
            "paid_in_full": [None, billed > 0 and paid >= billed],
        },
    )
    return qualified
