"""The qualification window and the post-termination tail (CS-REF-11, SEG-TIER-11)."""

from __future__ import annotations

from datetime import date

from rules.qualification import Ending, QualificationTerms, last_signing_day

CS = QualificationTerms(months_after_submission=12, months_after_termination=6)
SUBMITTED = date(2026, 3, 2)


def test_twelve_months_after_submission_without_termination() -> None:
    assert last_signing_day(SUBMITTED, CS) == date(2027, 3, 1)


def test_six_month_tail_after_a_termination_for_convenience_by_either_party() -> None:
    ended = date(2026, 6, 30)
    assert last_signing_day(SUBMITTED, CS, (Ending(ended),)) == date(2026, 12, 29)
    assert last_signing_day(SUBMITTED, CS, (Ending(ended, by_partner=True),)) == date(2026, 12, 29)


def test_no_tail_when_the_operator_terminates_for_cause() -> None:
    ended = date(2026, 6, 30)
    assert last_signing_day(SUBMITTED, CS, (Ending(ended, for_cause=True),)) == date(2026, 6, 29)


def test_the_partner_terminating_for_the_operator_s_breach_keeps_the_tail() -> None:
    ended = Ending(date(2026, 6, 30), by_partner=True, for_cause=True)
    assert last_signing_day(SUBMITTED, CS, (ended,)) == date(2026, 12, 29)


def test_the_membership_agreement_ending_first_cuts_the_window() -> None:
    schedule = Ending(date(2026, 9, 30))
    membership = Ending(date(2026, 5, 31), for_cause=True)
    assert last_signing_day(SUBMITTED, CS, (schedule, membership)) == date(2026, 5, 30)


def test_a_late_termination_leaves_the_twelve_months() -> None:
    assert last_signing_day(SUBMITTED, CS, (Ending(date(2027, 1, 31)),)) == date(2027, 3, 1)


def test_referral_fee_programs_count_days() -> None:
    fees = QualificationTerms(days_after_submission=90)
    assert last_signing_day(SUBMITTED, fees) == date(2026, 5, 31)
