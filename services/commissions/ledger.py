"""Use cases: qualified agreements, revenue, client payments, commissions, tax, payouts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    ClientPayment,
    Commission,
    Partner,
    Payout,
    Program,
    QualifiedAgreement,
    Referral,
    RevenueLine,
    TaxDocument,
)
from models.base import utcnow
from rules import commissions as engine
from rules.agreement_terms import TerminationReason
from rules.dates import add_months
from rules.global_ids import global_id
from rules.money import round_money
from rules.ncr import RevenueItem, billed_total, known_kinds, net_commissionable_revenue
from rules.referral_state import ReferralStatus
from services.actor import Actor
from services.agreements.state import state_of
from services.audit.log import record
from services.errors import ReferralErrorCode, input_error
from services.partners.memberships import program_today
from services.referrals.lifecycle import load_referral
from services.referrals.policy import ReferralPolicy, policy_of
from services.referrals.state import referral_status
from services.webhooks.outbox import emit

Code = ReferralErrorCode
AMOUNT_MAX = Decimal("1000000000000")


def _admin(actor: Actor, what: str, field: str) -> None:
    if not actor.is_admin:
        raise input_error(field, Code.FORBIDDEN, f"only an admin key can {what}")


def _policy(program: Program) -> ReferralPolicy:
    policy = policy_of(program)
    assert policy is not None
    return policy


def _amount(value: Decimal | str, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise input_error(field, Code.INVALID_AMOUNT, f"{field} is not a decimal amount") from exc
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise input_error(field, Code.INVALID_AMOUNT, f"{field} must be a positive amount")
    if amount >= AMOUNT_MAX or amount.as_tuple().exponent < -4:  # type: ignore[operator]
        raise input_error(field, Code.INVALID_AMOUNT, f"{field} is too large or too precise")
    return amount


async def _qualification_limit(
    session: AsyncSession, program: Program, referral: Referral, policy: ReferralPolicy
) -> date:
    """The last day a Qualified Agreement can be signed (CS-REF-11, SEG-TIER-11)."""
    if policy.qualification_days_after_submission is not None:
        return referral.submitted_on + timedelta(days=policy.qualification_days_after_submission)
    assert policy.qualification_months_after_submission is not None
    limit = add_months(referral.submitted_on, policy.qualification_months_after_submission)
    agreement = await session.scalar(
        select(Agreement).where(
            Agreement.partner_id == referral.partner_id,
            Agreement.program_id == program.id,
            Agreement.kind == policy.requires_agreement,
        )
    )
    if agreement is not None:
        ends = state_of(program, agreement, limit).ends_on
        if ends is not None:
            reason = agreement.termination_reason
            for_cause = reason in (
                TerminationReason.BREACH.value,
                TerminationReason.IMMEDIATE.value,
            )
            tail = (
                0
                if for_cause and not policy.qualification_tail_when_terminated_for_cause
                else policy.qualification_months_after_termination
            )
            limit = min(limit, add_months(ends, tail))
    return limit - timedelta(days=1)


async def record_qualified_agreement(
    session: AsyncSession,
    actor: Actor,
    *,
    referral_id: uuid.UUID,
    signed_on: date,
    products: list[str],
    through_reseller: bool,
    paid_under_other_program: bool,
    order_reference: str,
) -> QualifiedAgreement:
    """Record the client's agreement a live, primary referral led to (CS-REF-11)."""
    _admin(actor, "record qualified agreements", "referralId")
    referral, program = await load_referral(session, actor, referral_id)
    policy = _policy(program)
    if signed_on > program_today(program) or signed_on < referral.submitted_on:
        raise input_error(
            "signedOn", Code.INVALID_DATE, "signedOn must be between submission and today"
        )
    if not referral.is_primary:
        raise input_error(
            "referralId", Code.NOT_PRIMARY, "another partner referred this client first (CS-REF-04)"
        )
    if referral.qualified_on is not None:
        raise input_error("referralId", Code.ALREADY_QUALIFIED, "a qualified agreement is recorded")
    status = referral_status(referral, signed_on)
    if status is not ReferralStatus.APPROVED:
        raise input_error(
            "referralId",
            Code.NOT_LIVE,
            f"on {signed_on} the referral was {status.value}, not a live opportunity (CS-REF-10)",
        )
    limit = await _qualification_limit(session, program, referral, policy)
    if signed_on > limit:
        raise input_error(
            "signedOn",
            Code.OUTSIDE_QUALIFICATION_WINDOW,
            f"a qualified agreement had to be signed by {limit} (CS-REF-11)",
        )
    if policy.schedule_on(signed_on) is None:
        raise input_error("signedOn", Code.INVALID_DATE, "no commission schedule was in force then")
    cleaned = [p.strip() for p in products if p.strip()]
    if not cleaned:
        raise input_error("products", Code.REQUIRED, "name at least one product")
    qualified = QualifiedAgreement(
        id=uuid.uuid4(),
        referral_id=referral.id,
        signed_on=signed_on,
        products=[p[:100] for p in cleaned][:50],
        through_reseller=through_reseller,
        paid_under_other_program=paid_under_other_program,
        order_reference=order_reference.strip()[:100],
        created_at=utcnow(),
    )
    session.add(qualified)
    referral.qualified_on = signed_on
    referral.version += 1
    await session.flush()
    await recompute_year(session, program, referral.partner_id, signed_on.year)
    await record(
        session,
        actor,
        "recordQualifiedAgreement",
        "Referral",
        referral.id,
        {
            "signed_on": [None, signed_on.isoformat()],
            "products": [None, cleaned],
            "through_reseller": [None, through_reseller],
            "paid_under_other_program": [None, paid_under_other_program],
        },
    )
    return qualified


@dataclass(frozen=True)
class RevenueInput:
    """A revenue line as given."""

    kind: str
    amount: Decimal | str
    occurred_on: date
    description: str = ""


async def _qualified(
    session: AsyncSession, actor: Actor, qualified_id: uuid.UUID
) -> tuple[QualifiedAgreement, Referral, Program]:
    qualified = await session.get(QualifiedAgreement, qualified_id)
    if qualified is None:
        raise input_error(
            "qualifiedAgreementId", Code.NOT_FOUND, "no qualified agreement has that id"
        )
    referral, program = await load_referral(session, actor, qualified.referral_id)
    return qualified, referral, program


async def record_revenue(
    session: AsyncSession,
    actor: Actor,
    *,
    qualified_agreement_id: uuid.UUID,
    lines: list[RevenueInput],
) -> QualifiedAgreement:
    """Add revenue lines (all or none) and recompute the partner-year's commissions."""
    _admin(actor, "record revenue", "qualifiedAgreementId")
    qualified, referral, program = await _qualified(session, actor, qualified_agreement_id)
    policy = _policy(program)
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
        amount = _amount(line.amount, f"lines.{i}.amount")
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


async def _year_rows(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, year: int
) -> list[QualifiedAgreement]:
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


async def _earnings(
    session: AsyncSession, policy: ReferralPolicy, rows: list[QualifiedAgreement]
) -> list[tuple[QualifiedAgreement, Decimal]]:
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
    policy = _policy(program)
    current = await _earnings(session, policy, await _year_rows(session, program, partner_id, year))
    previous = await _earnings(
        session, policy, await _year_rows(session, program, partner_id, year - 1)
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


async def record_client_payment(
    session: AsyncSession,
    actor: Actor,
    *,
    qualified_agreement_id: uuid.UUID,
    received_on: date,
    amount: Decimal | str,
    reference: str,
) -> ClientPayment:
    """Record money received; full payment makes the commission payable (CS-REF-07/14)."""
    _admin(actor, "record client payments", "qualifiedAgreementId")
    qualified, _referral, program = await _qualified(session, actor, qualified_agreement_id)
    policy = _policy(program)
    value = _amount(amount, "amount")
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
    return payment


async def record_tax_documentation(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    received_on: date,
    withholding_rate: Decimal | str,
    reference: str,
) -> TaxDocument:
    """Put the partner's tax documentation on file, with its withholding rate (CS-REF-08/14)."""
    _admin(actor, "record tax documentation", "partnerId")
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise input_error("partnerId", Code.PARTNER_NOT_FOUND, "no partner has that id")
    rate = _amount(withholding_rate, "withholdingRate", allow_zero=True)
    if rate > 1:
        raise input_error("withholdingRate", Code.INVALID_AMOUNT, "a rate is between 0 and 1")
    document = TaxDocument(
        id=uuid.uuid4(),
        partner_id=partner.id,
        received_on=received_on,
        withholding_rate=rate,
        reference=reference.strip()[:100],
    )
    session.add(document)
    await session.flush()
    await record(
        session,
        actor,
        "recordTaxDocumentation",
        "Partner",
        partner.id,
        {"withholding_rate": [None, str(rate)], "received_on": [None, received_on.isoformat()]},
    )
    return document


async def tax_document_on(
    session: AsyncSession, partner_id: uuid.UUID, on: date
) -> TaxDocument | None:
    """The latest tax documentation on file on a date."""
    return await session.scalar(
        select(TaxDocument)
        .where(TaxDocument.partner_id == partner_id, TaxDocument.received_on <= on)
        .order_by(TaxDocument.received_on.desc(), TaxDocument.created_at.desc())
        .limit(1)
    )


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


async def record_payout(
    session: AsyncSession,
    actor: Actor,
    *,
    commission_id: uuid.UUID,
    paid_on: date,
    set_off: Decimal | str,
    set_off_reason: str,
    reference: str,
) -> Payout:
    """Pay a commission, less withholding tax and any set-off (CS-REF-14, CS-AGR-11)."""
    _admin(actor, "record payouts", "commissionId")
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
    offset = _amount(set_off, "setOff", allow_zero=True)
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
    return payout
