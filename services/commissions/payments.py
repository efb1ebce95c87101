"""Use case: record the client's payments; paid in full, the commission becomes payable
(CS-REF-07/14).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ClientPayment, Commission, QualifiedAgreement
from rules.global_ids import global_id
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.facts import lock_ledger
from services.commissions.ledger import recompute
from services.commissions.qualified_agreements import load_qualified
from services.errors import ReferralErrorCode, limited
from services.fact_dates import Earlier, given_date
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
    qualified, referral, program = await load_qualified(session, actor, qualified_agreement_id)
    await lock_ledger(session, referral.partner_id, program.id)
    policy = referral_policy(program)
    value = checked_amount(amount, "amount")
    dated = given_date(
        program,
        received_on,
        "receivedOn",
        Code,
        Earlier("the client's signing", qualified.signed_on),
    )
    commission = await session.scalar(
        select(Commission).where(Commission.qualified_agreement_id == qualified.id)
    )
    was_payable = commission is not None and commission.payable_on is not None
    payment = ClientPayment(
        id=uuid.uuid4(),
        qualified_agreement_id=qualified.id,
        received_on=received_on,
        amount=value,
        currency=policy.currency,
        reference=limited(reference, "reference", 100, Code.TOO_LONG),
    )
    session.add(payment)
    await session.flush()
    state = await recompute(session, program, referral.partner_id)
    entry = state.entries.get(str(qualified.id))
    paid_in_full = entry is not None and entry.payable_on is not None
    if commission is not None and not was_payable and commission.payable_on is not None:
        assert commission.due_on is not None
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
            "paid_in_full": [None, paid_in_full],
        },
        dated=dated,
    )
    return qualified
