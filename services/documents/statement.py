"""The variables of a commission statement: number, period, a section per client, payments.

Payout facts (withholding, set-off, net paid) come from the ledger as stored; nothing is
recomputed here except the totals the statement shows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Commission,
    Partner,
    Payout,
    PayoutAdjustment,
    Program,
    QualifiedAgreement,
    Referral,
)
from services.commissions.facts import ledger_of
from services.commissions.ledger import commission_status
from services.documents.formatting import Formatter
from services.programs.typed import spec_of
from services.referrals.policy import policy_of


async def statement_context(
    session: AsyncSession,
    partner: Partner,
    program: Program,
    year: int,
    today: date,
    fmt: Formatter,
) -> dict[str, Any]:
    """The `statement` variables of one partner-year (the program's accumulation year: its
    period runs from the year's first day, 1 January unless brackets accumulate per program
    year)."""
    rows = (
        await session.execute(
            select(Commission, QualifiedAgreement, Referral, Payout)
            .join(QualifiedAgreement, QualifiedAgreement.id == Commission.qualified_agreement_id)
            .join(Referral, Referral.id == QualifiedAgreement.referral_id)
            .outerjoin(Payout, Payout.commission_id == Commission.id)
            .where(
                Commission.partner_id == partner.id,
                Commission.program_id == program.id,
                Commission.year == year,
            )
            .order_by(QualifiedAgreement.signed_on, Commission.id)
        )
    ).all()
    currency = program.currency

    def money(amount: Any) -> str:
        return fmt.money(Decimal(amount), currency)

    totals: dict[str, Decimal] = defaultdict(Decimal)
    clients: list[dict[str, Any]] = []
    notes: list[str] = []
    paid_out: list[uuid.UUID] = []
    for commission, qualified, referral, payout in rows:
        status = commission_status(commission, today)
        totals["ncr"] += Decimal(commission.ncr)
        totals["earned"] += Decimal(commission.amount)
        if payout is not None and payout.paid_on <= today:
            paid_out.append(payout.id)
            totals["gross"] += Decimal(payout.gross) + Decimal(payout.adjustments)
            totals["withholding"] += Decimal(payout.withholding)
            totals["set_off"] += Decimal(payout.set_off)
            totals["net"] += Decimal(payout.net)
            if payout.set_off:
                notes.append(
                    f"Set-off on {referral.client_name}: {money(payout.set_off)} "
                    f"({payout.set_off_reason or 'no reason recorded'})."
                )
            if payout.withholding:
                notes.append(
                    f"Tax withheld on {referral.client_name}: {money(payout.withholding)} "
                    f"at {fmt.percent(Decimal(payout.withholding_rate))}."
                )
        elif status == "payable":
            totals["payable"] += Decimal(commission.amount)
        lines, client_notes = [], []
        for line in commission.lines or []:
            amount = Decimal(line["amount"])
            lines.append(
                {
                    "slice": f"{money(line['slice_from'])} to {money(line['slice_to'])}",
                    "rate": fmt.percent(Decimal(line["rate"])),
                    "amount": money(amount),
                    "rule": line["rule_id"],
                    "schedule": line["schedule_version"],
                }
            )
            if not Decimal(line["base"]):
                client_notes.append(str(line["reason"]))
        if not lines:
            client_notes.append("No commissionable revenue recorded yet.")
        clients.append(
            {
                "name": referral.client_name,
                "signed": fmt.date(qualified.signed_on),
                "ncr": money(commission.ncr),
                "amount": money(commission.amount),
                "status": _status_text(status, commission, fmt),
                "lines": lines,
                "notes": client_notes,
            }
        )
    found = await _adjustments(session, partner, program, paid_out, (year, today), fmt)
    for amount, text in found:
        totals["adjustments"] += amount
        notes.append(f"{text}: {money(amount)}.")
    balance = totals["earned"] + totals["adjustments"] - totals["gross"]
    summary = [
        ("Net commissionable revenue", totals["ncr"]),
        ("Commission earned", totals["earned"]),
        ("Adjustments", totals["adjustments"]),
        ("Paid (gross)", totals["gross"]),
        ("Tax withheld", -totals["withholding"]),
        ("Set-off", -totals["set_off"]),
        ("Net paid to the Partner", totals["net"]),
        ("Of the balance, payable now", totals["payable"]),
        ("Balance due to the Partner", balance),
    ]
    first, last = spec_of(program).accumulation_year.bounds(year)
    period = f"{fmt.date(first)} to {fmt.date(min(last, today))}"
    return {
        "year": year,
        "currency": currency,
        "number": _number(program, partner.id, year, today),
        "period": period if today >= last else f"{period} (year to date)",
        "issued": fmt.date(today),
        "clients": clients,
        "summary": [{"label": label, "amount": money(value)} for label, value in summary],
        "notes": notes,
    }


async def _adjustments(
    session: AsyncSession,
    partner: Partner,
    program: Program,
    payouts: list[uuid.UUID],
    year_and_today: tuple[int, date],
    fmt: Formatter,
) -> list[tuple[Decimal, str]]:
    """Adjustments of paid commissions (issue 11): those the year's payouts settled and, on the
    current year's statement, those still open, carried to the next payout."""
    year, today = year_and_today
    settled = (
        await session.execute(
            select(PayoutAdjustment, Payout, Referral)
            .join(Payout, Payout.id == PayoutAdjustment.payout_id)
            .join(Commission, Commission.id == PayoutAdjustment.commission_id)
            .join(QualifiedAgreement, QualifiedAgreement.id == Commission.qualified_agreement_id)
            .join(Referral, Referral.id == QualifiedAgreement.referral_id)
            .where(PayoutAdjustment.payout_id.in_(payouts))
        )
    ).all()
    out = [
        (
            Decimal(part.amount),
            f"Adjustment of the paid commission on {referral.client_name}, settled with the "
            f"payout of {fmt.date(payout.paid_on)} ({part.reason})",
        )
        for part, payout, referral in settled
    ]
    if year != spec_of(program).accumulation_year.of(today) or policy_of(program) is None:
        return out
    state = await ledger_of(session, program, partner.id, today)
    names = {
        str(q.id): r.client_name
        for q, r in (
            await session.execute(
                select(QualifiedAgreement, Referral)
                .join(Referral, Referral.id == QualifiedAgreement.referral_id)
                .where(Referral.partner_id == partner.id, Referral.program_id == program.id)
            )
        ).all()
    }
    out += [
        (
            a.amount,
            f"Open adjustment of the paid commission on {names.get(a.qualified, '')}, carried to "
            f"the next payout ({a.reason})",
        )
        for a in state.outstanding
    ]
    return out


def _status_text(status: str, commission: Commission, fmt: Formatter) -> str:
    if status == "paid":
        return f"paid on {fmt.date(commission.paid_on)}"
    if status == "payable":
        return f"payable, due {fmt.date(commission.due_on)}"
    return "pending (not yet payable)"


def _number(program: Program, partner_id: uuid.UUID, year: int, today: date) -> str:
    prefix = "".join(word[0] for word in program.slug.split("-")).upper()
    return f"{prefix}-{year}-{partner_id.hex[:8].upper()}-{today.strftime('%m%d')}"
