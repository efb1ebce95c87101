"""Explanations cite the rule ids a program's own file gives, passed into the pure rules as
plain values (issue 12: a third program must not explain itself like Contentsquare)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from rules.citations import cite, cited_in
from rules.commissions import Bracket, Schedule, commission_lines
from rules.ledger import Facts, PayoutFact, QualifiedFact, RevenueFact, Terms, ledger_on

D = Decimal
T0 = datetime(2026, 1, 1, tzinfo=UTC)
TERMS = Terms(12, frozenset(), frozenset(), frozenset(), 30, lambda _y: True)
BRACKETS = (Bracket(D(300000), D("0.10")), Bracket(None, D("0.20")))
CS = Schedule("2023-08", "USD", BRACKETS, rate_rule="CS-REF-15", carry_over_rule="CS-REF-16")
SEG = Schedule("referral-fee", "USD", (Bracket(None, D("0.10")),), False, "SEG-TIER-11")
NONE = Schedule("alpine", "CHF", BRACKETS, carry_over=False)


def test_citations_group_ids_of_one_family() -> None:
    assert cite(["CS-REF-15", "CS-REF-16"]) == "CS-REF-15/16"
    assert cite(["CS-REF-09", "SEG-TIER-10"]) == "CS-REF-09, SEG-TIER-10"
    assert cite(["SEG-TIER-11", "SEG-TIER-11", ""]) == "SEG-TIER-11"
    assert cited_in([]) == "" and cited_in(["ALP-COM-01"]) == " (ALP-COM-01)"


def test_lines_cite_the_schedule_s_own_rules() -> None:
    """CS-REF-15 on a bracket line and CS-REF-16 on a carried-rate line for Contentsquare's
    ids; SEG-TIER-11 for Segment's referral fee; a schedule given no ids cites none."""
    assert [line.rule_id for line in commission_lines(CS, D(0), D(400000))] == ["CS-REF-15"] * 2
    carried = commission_lines(CS, D(0), D(100000), D("0.20"))
    assert [line.rule_id for line in carried] == ["CS-REF-16"]
    assert [line.rule_id for line in commission_lines(SEG, D(0), D(1000))] == ["SEG-TIER-11"]
    assert [line.rule_id for line in commission_lines(NONE, D(0), D(400000))] == ["", ""]


def _adjusted(schedule: Schedule) -> str:
    """The reason of the adjustment a later revenue line makes to a paid commission."""
    q = QualifiedFact("q", date(2025, 2, 1), T0, schedule)
    first = RevenueFact("r1", "q", "invoiced_fee", D(100000), date(2025, 2, 1), T0)
    paid = commission_lines(schedule, D(0), D(100000))[0].amount
    payout = PayoutFact("p", "q", date(2025, 3, 10), paid, T0 + timedelta(seconds=1))
    later = RevenueFact(
        "r2", "q", "invoiced_fee", D(50000), date(2025, 4, 1), T0 + timedelta(seconds=2)
    )
    facts = Facts((q,), (first, later), (), (payout,))
    adjustments = ledger_on(facts, replace(TERMS), date(2025, 4, 30)).entries["q"].adjustments
    assert len(adjustments) == 1
    return adjustments[0].reason


def test_adjustment_reasons_cite_the_schedule_s_own_rules() -> None:
    """A later revenue line changes a paid commission: the reason cites (CS-REF-15/16) for
    Contentsquare, (SEG-TIER-11) for Segment's fee and no rule when the program gives none."""
    assert _adjusted(CS).endswith("from 10,000.00 to 15,000.00 (CS-REF-15/16)")
    assert _adjusted(SEG).endswith("from 10,000.00 to 15,000.00 (SEG-TIER-11)")
    assert _adjusted(NONE).endswith("from 10,000.00 to 15,000.00")
