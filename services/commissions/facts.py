"""A partner's ledger facts in one program, loaded for the pure ledger (rules/ledger.py), and
the per partner-and-program lock that serialises every change to them.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ClientPayment,
    Commission,
    Payout,
    PayoutAdjustment,
    Program,
    QualifiedAgreement,
    Referral,
    RevenueLine,
)
from models.locks import hold, lock_key
from rules import ledger
from services.commissions.earnings import excluded_fact
from services.referrals.policy import ReferralPolicy, referral_policy


def revenue_fact(r: RevenueLine) -> ledger.RevenueFact:
    """A stored revenue line as the pure ledger reads it."""
    return ledger.RevenueFact(
        str(r.id),
        str(r.qualified_agreement_id),
        r.kind,
        Decimal(r.amount),
        r.occurred_on,
        r.created_at,
        r.effective_on,
        str(r.supersedes_id) if r.supersedes_id else None,
        r.voided,
    )


def payment_fact(p: ClientPayment) -> ledger.PaymentFact:
    """A stored client payment as the pure ledger reads it."""
    return ledger.PaymentFact(
        str(p.id), str(p.qualified_agreement_id), p.received_on, Decimal(p.amount), p.created_at
    )


async def lock_ledger(session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID) -> None:
    """Serialise ledger changes of one partner in one program until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock keyed on the pair. SQLite: write transactions
    already begin IMMEDIATE, so writers queue on the database lock.
    """
    await hold(session, [ledger_lock(partner_id, program_id)])


def ledger_lock(partner_id: uuid.UUID, program_id: uuid.UUID) -> int:
    """The advisory lock of one partner's ledger in one program."""
    return lock_key(b"ledger:", partner_id.bytes, program_id.bytes)


def terms_of(policy: ReferralPolicy) -> ledger.Terms:
    """The ledger terms of a program's referral policy: years are its accumulation years
    (calendar or program years), and a rate carries into a year when the schedule in force on
    that year's first day says so (CS-REF-16: 1 January for Contentsquare)."""
    years = policy.accumulation_year

    def carry_over_into(year: int) -> bool:
        version = policy.schedule_on(years.first_day(year))
        return version is not None and version.schedule.carry_over

    return ledger.Terms(
        policy.commissionable_months,
        policy.deductions,
        policy.exclusions,
        policy.taxes,
        policy.payment_due_days,
        carry_over_into,
        years.of,
    )


async def load_facts(
    session: AsyncSession, program: Program, partner_id: uuid.UUID
) -> ledger.Facts:
    """Every ledger fact of a partner in a program."""
    policy = referral_policy(program)
    rows = list(
        await session.scalars(
            select(QualifiedAgreement)
            .join(Referral, Referral.id == QualifiedAgreement.referral_id)
            .where(Referral.partner_id == partner_id, Referral.program_id == program.id)
        )
    )
    ids = [q.id for q in rows]
    qualified = []
    for q in rows:
        version = policy.schedule_on(q.signed_on)
        assert version is not None
        qualified.append(
            ledger.QualifiedFact(
                str(q.id), q.signed_on, q.created_at, version.schedule, *excluded_fact(q, policy)
            )
        )
    revenue = tuple(
        revenue_fact(r)
        for r in await session.scalars(
            select(RevenueLine).where(RevenueLine.qualified_agreement_id.in_(ids))
        )
    )
    payments = tuple(
        payment_fact(p)
        for p in await session.scalars(
            select(ClientPayment).where(ClientPayment.qualified_agreement_id.in_(ids))
        )
    )
    commissions = {
        c.id: c
        for c in await session.scalars(
            select(Commission).where(Commission.qualified_agreement_id.in_(ids))
        )
    }
    payout_rows = list(
        await session.scalars(select(Payout).where(Payout.commission_id.in_(list(commissions))))
    )
    parts: dict[uuid.UUID, list[ledger.Settled]] = {}
    for part in await session.scalars(
        select(PayoutAdjustment).where(PayoutAdjustment.payout_id.in_([p.id for p in payout_rows]))
    ):
        parts.setdefault(part.payout_id, []).append(
            ledger.Settled(
                str(commissions[part.commission_id].qualified_agreement_id),
                part.cause_id,
                Decimal(part.amount),
            )
        )
    payouts = tuple(
        ledger.PayoutFact(
            str(p.id),
            str(commissions[p.commission_id].qualified_agreement_id),
            p.paid_on,
            Decimal(p.gross),
            p.created_at,
            tuple(parts.get(p.id, ())),
        )
        for p in payout_rows
    )
    return ledger.Facts(tuple(qualified), revenue, payments, payouts)


async def ledger_of(
    session: AsyncSession, program: Program, partner_id: uuid.UUID, on: date
) -> ledger.Ledger:
    """A partner's ledger in a program on a date."""
    facts = await load_facts(session, program, partner_id)
    return ledger.ledger_on(facts, terms_of(referral_policy(program)), on)
