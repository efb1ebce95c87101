"""Benchmark: compute one partner's commission ledger from its facts (rules/ledger.py).

Usage: `make bench` or `python -m benchmarks.ledger --agreements 60 --years 3`. A partner with
that many qualified agreements over the years, three revenue lines each, a third of them paid,
and late lines recorded after the payouts (each paid commission then carries adjustments).
Prints milliseconds per full recomputation (what every ledger mutation of the partner runs).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from rules.commissions import Bracket, Schedule
from rules.ledger import Facts, PayoutFact, QualifiedFact, RevenueFact, Terms, amounts, ledger_on

SCHEDULE = Schedule(
    "bench",
    "USD",
    (
        Bracket(Decimal(300000), Decimal("0.10")),
        Bracket(Decimal(600000), Decimal("0.15")),
        Bracket(None, Decimal("0.20")),
    ),
)
TERMS = Terms(12, frozenset({"discount"}), frozenset(), frozenset({"vat"}), 30, lambda _y: True)


def history(count: int, years: int) -> Facts:
    """A partner history: `count` agreements spread over `years` calendar years."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    qualified, revenue, payouts = [], [], []
    for i in range(count):
        signed = date(2024 - years + 1 + i % years, 1 + i % 12, 1 + i % 28)
        q = QualifiedFact(f"q{i}", signed, start + timedelta(seconds=i), SCHEDULE)
        qualified.append(q)
        for j, kind in enumerate(("invoiced_fee", "vat", "discount")):
            amount = Decimal(40000 + 1000 * (i % 7)) if kind == "invoiced_fee" else Decimal(500)
            revenue.append(
                RevenueFact(f"r{i}.{j}", q.key, kind, amount, signed, start + timedelta(seconds=i))
            )
    base = Facts(tuple(qualified), tuple(revenue))
    computed = amounts(base, TERMS)
    for i, q in enumerate(qualified[::3]):
        paid_on = q.signed_on + timedelta(days=60)
        payouts.append(
            PayoutFact(
                f"p{i}",
                q.key,
                paid_on,
                computed[q.key].amount,
                start + timedelta(days=1, seconds=i),
            )
        )
    late = [
        RevenueFact(
            f"late{i}",
            q.key,
            "invoiced_fee",
            Decimal(25000),
            q.signed_on + timedelta(days=30),
            start + timedelta(days=2, seconds=i),
        )
        for i, q in enumerate(qualified[::5])
    ]
    return Facts(base.qualified, (*base.revenue, *late), (), tuple(payouts))


def main() -> int:
    """Run the benchmark and print the time per recomputation."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agreements", type=int, default=60)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    facts = history(args.agreements, args.years)
    on = date(2026, 12, 1)
    started = time.perf_counter()
    for _ in range(args.runs):
        ledger = ledger_on(facts, TERMS, on)
    elapsed = (time.perf_counter() - started) * 1000 / args.runs
    adjustments = sum(len(e.adjustments) for e in ledger.entries.values())
    print(
        f"ledger of {args.agreements} agreements, {len(facts.revenue)} revenue lines, "
        f"{len(facts.payouts)} payouts ({adjustments} adjustment lines): {elapsed:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
