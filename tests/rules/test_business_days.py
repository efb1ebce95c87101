"""CS-AGR-10 business days: weekends, 25/26 December, 1 January, French public holidays."""

from __future__ import annotations

from datetime import date

import pytest

from rules.business_days import BusinessCalendar

FRANCE = BusinessCalendar(country="FR", extra=frozenset({(12, 25), (12, 26), (1, 1)}))


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2025, 12, 24), True),
        (date(2025, 12, 25), False),  # Christmas
        (date(2025, 12, 26), False),  # Boxing Day: not French, listed by the program
        (date(2026, 1, 1), False),
        (date(2026, 5, 1), False),  # Labour Day
        (date(2026, 5, 8), False),  # Victory in Europe Day
        (date(2026, 5, 14), False),  # Ascension
        (date(2026, 7, 14), False),
        (date(2026, 7, 15), True),
        (date(2026, 11, 21), False),  # a Saturday
    ],
)
def test_business_days(day: date, business: bool) -> None:
    assert FRANCE.is_business_day(day) is business


def test_seven_business_days_over_christmas() -> None:
    """Submitted Tuesday 23 Dec 2025: 24, 29, 30, 31 Dec, 2, 5, 6 Jan."""
    assert FRANCE.add_business_days(date(2025, 12, 23), 7) == date(2026, 1, 6)


def test_seven_business_days_over_may_holidays() -> None:
    """Submitted Thursday 30 Apr 2026: 4, 5, 6, 7, 11, 12, 13 May (1, 8 and 14 May off)."""
    assert FRANCE.add_business_days(date(2026, 4, 30), 7) == date(2026, 5, 13)


def test_program_calendar_from_file() -> None:
    calendar = BusinessCalendar.from_program(
        {"holiday_country": "FR", "weekend": ["saturday", "sunday"], "extra_holidays": ["12-26"]}
    )
    assert not calendar.is_business_day(date(2025, 12, 26))
    assert calendar.weekend == frozenset({5, 6})
