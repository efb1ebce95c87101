"""The program year as the API shows it (issue 12)."""

from __future__ import annotations

import datetime as dt

import strawberry

from rules.program_year import ProgramYear as YearRule


@strawberry.type(
    name="ProgramYear",
    description="One program year. Every program year starts on the same day (`startsOn`, "
    "program data; 01-01 is the calendar year) and is named by the calendar year it starts "
    "in: from 04-01, program year 2026 runs from 1 April 2026 to 31 March 2027. Tier windows, "
    "MDF budgets (`MdfRequest.programYear`), review periods and, when the program's brackets "
    "accumulate per program year, commission years read it.",
)
class ProgramYearView:
    year: int = strawberry.field(description="The calendar year it starts in.")
    starts_on: str = strawberry.field(
        description="MM-DD on which every program year of the program starts."
    )
    first_day: dt.date
    last_day: dt.date

    @classmethod
    def of(cls, rule: YearRule, day: dt.date) -> ProgramYearView:
        """The program year containing `day`."""
        year = rule.of(day)
        first, last = rule.bounds(year)
        return cls(
            year=year, starts_on=f"{rule.month:02}-{rule.day:02}", first_day=first, last_day=last
        )
