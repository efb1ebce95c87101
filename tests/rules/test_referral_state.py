"""Referral status from facts (CS-REF-02, CS-REF-10)."""

from __future__ import annotations

from datetime import date, timedelta

from rules.referral_state import ReferralFacts, ReferralStatus, status_on

SUBMITTED = date(2026, 3, 2)
FACTS = ReferralFacts(
    submitted_on=SUBMITTED,
    decision_deadline=date(2026, 3, 11),
    meeting_deadline=SUBMITTED + timedelta(days=30),
)


def test_deemed_rejected_the_day_after_the_window() -> None:
    assert status_on(FACTS, date(2026, 3, 11)) is ReferralStatus.SUBMITTED
    assert status_on(FACTS, date(2026, 3, 12)) is ReferralStatus.DEEMED_REJECTED
    assert status_on(FACTS, date(2026, 3, 12), "deemed_approved") is ReferralStatus.APPROVED


def test_meeting_keeps_the_opportunity_live() -> None:
    approved = ReferralFacts(**{**FACTS.__dict__, "approved_on": date(2026, 3, 5)})
    assert status_on(approved, date(2026, 4, 1)) is ReferralStatus.APPROVED
    assert status_on(approved, date(2026, 4, 2)) is ReferralStatus.NOT_LIVE
    met = ReferralFacts(**{**approved.__dict__, "meeting_on": date(2026, 3, 20)})
    assert status_on(met, date(2026, 6, 1)) is ReferralStatus.APPROVED
    late = ReferralFacts(**{**approved.__dict__, "meeting_on": date(2026, 4, 3)})
    assert status_on(late, date(2026, 6, 1)) is ReferralStatus.NOT_LIVE


def test_precedence() -> None:
    closed = ReferralFacts(
        **{
            **FACTS.__dict__,
            "approved_on": date(2026, 3, 5),
            "qualified_on": date(2026, 3, 20),
            "closed_on": None,
        }
    )
    assert status_on(closed, date(2026, 3, 19)) is ReferralStatus.APPROVED
    assert status_on(closed, date(2026, 3, 20)) is ReferralStatus.QUALIFIED
    rejected = ReferralFacts(**{**FACTS.__dict__, "rejected_on": date(2026, 3, 4)})
    assert status_on(rejected, date(2026, 5, 1)) is ReferralStatus.REJECTED
    not_viable = ReferralFacts(
        **{
            **FACTS.__dict__,
            "approved_on": date(2026, 3, 5),
            "meeting_on": date(2026, 3, 6),
            "not_viable_on": date(2026, 3, 9),
        }
    )
    assert status_on(not_viable, date(2026, 3, 9)) is ReferralStatus.NOT_LIVE
