"""services/fact_dates: the one implementation of a fact's date (issue 11)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from models import Program
from rules.enums import ApiKeyRole
from services.actor import Actor
from services.errors import AgreementErrorCode, ReferralErrorCode, UseCaseError
from services.fact_dates import Earlier, fact_date, given_date, program_today

ADMIN = Actor(role=ApiKeyRole.ADMIN)
PARTNER = Actor(role=ApiKeyRole.PARTNER, partner_id=uuid.uuid4())
# 23:30 UTC on 31 December 2026 is already 1 January 2027 in Paris.
NOW = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def program(timezone: str = "Europe/Paris") -> Program:
    return Program(id=uuid.uuid4(), slug="p", timezone=timezone)


def refusal(call: object) -> tuple[list[str], str, str]:
    assert isinstance(call, UseCaseError)
    [error] = call.errors
    return list(error.field), str(error.code), error.message


def test_program_today_is_taken_in_the_program_time_zone() -> None:
    assert program_today(program(), NOW) == date(2027, 1, 1)
    assert program_today(program("America/Los_Angeles"), NOW) == date(2026, 12, 31)


def test_absent_date_is_the_program_today_and_not_backfilled() -> None:
    dated = fact_date(program(), PARTNER, None, "noticeDate", AgreementErrorCode, now=NOW)
    assert dated.day == date(2027, 1, 1) and not dated.backfilled


def test_admin_may_backdate_and_the_fact_is_marked_backfilled() -> None:
    day = date(2025, 6, 30)
    dated = fact_date(program(), ADMIN, day, "noticeDate", AgreementErrorCode, now=NOW)
    assert (dated.day, dated.entered_on, dated.backfilled) == (day, date(2027, 1, 1), True)


def test_nothing_is_dated_after_the_program_today() -> None:
    with pytest.raises(UseCaseError) as caught:
        fact_date(program(), ADMIN, date(2027, 1, 2), "noticeDate", AgreementErrorCode, now=NOW)
    field, code, message = refusal(caught.value)
    assert (field, code) == (["input", "noticeDate"], "date_in_future")
    assert "2027-01-01" in message
    # The same instant is still 31 December in Los Angeles: 1 January is in its future.
    with pytest.raises(UseCaseError):
        given_date(
            program("America/Los_Angeles"), date(2027, 1, 1), "x", ReferralErrorCode, now=NOW
        )


def test_partner_keys_record_the_program_today() -> None:
    with pytest.raises(UseCaseError) as caught:
        fact_date(program(), PARTNER, date(2026, 12, 31), "acceptedOn", AgreementErrorCode, now=NOW)
    assert refusal(caught.value)[1] == "backdating_forbidden"
    today = fact_date(
        program(), PARTNER, date(2027, 1, 1), "acceptedOn", AgreementErrorCode, now=NOW
    )
    assert today.day == date(2027, 1, 1)
    reported = fact_date(
        program(),
        PARTNER,
        date(2026, 12, 30),
        "dispatchedOn",
        AgreementErrorCode,
        now=NOW,
        partner_may_backdate=True,
    )
    assert reported.backfilled


def test_a_fact_respects_the_order_of_a_named_earlier_fact() -> None:
    earlier = Earlier("the submission", date(2026, 5, 4))
    with pytest.raises(UseCaseError) as caught:
        fact_date(
            program(),
            ADMIN,
            date(2026, 5, 3),
            ["input", "decidedOn"],
            ReferralErrorCode,
            earlier,
            now=NOW,
        )
    field, code, message = refusal(caught.value)
    assert (field, code) == (["input", "decidedOn"], "date_out_of_order")
    assert "the submission (2026-05-04)" in message
    same_day = fact_date(
        program(), ADMIN, date(2026, 5, 4), "decidedOn", ReferralErrorCode, earlier, now=NOW
    )
    assert same_day.day == date(2026, 5, 4)
    # An earlier fact without a date constrains nothing.
    fact_date(
        program(), ADMIN, date(2020, 1, 1), "decidedOn", ReferralErrorCode, Earlier("x", None)
    )


def test_every_domain_code_enum_knows_the_fact_date_codes() -> None:
    from services import errors

    for name in (
        "MembershipErrorCode",
        "AgreementErrorCode",
        "ReferralErrorCode",
        "SupportErrorCode",
        "GovernanceErrorCode",
    ):
        codes = getattr(errors, name)
        for code in ("DATE_IN_FUTURE", "DATE_OUT_OF_ORDER", "BACKDATING_FORBIDDEN"):
            assert codes[code].value == code.lower()
