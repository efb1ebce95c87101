"""Liability caps as of an event date, their basis taken from recorded facts and explained
line by line (SEG-AGR-11, CS-AGR-08), and the partner payments CS-AGR-08 counts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner, PartnerPayment, Program
from models.agreements.records import AnyAgreement
from rules.dates import add_months
from rules.liability import Cap, liability_cap
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.facts import ledger_of
from services.errors import ReferralErrorCode, input_error, limited
from services.fact_dates import given_date
from services.programs.sections.agreements import AgreementDef
from services.referrals.access import require_admin
from services.referrals.policy import policy_of

Code = ReferralErrorCode


@dataclass(frozen=True)
class BasisLine:
    """One amount counted in a cap's basis."""

    on: date | None
    amount: Decimal
    text: str


async def record_partner_payment(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    program_id: uuid.UUID,
    paid_on: date,
    amount: Decimal | str,
    reference: str,
) -> PartnerPayment:
    """Record money the partner paid the operator (the CS-AGR-08 cap basis)."""
    require_admin(actor, "record partner payments", "partnerId")
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise input_error("partnerId", Code.PARTNER_NOT_FOUND, "no partner has that id")
    program = await session.get(Program, program_id)
    if program is None:
        raise input_error("programId", Code.PROGRAM_NOT_FOUND, "no program has that id")
    value = checked_amount(amount, "amount")
    dated = given_date(program, paid_on, "paidOn", Code)
    payment = PartnerPayment(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        paid_on=paid_on,
        amount=value,
        currency=program.currency,
        reference=limited(reference, "reference", 100, Code.TOO_LONG),
    )
    session.add(payment)
    await session.flush()
    await record(
        session,
        actor,
        "recordPartnerPayment",
        "Partner",
        partner.id,
        {"amount": [None, str(value)], "paid_on": [None, paid_on.isoformat()]},
        dated=dated,
    )
    return payment


async def _commission_basis(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, on: date
) -> list[BasisLine]:
    """SEG-AGR-11: commissions paid (as paid, with settled adjustments) or payable on `on`."""
    if policy_of(program) is None:
        return []
    state = await ledger_of(session, program, partner_id, on)
    lines = []
    for entry in sorted(state.entries.values(), key=lambda e: (e.year, e.qualified)):
        if entry.status == "pending":
            continue
        when = entry.paid_on or entry.payable_on
        lines.append(BasisLine(when, entry.amount, f"commission of {entry.year}, {entry.status}"))
        # Adjustments of a paid commission are paid (settled) or payable (open) as well, but
        # an increase waiting for the client's payment of a new invoice is neither (CS-REF-07).
        lines.extend(
            BasisLine(None, a.amount, f"adjustment of that commission: {a.reason}")
            for a in entry.adjustments
            if a.amount < 0 or entry.payable_on is not None
        )
    return lines


async def _payment_basis(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID, on: date, months: int
) -> list[BasisLine]:
    """CS-AGR-08: what the partner paid in the `months` months before the event day."""
    start = add_months(on, -months)
    rows = await session.scalars(
        select(PartnerPayment)
        .where(
            PartnerPayment.partner_id == partner_id,
            PartnerPayment.program_id == program_id,
            PartnerPayment.paid_on >= start,
            PartnerPayment.paid_on < on,
        )
        .order_by(PartnerPayment.paid_on, PartnerPayment.created_at)
    )
    return [
        BasisLine(p.paid_on, Decimal(p.amount), f"paid by the partner ({p.reference or 'no ref'})")
        for p in rows
    ]


async def cap_on(
    session: AsyncSession, program: Program, agreement: AnyAgreement, spec: AgreementDef, on: date
) -> tuple[Cap, list[BasisLine]] | None:
    """The agreement's liability cap for an event on `on`, with the basis line by line."""
    rule = spec.liability_cap
    if rule is None:
        return None
    if rule.basis == "commissions_paid_or_payable":
        lines = await _commission_basis(session, program, agreement.partner_id, on)
    else:
        lines = await _payment_basis(
            session, agreement.partner_id, program.id, on, int(rule.basis_months or 0)
        )
    basis = sum((line.amount for line in lines), Decimal(0))
    cap = liability_cap(
        rule.floor.amount, rule.floor.currency, rule.basis, basis, rule.basis_months
    )
    return cap, lines
