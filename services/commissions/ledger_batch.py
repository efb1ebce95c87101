"""The ledger of many partners of a program recomputed at once (a history import): the facts of
every partner loaded in a few queries, the same pure ledger (rules/ledger.py), and the same
commission rows as `services.commissions.ledger.recompute` writes one partner at a time.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
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
from models.base import utcnow
from models.locks import hold
from rules import ledger
from services.commissions.earnings import excluded_fact
from services.commissions.facts import ledger_lock, payment_fact, revenue_fact, terms_of
from services.commissions.ledger import line_json
from services.partners.memberships import program_today
from services.referrals.policy import referral_policy

CHUNK = 2000


async def lock_ledgers(session: AsyncSession, program: Program, partners: list[uuid.UUID]) -> None:
    """`lock_ledger` for many partners in one statement (PostgreSQL; SQLite holds the database
    write lock already), taken in one order so two batches never deadlock."""
    await hold(session, [ledger_lock(p, program.id) for p in partners])


async def load_facts_many(
    session: AsyncSession, program: Program, partners: list[uuid.UUID]
) -> dict[uuid.UUID, ledger.Facts]:
    """Every ledger fact of each partner in a program (as `facts.load_facts`, batched)."""
    policy = referral_policy(program)
    facts: dict[uuid.UUID, dict[str, list[Any]]] = {p: defaultdict(list) for p in partners}
    owner: dict[uuid.UUID, uuid.UUID] = {}
    for i in range(0, len(partners), CHUNK):
        chunk = partners[i : i + CHUNK]
        of_chunk = (Referral.program_id == program.id) & Referral.partner_id.in_(chunk)
        for q, partner in await session.execute(
            select(QualifiedAgreement, Referral.partner_id)
            .join(Referral, Referral.id == QualifiedAgreement.referral_id)
            .where(of_chunk)
        ):
            owner[q.id] = partner
            version = policy.schedule_on(q.signed_on)
            assert version is not None
            facts[partner]["qualified"].append(
                ledger.QualifiedFact(
                    str(q.id),
                    q.signed_on,
                    q.created_at,
                    version.schedule,
                    *excluded_fact(q, policy),
                )
            )
        for r, partner in await session.execute(
            select(RevenueLine, Referral.partner_id)
            .join(QualifiedAgreement, QualifiedAgreement.id == RevenueLine.qualified_agreement_id)
            .join(Referral, Referral.id == QualifiedAgreement.referral_id)
            .where(of_chunk)
        ):
            facts[partner]["revenue"].append(revenue_fact(r))
        for p, partner in await session.execute(
            select(ClientPayment, Referral.partner_id)
            .join(QualifiedAgreement, QualifiedAgreement.id == ClientPayment.qualified_agreement_id)
            .join(Referral, Referral.id == QualifiedAgreement.referral_id)
            .where(of_chunk)
        ):
            facts[partner]["payments"].append(payment_fact(p))
        await _payouts(session, program, chunk, facts)
    return {
        p: ledger.Facts(
            tuple(f["qualified"]), tuple(f["revenue"]), tuple(f["payments"]), tuple(f["payouts"])
        )
        for p, f in facts.items()
    }


async def _payouts(
    session: AsyncSession,
    program: Program,
    chunk: list[uuid.UUID],
    facts: dict[uuid.UUID, dict[str, list[Any]]],
) -> None:
    of_chunk = (Commission.program_id == program.id) & Commission.partner_id.in_(chunk)
    qualified_of = {
        c_id: q_id
        for c_id, q_id in await session.execute(
            select(Commission.id, Commission.qualified_agreement_id).where(of_chunk)
        )
    }
    parts: dict[uuid.UUID, list[ledger.Settled]] = defaultdict(list)
    for part in await session.scalars(
        select(PayoutAdjustment)
        .join(Payout, Payout.id == PayoutAdjustment.payout_id)
        .join(Commission, Commission.id == Payout.commission_id)
        .where(of_chunk)
    ):
        parts[part.payout_id].append(
            ledger.Settled(
                str(qualified_of[part.commission_id]), part.cause_id, Decimal(part.amount)
            )
        )
    for payout, partner in await session.execute(
        select(Payout, Commission.partner_id)
        .join(Commission, Commission.id == Payout.commission_id)
        .where(of_chunk)
    ):
        facts[partner]["payouts"].append(
            ledger.PayoutFact(
                str(payout.id),
                str(qualified_of[payout.commission_id]),
                payout.paid_on,
                Decimal(payout.gross),
                payout.created_at,
                tuple(parts.get(payout.id, ())),
            )
        )


async def recompute_many(
    session: AsyncSession,
    program: Program,
    partners: list[uuid.UUID],
    facts: dict[uuid.UUID, ledger.Facts] | None = None,
) -> dict[uuid.UUID, ledger.Facts]:
    """`recompute` for many partners: every year of each partner's commissions from its facts
    (given, or loaded); paid commissions stay as paid; new ones are inserted in batches.
    Returns the facts used."""
    await lock_ledgers(session, program, partners)
    await session.flush()
    facts = facts if facts is not None else await load_facts_many(session, program, partners)
    terms = terms_of(referral_policy(program))
    currency = referral_policy(program).currency
    today = program_today(program)
    existing: dict[str, Commission] = {}
    for i in range(0, len(partners), CHUNK):
        for c in await session.scalars(
            select(Commission).where(
                Commission.program_id == program.id,
                Commission.partner_id.in_(partners[i : i + CHUNK]),
            )
        ):
            existing[str(c.qualified_agreement_id)] = c
    new: list[dict[str, Any]] = []
    for partner in partners:
        state = ledger.ledger_on(facts[partner], terms, today)
        for key, entry in state.entries.items():
            values = {
                "payable_on": entry.payable_on,
                "due_on": entry.due_on,
                "year": entry.year,
                "schedule_version": entry.schedule_version,
                "currency": currency,
                "ncr": entry.ncr,
                "amount": entry.amount,
                "lines": [line_json(line, currency) for line in entry.lines],
                "computed_at": utcnow(),
            }
            commission = existing.get(key)
            if commission is None:
                new.append(
                    {
                        "id": uuid.uuid4(),
                        "qualified_agreement_id": uuid.UUID(key),
                        "partner_id": partner,
                        "program_id": program.id,
                        **values,
                    }
                )
                continue
            commission.payable_on, commission.due_on = entry.payable_on, entry.due_on
            if commission.paid_on is None:
                for name, value in values.items():
                    setattr(commission, name, value)
    for i in range(0, len(new), 5000):
        await session.execute(insert(Commission).returning(Commission.id), new[i : i + 5000])
    await session.flush()
    return facts
