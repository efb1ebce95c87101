"""Program years: the year a program's figures run over, as pure date arithmetic (issue 12).

A program year starts every year on the same month and day (program data
`program_year.starts_on`; `01-01` is the calendar year) and is named by the calendar year it
starts in: with a year starting on 1 April, program year 2026 runs from 1 April 2026 to
31 March 2027, and 15 February 2027 is in program year 2026. Tier evaluation windows, MDF
budgets, review periods and (when a schedule accumulates per program year) commission brackets
read it; a start on 29 February is refused, since not every year has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rules.dates import add_months

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class ProgramYear:
    """How a program's years run: each starts on `month`-`day`."""

    month: int = 1
    day: int = 1

    def __post_init__(self) -> None:
        date(2001, self.month, self.day)  # a day of every year (2001 is a common year)

    @classmethod
    def parse(cls, text: str) -> ProgramYear:
        """The program year starting on `MM-DD` (e.g. `04-01`); ValueError when that is not a
        day of every year."""
        match = _MONTH_DAY.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a MM-DD day (e.g. 04-01)")
        try:
            return cls(int(match.group(1)), int(match.group(2)))
        except ValueError:
            raise ValueError(
                f"{text!r} is not a day of every year (MM-DD; 29 February is not one)"
            ) from None

    @property
    def is_calendar(self) -> bool:
        """Whether the program year is the calendar year."""
        return (self.month, self.day) == (1, 1)

    def first_day(self, year: int) -> date:
        """The day program year `year` starts."""
        return date(year, self.month, self.day)

    def of(self, day: date) -> int:
        """The program year containing `day`."""
        return day.year if day >= self.first_day(day.year) else day.year - 1

    def bounds(self, year: int) -> tuple[date, date]:
        """The first and last days of program year `year`."""
        return self.first_day(year), self.first_day(year + 1) - timedelta(days=1)

    def containing(self, day: date) -> tuple[date, date]:
        """The first and last days of the program year containing `day`."""
        return self.bounds(self.of(day))

    def prior(self, day: date) -> tuple[date, date]:
        """The first and last days of the program year before the one containing `day`."""
        return self.bounds(self.of(day) - 1)

    def period(self, year: int, index: int, months: int) -> tuple[date, date]:
        """The `index`-th (from 1) period of `months` months of program year `year`: periods
        tile the year from its first day (quarters of a year from 1 April start in April,
        July, October and January)."""
        start = self.first_day(year)
        first = add_months(start, (index - 1) * months)
        after = add_months(start, index * months)
        return first, after - timedelta(days=1)

    def name(self, year: int) -> str:
        """How messages name program year `year`: `2026` for a calendar year, else with its
        days (`2026 (2026-04-01 to 2027-03-31)`)."""
        if self.is_calendar:
            return str(year)
        first, last = self.bounds(year)
        return f"{year} ({first.isoformat()} to {last.isoformat()})"


CALENDAR_YEAR = ProgramYear()
