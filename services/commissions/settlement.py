"""What a payout settles: the commission's gross plus the adjustments carried to it, less
withholding; one reading for `recordPayout` and the history import (issue 11)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from models import PayoutAdjustment
from rules import ledger
from rules.money import round_money


@dataclass(frozen=True)
class Settlement:
    """A payout's figures on its date: the adjustments it settles and what is due."""

    settled: list[ledger.Adjustment]
    carried: Decimal
    due: Decimal
    withholding: Decimal


def settlement(
    state: ledger.Ledger, entry: ledger.Entry, rate: Decimal, currency: str
) -> Settlement:
    """The adjustments of other commissions carried to this payout (issue 11: a paid
    commission never changes), what is due and the withholding on it."""
    settled = [a for a in state.outstanding if a.qualified != entry.qualified]
    carried = sum((a.amount for a in settled), Decimal(0))
    if entry.amount + carried < 0:
        # A negative adjustment larger than this commission waits for a later payout.
        settled, carried = [], Decimal(0)
    due = entry.amount + carried
    return Settlement(settled, carried, due, round_money(due * rate, currency))


def adjustment_rows(
    payout_id: uuid.UUID, settled: list[ledger.Adjustment], commissions: dict[str, uuid.UUID]
) -> list[PayoutAdjustment]:
    """The payout's settled parts, each against the commission it adjusts (by qualified
    agreement id in `commissions`)."""
    return [
        PayoutAdjustment(
            id=uuid.uuid4(),
            payout_id=payout_id,
            commission_id=commissions[part.qualified],
            cause_kind=part.cause_kind,
            cause_id=part.cause,
            amount=part.amount,
            reason=part.reason[:1000],
        )
        for part in settled
    ]


def settled_facts(settled: list[ledger.Adjustment]) -> tuple[ledger.Settled, ...]:
    """The settled parts as the pure ledger reads them back (services/commissions/facts.py)."""
    return tuple(ledger.Settled(part.qualified, part.cause, part.amount) for part in settled)
