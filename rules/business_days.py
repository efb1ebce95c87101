"""Business days in a program's calendar (CS-AGR-10), from a maintained holiday library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekends, public holidays of a country (and subdivision) and extra fixed dates."""

    country: str
    subdivision: str | None = None
    weekend: frozenset[int] = field(default_factory=lambda: frozenset({5, 6}))
    extra: frozenset[tuple[int, int]] = frozenset()

    @classmethod
    def from_program(cls, calendar: dict[str, object]) -> BusinessCalendar:
        """The calendar of a program file's `[calendar]` section."""
        weekend = calendar.get("weekend") or ["saturday", "sunday"]
        extra = calendar.get("extra_holidays") or []
        assert isinstance(weekend, Iterable) and isinstance(extra, Iterable)
        return cls(
            country=str(calendar["holiday_country"]),
            subdivision=str(calendar["holiday_subdivision"])
            if calendar.get("holiday_subdivision")
            else None,
            weekend=frozenset(WEEKDAYS.index(str(day)) for day in weekend),
            extra=frozenset((int(d[:2]), int(d[3:])) for d in map(str, extra)),
        )

    def is_business_day(self, day: date) -> bool:
        """Not a weekend day, a public holiday or an extra holiday."""
        if day.weekday() in self.weekend or (day.month, day.day) in self.extra:
            return False
        return day not in _public_holidays(self.country, self.subdivision, day.year)

    def add_business_days(self, start: date, count: int) -> date:
        """The `count`-th business day after `start` (`start` itself is not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day
