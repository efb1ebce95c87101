"""The pure ledger (rules/ledger.py): answers for a date never depend on facts dated after it,
and a paid commission's adjustments add up to what later facts changed (issue 11, CS-REF-16)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.commissions import Bracket, Schedule
from rules.ledger import Facts, PayoutFact, QualifiedFact, RevenueFact, Terms, amounts, ledger_on
from rules.program_year import ProgramYear

D = Decimal
CS = Schedule(
    "2023-08",
    "USD",
    (Bracket(D(300000), D("0.10")), Bracket(D(600000), D("0.15")), Bracket(None, D("0.20"))),
    rate_rule="CS-REF-15",
    carry_over_rule="CS-REF-16",
)
TERMS = Terms(12, frozenset({"discount"}), frozenset(), frozenset({"vat"}), 30, lambda _y: True)
T0 = datetime(2026, 1, 1, tzinfo=UTC)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30))
fees = st.integers(min_value=1, max_value=900).map(lambda n: D(n * 1000))


@st.composite
def histories(draw: st.DrawFn) -> Facts:
    signed = sorted(draw(st.lists(days, min_size=1, max_size=5)))
    qualified = tuple(
        QualifiedFact(f"q{i}", day, T0 + timedelta(seconds=i), CS) for i, day in enumerate(signed)
    )
    revenue = []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        q = draw(st.sampled_from(qualified))
        on = q.signed_on + timedelta(days=draw(st.integers(min_value=0, max_value=400)))
        revenue.append(
            RevenueFact(
                f"r{i}",
                q.key,
                draw(st.sampled_from(["invoiced_fee", "invoiced_fee", "discount", "vat"])),
                draw(fees),
                on,
                T0 + timedelta(seconds=100 + i),
            )
        )
    return Facts(qualified, tuple(revenue))


@settings(max_examples=60, deadline=None)
@given(histories(), days)
def test_an_answer_for_a_date_ignores_facts_dated_after_it(facts: Facts, on: date) -> None:
    """Recording facts dated after `on` never changes the ledger on `on`."""
    earlier = Facts(
        tuple(q for q in facts.qualified if q.signed_on <= on),
        tuple(r for r in facts.revenue if r.dated <= on),
    )
    assert ledger_on(facts, TERMS, on) == ledger_on(earlier, TERMS, on)


@settings(max_examples=60, deadline=None)
@given(histories())
def test_a_paid_commission_stays_as_paid_and_adjustments_add_up(facts: Facts) -> None:
    """A payout freezes the commission as it stood; every later fact's change is an adjustment,
    and they add up to the difference with the commission computed from all facts."""
    first = facts.qualified[0]
    paid_on = first.signed_on
    known = Facts(
        facts.qualified[:1],
        tuple(r for r in facts.revenue if r.dated <= paid_on and r.qualified == first.key),
    )
    gross = amounts(known, TERMS)[first.key].amount
    payout = PayoutFact("p", first.key, paid_on, gross, T0 + timedelta(seconds=50))
    end = date(2028, 1, 1)
    with_payout = Facts(facts.qualified, facts.revenue, (), (payout,))
    entry = ledger_on(with_payout, TERMS, end).entries[first.key]
    assert entry.amount == gross and entry.paid_on == paid_on
    recomputed = amounts(facts, TERMS)[first.key].amount
    assert sum((a.amount for a in entry.adjustments), D(0)) == recomputed - gross


def test_brackets_accumulate_per_program_year_across_31_december() -> None:
    """Issue 12: with `accumulation = "program_year_cumulative"` and a year from 1 April, NCR
    signed on 1 November 2025 and 15 January 2026 accumulates in program year 2025 (the second
    200,000 starts at 200,000: 100,000 at 10% and 100,000 at 15%), and 200,000 signed on
    2 April 2026 starts program year 2026 afresh at 10%. Per calendar year the January deal
    would have started again at 10%."""
    fiscal = ProgramYear.parse("04-01")
    signed = [date(2025, 11, 1), date(2026, 1, 15), date(2026, 4, 2)]
    facts = Facts(
        tuple(
            QualifiedFact(f"q{i}", day, T0 + timedelta(seconds=i), CS)
            for i, day in enumerate(signed)
        ),
        tuple(
            RevenueFact(f"r{i}", f"q{i}", "invoiced_fee", D(200000), day, T0)
            for i, day in enumerate(signed)
        ),
    )
    no_carry = replace(TERMS, carry_over_into=lambda _y: False)  # like the third program
    entries = amounts(facts, replace(no_carry, year_of=fiscal.of))
    assert [(e.year, e.amount) for e in entries.values()] == [
        (2025, D("20000.00")),
        (2025, D("25000.00")),
        (2026, D("20000.00")),
    ]
    calendar = amounts(facts, no_carry)
    assert [(e.year, e.amount) for e in calendar.values()] == [
        (2025, D("20000.00")),
        (2026, D("20000.00")),
        (2026, D("25000.00")),
    ]


def test_the_carried_rate_runs_per_program_year_and_resets_on_its_first_day() -> None:
    """CS-REF-16 read per program year (issue 12; Contentsquare keeps the calendar year): 400,000
    signed on 1 March 2025 reaches 15% in program year 2024 (from 1 April), so 100,000 signed on
    1 February 2026 (program year 2025) earns the carried 15%; program year 2025 stays below the
    thresholds, so 100,000 signed on 1 May 2026 starts program year 2026 at the base 10%. Per
    calendar year both 2026 deals would earn the 15% carried from 2025."""
    signed = [date(2025, 3, 1), date(2026, 2, 1), date(2026, 5, 1)]
    fees = [D(400000), D(100000), D(100000)]
    facts = Facts(
        tuple(
            QualifiedFact(f"q{i}", day, T0 + timedelta(seconds=i), CS)
            for i, day in enumerate(signed)
        ),
        tuple(
            RevenueFact(f"r{i}", f"q{i}", "invoiced_fee", fee, day, T0)
            for i, (day, fee) in enumerate(zip(signed, fees, strict=True))
        ),
    )
    fiscal = amounts(facts, replace(TERMS, year_of=ProgramYear.parse("04-01").of))
    assert [(e.year, e.amount, e.carried_in) for e in fiscal.values()] == [
        (2024, D("45000.00"), None),
        (2025, D("15000.00"), D("0.15")),
        (2026, D("10000.00"), None),
    ]
    calendar = amounts(facts, TERMS)
    assert [e.amount for e in calendar.values()] == [D("45000.00"), D("15000.00"), D("15000.00")]


def test_an_increase_from_an_unpaid_invoice_waits_for_the_client_s_payment() -> None:
    """CS-REF-07 for adjustments (issue 11): a paid commission's increase caused by a new
    invoice of the same agreement is owed only once the client has paid it; before, it is
    listed on the commission but not outstanding (not in the balance, not settled)."""
    from rules.ledger import PaymentFact

    q = QualifiedFact("q", date(2025, 2, 1), T0, CS)
    first = RevenueFact("r1", "q", "invoiced_fee", D(100000), date(2025, 2, 1), T0)
    paid = PaymentFact("m1", "q", date(2025, 3, 1), D(100000), T0)
    payout = PayoutFact("p", "q", date(2025, 3, 10), D(10000), T0 + timedelta(seconds=1))
    later = RevenueFact(
        "r2", "q", "invoiced_fee", D(50000), date(2025, 4, 1), T0 + timedelta(seconds=2)
    )
    facts = Facts((q,), (first, later), (paid,), (payout,))
    waiting = ledger_on(facts, TERMS, date(2025, 4, 30))
    assert [a.amount for a in waiting.entries["q"].adjustments] == [D(5000)]
    assert waiting.outstanding == [] and waiting.balance == 0
    settled = PaymentFact("m2", "q", date(2025, 5, 2), D(50000), T0 + timedelta(seconds=3))
    owed = ledger_on(replace(facts, payments=(paid, settled)), TERMS, date(2025, 5, 2))
    assert [a.amount for a in owed.outstanding] == [D(5000)] and owed.balance == D(5000)
