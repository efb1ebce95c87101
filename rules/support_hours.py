"""Support-hours clocks (SUP-01, SUP-04): when a target response time falls due.

A window is a daily opening (e.g. 09:00-17:30) on chosen weekdays in an IANA time zone, so
daylight saving is handled where the zone has it (America/Los_Angeles, Australia/Sydney) and not
where it has none (Etc/GMT). In `support_hours` mode only time inside the window counts; in
`calendar` mode every hour counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from rules.business_days import WEEKDAYS


@dataclass(frozen=True)
class Window:
    """A support-hours window."""

    timezone: str
    opens: time
    closes: time
    days: frozenset[int]

    @classmethod
    def from_program(cls, data: dict[str, object]) -> Window:
        """A window of a program file's `[[support.windows]]`."""
        days = data["days"]
        assert isinstance(days, list)
        opens, closes = data["opens"], data["closes"]
        return cls(
            str(data["timezone"]),
            opens if isinstance(opens, time) else time.fromisoformat(str(opens)),
            closes if isinstance(closes, time) else time.fromisoformat(str(closes)),
            frozenset(WEEKDAYS.index(str(d)) for d in days),
        )


def due_at(start: datetime, hours: Decimal, window: Window, clock: str) -> datetime:
    """When `hours` of support time have passed since `start` (UTC in, UTC out)."""
    if clock == "calendar":
        return start + timedelta(seconds=float(hours * 3600))
    zone = ZoneInfo(window.timezone)
    remaining = timedelta(seconds=float(hours * 3600))
    cursor = start.astimezone(zone)
    day = cursor.date()
    for _ in range(3660):
        if day.weekday() in window.days:
            opening = datetime.combine(day, window.opens, zone)
            closing = datetime.combine(day, window.closes, zone)
            begin = max(cursor, opening)
            if begin < closing:
                if begin + remaining <= closing:
                    return (begin + remaining).astimezone(UTC)
                remaining -= closing - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), zone)
    raise ValueError("the support window never opens")
