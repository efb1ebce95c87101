"""Program years as pure date arithmetic (issue 12): the program year containing a day, its
bounds, the year before, and review periods tiling it (rules/program_year.py)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from rules.program_year import CALENDAR_YEAR, ProgramYear

FISCAL = ProgramYear.parse("04-01")


@pytest.mark.parametrize(
    ("day", "calendar", "fiscal"),
    [
        (date(2026, 1, 1), 2026, 2025),
        (date(2026, 3, 31), 2026, 2025),
        (date(2026, 4, 1), 2026, 2026),
        (date(2026, 12, 31), 2026, 2026),
        (date(2027, 2, 15), 2027, 2026),
        (date(2024, 2, 29), 2024, 2023),
    ],
)
def test_the_program_year_containing_a_day(day: date, calendar: int, fiscal: int) -> None:
    """A program year is named by the calendar year it starts in: with a year from 1 April,
    31 March 2026 is in program year 2025 and 1 April 2026 starts 2026."""
    assert CALENDAR_YEAR.of(day) == calendar
    assert FISCAL.of(day) == fiscal


def test_bounds_and_the_year_before() -> None:
    """Program year 2026 from 1 April runs to 31 March 2027; the calendar year is 1 January to
    31 December (SEG-TIER-06); the year before a day is the one ending before its own starts."""
    assert FISCAL.bounds(2026) == (date(2026, 4, 1), date(2027, 3, 31))
    assert FISCAL.containing(date(2027, 2, 15)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert FISCAL.prior(date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert FISCAL.prior(date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert CALENDAR_YEAR.bounds(2026) == (date(2026, 1, 1), date(2026, 12, 31))
    assert CALENDAR_YEAR.prior(date(2026, 7, 1)) == (date(2025, 1, 1), date(2025, 12, 31))
    leap = ProgramYear.parse("03-01")
    assert leap.bounds(2023) == (date(2023, 3, 1), date(2024, 2, 29))


def test_review_periods_tile_the_program_year() -> None:
    """Quarters of a year from 1 April start in April, July, October and January; a year from
    31 January keeps its periods end to end with no gap (corresponding-date rule)."""
    assert [FISCAL.period(2026, q, 3) for q in (1, 4)] == [
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2027, 1, 1), date(2027, 3, 31)),
    ]
    assert CALENDAR_YEAR.period(2026, 3, 3) == (date(2026, 7, 1), date(2026, 9, 30))
    late = ProgramYear.parse("01-31")
    periods = [late.period(2026, i, 1) for i in range(1, 13)]
    assert periods[0] == (date(2026, 1, 31), date(2026, 2, 27))
    assert periods[-1][1] == date(2027, 1, 30)
    for (_, end), (start, _) in pairwise(periods):
        assert (start - end).days == 1


def test_names_in_messages() -> None:
    assert CALENDAR_YEAR.name(2026) == "2026"
    assert FISCAL.name(2026) == "2026 (2026-04-01 to 2027-03-31)"


@pytest.mark.parametrize("text", ["4-1", "04/01", "13-01", "00-10", "04-31", "02-30", "02-29"])
def test_a_start_that_is_not_a_day_of_every_year_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="MM-DD"):
        ProgramYear.parse(text)
