"""First-submitter primacy as of a date, from dated facts (CS-REF-04)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from rules.primacy import ClientReferral, PrimacyPolicy, holders_on
from rules.referral_state import ReferralFacts

CS = PrimacyPolicy(window_months=6)  # CS-REF-04: six months, no-sale exception


def referral(submitted: date, deadline_days: int = 9, **facts: object) -> ClientReferral:
    closed_no_sale = bool(facts.pop("closed_no_sale", False))
    return ClientReferral(
        id=uuid.uuid4(),
        submitted_at=datetime(submitted.year, submitted.month, submitted.day, 9, tzinfo=UTC),
        facts=ReferralFacts(
            submitted_on=submitted,
            decision_deadline=submitted + timedelta(days=deadline_days),
            meeting_deadline=submitted + timedelta(days=30),
            **facts,  # type: ignore[arg-type]
        ),
        closed_no_sale=closed_no_sale,
    )


def test_first_submitter_holds_for_six_months() -> None:
    first = referral(date(2026, 1, 5), approved_on=date(2026, 1, 6))
    inside = referral(date(2026, 7, 4))
    outside = referral(date(2026, 7, 5))  # CS-REF-04: six months after 5 January
    found = holders_on([inside, first], date(2026, 7, 4), CS)
    assert found == {first.id: None, inside.id: first.id}
    late = holders_on([first, outside], date(2026, 8, 1), CS)
    assert late[outside.id] is None


def test_deemed_rejection_releases_the_client_from_the_day_after_the_deadline() -> None:
    first = referral(date(2026, 3, 2))  # undecided; deadline 11 March
    second = referral(date(2026, 3, 4), approved_on=date(2026, 3, 5))
    assert holders_on([first, second], date(2026, 3, 11), CS)[second.id] == first.id
    assert holders_on([first, second], date(2026, 3, 12), CS)[second.id] is None


def test_rejection_releases_only_from_its_own_date() -> None:
    first = referral(date(2026, 3, 2), rejected_on=date(2026, 3, 6))
    second = referral(date(2026, 3, 3))
    assert holders_on([first, second], date(2026, 3, 5), CS)[second.id] == first.id
    assert holders_on([first, second], date(2026, 3, 6), CS)[second.id] is None


def test_closed_for_no_sale_releases_only_to_referrals_submitted_after_the_closing() -> None:
    first = referral(
        date(2026, 3, 2),
        approved_on=date(2026, 3, 3),
        closed_on=date(2026, 4, 1),
        closed_no_sale=True,
    )
    before = referral(date(2026, 3, 20))
    after = referral(date(2026, 4, 2))
    found = holders_on([first, before, after], date(2026, 5, 1), CS)
    assert found[before.id] == first.id  # CS-REF-04: submitted before the closing
    assert found[after.id] is None
    no_exception = holders_on(
        [first, after], date(2026, 5, 1), PrimacyPolicy(6, no_sale_exception=False)
    )
    assert no_exception[after.id] == first.id
    closed_other = replace(first, closed_no_sale=False)
    assert holders_on([closed_other, after], date(2026, 5, 1), CS)[after.id] == closed_other.id


def test_a_fact_dated_after_the_asked_day_changes_nothing_before_it() -> None:
    first = referral(date(2026, 3, 2), approved_on=date(2026, 3, 3))
    second = referral(date(2026, 3, 4))
    before = holders_on([first, second], date(2026, 3, 20), CS)
    rejected_later = replace(first, facts=replace(first.facts, rejected_on=date(2026, 3, 21)))
    assert holders_on([rejected_later, second], date(2026, 3, 20), CS) == before
    assert holders_on([rejected_later, second], date(2026, 3, 21), CS)[second.id] is None


def test_a_backdated_submission_takes_the_client_from_its_own_day() -> None:
    live = referral(date(2026, 3, 10))
    backdated = replace(
        referral(date(2026, 3, 9)),
        submitted_at=datetime(2026, 3, 12, 9, tzinfo=UTC),  # entered later, dated earlier
    )
    assert holders_on([live, backdated], date(2026, 3, 9), CS) == {backdated.id: None}
    assert holders_on([live, backdated], date(2026, 3, 12), CS)[live.id] == backdated.id


def test_no_window_means_no_primacy() -> None:
    first = referral(date(2026, 3, 2), approved_on=date(2026, 3, 3))
    second = referral(date(2026, 3, 4))
    assert holders_on([first, second], date(2026, 3, 5), PrimacyPolicy(None))[second.id] is None
