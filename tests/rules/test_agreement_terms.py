"""The term engine (SEG-AGR-07/08/09, CS-AGR-06) around month ends, leap years and renewals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.agreement_terms import (
    AgreementStatus,
    Facts,
    Notice,
    TerminationReason,
    Terms,
    anniversary,
    non_renewal_deadline,
    state_on,
    term_last_day,
    termination_effective_on,
)
from rules.dates import add_months

SEGMENT = Terms(12, 12, 30, 60, 30, ("program_discontinued", "anti_corruption_breach"))
CONTENTSQUARE = Terms(None, None, None, 30, 10, ("incurable_breach", "liquidation", "insolvency"))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_initial_term_and_first_renewal() -> None:
    """SEG-AGR-07: 12 months from the Effective Date, then 12-month renewals."""
    facts = Facts(effective_on=date(2025, 1, 15))
    last_day = state_on(SEGMENT, facts, date(2026, 1, 14))
    assert (last_day.renewal_count, last_day.current_term_end) == (0, date(2026, 1, 14))
    assert last_day.non_renewal_deadline == date(2025, 12, 15)
    renewed = state_on(SEGMENT, facts, date(2026, 1, 15))
    assert renewed.status is AgreementStatus.ACTIVE
    assert (renewed.renewal_count, renewed.current_term_start) == (1, date(2026, 1, 15))
    assert renewed.current_term_end == date(2027, 1, 14)


def test_leap_day_effective_date_does_not_drift() -> None:
    effective = date(2024, 2, 29)
    assert [anniversary(SEGMENT, effective, k) for k in range(5)] == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]
    assert term_last_day(SEGMENT, effective, 0) == date(2025, 2, 27)


def test_month_end_effective_date() -> None:
    effective = date(2025, 8, 31)
    assert term_last_day(SEGMENT, effective, 0) == date(2026, 8, 30)
    assert non_renewal_deadline(SEGMENT, effective, 0) == date(2026, 7, 31)


def test_pending_before_effective_and_rejected() -> None:
    assert state_on(SEGMENT, Facts(), date(2025, 1, 1)).status is AgreementStatus.PENDING
    future = Facts(effective_on=date(2025, 2, 1))
    assert state_on(SEGMENT, future, date(2025, 1, 31)).status is AgreementStatus.PENDING
    rejected = Facts(rejected_on=date(2025, 1, 10))
    assert state_on(CONTENTSQUARE, rejected, date(2025, 1, 9)).status is AgreementStatus.PENDING
    assert state_on(CONTENTSQUARE, rejected, date(2025, 1, 10)).status is AgreementStatus.REJECTED


def test_timely_non_renewal_expires_at_term_end() -> None:
    facts = Facts(effective_on=date(2025, 1, 15), notices=(Notice(date(2025, 12, 15)),))
    assert state_on(SEGMENT, facts, date(2025, 12, 14)).status is AgreementStatus.ACTIVE
    notice = state_on(SEGMENT, facts, date(2025, 12, 15))
    assert (notice.status, notice.ends_on) == (AgreementStatus.NOTICE_GIVEN, date(2026, 1, 15))
    assert state_on(SEGMENT, facts, date(2026, 1, 14)).status is AgreementStatus.NOTICE_GIVEN
    expired = state_on(SEGMENT, facts, date(2026, 1, 15))
    assert expired.status is AgreementStatus.EXPIRED
    assert expired.renewal_count == 0


@pytest.mark.parametrize(
    ("terms", "reason", "days"),
    [
        (SEGMENT, TerminationReason.CONVENIENCE, 60),
        (CONTENTSQUARE, TerminationReason.CONVENIENCE, 30),
        (SEGMENT, TerminationReason.BREACH, 30),
        (CONTENTSQUARE, TerminationReason.BREACH, 10),
        (SEGMENT, TerminationReason.IMMEDIATE, 0),
        (CONTENTSQUARE, TerminationReason.IMMEDIATE, 0),
    ],
)
def test_termination_effective_dates(terms: Terms, reason: TerminationReason, days: int) -> None:
    """SEG-AGR-08/09 and CS-AGR-06."""
    notice = date(2025, 6, 1)
    assert termination_effective_on(terms, reason, notice) == notice + timedelta(days=days)
    facts = Facts(effective_on=date(2025, 1, 1), notices=(Notice(notice, reason),))
    end = notice + timedelta(days=days)
    if days:
        assert state_on(terms, facts, end - timedelta(1)).status is AgreementStatus.NOTICE_GIVEN
    assert state_on(terms, facts, end).status is AgreementStatus.TERMINATED


def test_termination_before_a_pending_expiry_wins() -> None:
    facts = Facts(
        effective_on=date(2025, 1, 15),
        notices=(
            Notice(date(2025, 10, 1)),
            Notice(date(2025, 11, 1), TerminationReason.IMMEDIATE),
        ),
    )
    state = state_on(SEGMENT, facts, date(2025, 11, 2))
    assert (state.status, state.ends_on) == (AgreementStatus.TERMINATED, date(2025, 11, 1))


def test_no_fixed_term_has_no_renewals() -> None:
    state = state_on(CONTENTSQUARE, Facts(effective_on=date(2023, 9, 1)), date(2026, 1, 1))
    assert state.status is AgreementStatus.ACTIVE
    assert (state.renewal_count, state.current_term_end, state.non_renewal_deadline) == (
        None,
        None,
        None,
    )


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=0, max_value=3000),
)
def test_terms_tile_time(effective: date, offset: int) -> None:
    """Every day after the Effective Date lies in exactly one term, and terms touch."""
    on = effective + timedelta(days=offset)
    state = state_on(SEGMENT, Facts(effective_on=effective), on)
    assert state.current_term_start is not None and state.current_term_end is not None
    assert state.current_term_start <= on <= state.current_term_end
    assert state.renewal_count is not None
    nxt = state_on(
        SEGMENT, Facts(effective_on=effective), state.current_term_end + timedelta(days=1)
    )
    assert nxt.current_term_start == state.current_term_end + timedelta(days=1)
    assert nxt.renewal_count == state.renewal_count + 1


def test_a_second_breach_after_a_cure_keeps_the_first_on_record() -> None:
    """CS-AGR-06 (10-day cure): a breach noticed on 1 March and cured on 5 March, a second one
    noticed on 1 April and never cured. The first cure period still reads on 3 March, the
    agreement is active between the cure and the second notice, and ends on 11 April."""
    first = Notice(date(2025, 3, 1), TerminationReason.BREACH, cured_on=date(2025, 3, 5))
    second = Notice(date(2025, 4, 1), TerminationReason.BREACH)
    both = Facts(effective_on=date(2024, 9, 1), notices=(first, second))
    expected = {
        date(2025, 2, 28): (AgreementStatus.ACTIVE, None),
        date(2025, 3, 3): (AgreementStatus.NOTICE_GIVEN, date(2025, 3, 11)),
        date(2025, 3, 5): (AgreementStatus.ACTIVE, None),
        date(2025, 3, 31): (AgreementStatus.ACTIVE, None),
        date(2025, 4, 10): (AgreementStatus.NOTICE_GIVEN, date(2025, 4, 11)),
        date(2025, 4, 11): (AgreementStatus.TERMINATED, date(2025, 4, 11)),
    }
    for on, (status, ends) in expected.items():
        state = state_on(CONTENTSQUARE, both, on)
        assert (state.status, state.ends_on) == (status, ends), on
    # A past date's answer does not change when a later notice is recorded (issue 11).
    only_first = Facts(effective_on=date(2024, 9, 1), notices=(first,))
    assert state_on(CONTENTSQUARE, only_first, date(2025, 3, 3)) == state_on(
        CONTENTSQUARE, both, date(2025, 3, 3)
    )
    assert state_on(CONTENTSQUARE, both, date(2025, 4, 11)).ending == second


def test_a_notice_awaiting_receipt_has_no_effect() -> None:
    """SEG-AGR-13: a notice given on receipt, its receipt not recorded (given_on None)."""
    facts = Facts(
        effective_on=date(2025, 1, 1), notices=(Notice(None, TerminationReason.IMMEDIATE),)
    )
    state = state_on(SEGMENT, facts, date(2025, 6, 1))
    assert (state.status, state.ends_on) == (AgreementStatus.ACTIVE, None)
