"""Support-hours clocks and escalation (SUP-01, SUP-04, SUP-05)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rules.escalation import IncidentClock, escalation_opens_at, is_overdue, response_due_at
from rules.support_hours import Window, due_at

WEEKDAYS = frozenset(range(5))
PACIFIC = Window("America/Los_Angeles", time(9), time(17, 30), WEEKDAYS)
GMT = Window("Etc/GMT", time(9), time(17, 30), WEEKDAYS)
SYDNEY = Window("Australia/Sydney", time(9), time(17, 30), WEEKDAYS)
LA = ZoneInfo("America/Los_Angeles")


def test_friday_afternoon_rolls_to_monday() -> None:
    """Done when: opened Friday 17:00 Pacific, 4 support hours -> Monday 12:30 Pacific."""
    start = datetime(2026, 11, 20, 17, 0, tzinfo=LA)
    assert due_at(start, Decimal(4), PACIFIC, "support_hours") == datetime(
        2026, 11, 23, 12, 30, tzinfo=LA
    )


def test_outside_hours_starts_at_next_opening() -> None:
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=LA)
    assert due_at(saturday, Decimal(1), PACIFIC, "support_hours") == datetime(
        2026, 11, 23, 10, 0, tzinfo=LA
    )
    early = datetime(2026, 11, 24, 6, 0, tzinfo=LA)
    assert due_at(early, Decimal("0.5"), PACIFIC, "support_hours") == datetime(
        2026, 11, 24, 9, 30, tzinfo=LA
    )


def test_multi_day_target() -> None:
    """16 support hours from Monday 09:00 at 8.5 hours a day: Tuesday 16:30."""
    start = datetime(2026, 11, 23, 9, 0, tzinfo=LA)
    assert due_at(start, Decimal(16), PACIFIC, "support_hours") == datetime(
        2026, 11, 24, 16, 30, tzinfo=LA
    )


def test_daylight_saving_and_gmt() -> None:
    """Pacific hours follow DST; GMT stays GMT (London's summer time does not apply)."""
    before = datetime(2026, 3, 6, 17, 0, tzinfo=LA)  # Friday before US DST starts (8 March)
    due = due_at(before, Decimal(1), PACIFIC, "support_hours")
    assert due.astimezone(LA) == datetime(2026, 3, 9, 9, 30, tzinfo=LA)
    assert due.utcoffset() == timedelta(0) and due.astimezone(LA).utcoffset() == timedelta(hours=-7)
    summer = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert due_at(summer, Decimal(1), GMT, "support_hours") == datetime(
        2026, 7, 1, 10, 0, tzinfo=UTC
    )
    sydney = datetime(2026, 1, 5, 22, 30, tzinfo=UTC)  # 09:30 Tuesday in Sydney (AEDT)
    assert due_at(sydney, Decimal(1), SYDNEY, "support_hours") == datetime(
        2026, 1, 5, 23, 30, tzinfo=UTC
    )


def test_calendar_clock_counts_every_hour() -> None:
    start = datetime(2026, 11, 20, 17, 0, tzinfo=LA)
    assert due_at(start, Decimal(4), PACIFIC, "calendar") == start + timedelta(hours=4)


def _clock(**changes: object) -> IncidentClock:
    values: dict[str, object] = {
        "reported_at": datetime(2026, 11, 20, 17, 0, tzinfo=LA),
        "target_hours": Decimal(4),
        "window": PACIFIC,
        "clock": "support_hours",
        "escalations": [],
        "responses": [],
        "max_level": 2,
    }
    values.update(changes)
    return IncidentClock(**values)  # type: ignore[arg-type]


MONDAY_DUE = datetime(2026, 11, 23, 12, 30, tzinfo=LA)


def test_escalation_opens_when_the_target_passes() -> None:
    clock = _clock()
    assert response_due_at(clock) == MONDAY_DUE
    assert escalation_opens_at(clock) == MONDAY_DUE
    assert not is_overdue(clock, MONDAY_DUE)
    assert is_overdue(clock, MONDAY_DUE + timedelta(seconds=1))


def test_second_escalation_needs_a_further_missed_target() -> None:
    first = MONDAY_DUE + timedelta(minutes=30)  # 13:00 Monday
    clock = _clock(escalations=[first])
    assert clock.level == 1
    assert escalation_opens_at(clock) == datetime(2026, 11, 23, 17, 0, tzinfo=LA)
    top = _clock(escalations=[first, datetime(2026, 11, 23, 17, 5, tzinfo=LA)])
    assert escalation_opens_at(top) is None


@pytest.mark.parametrize(
    ("response", "opens"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=LA), None),  # answered in time: no escalation
        (datetime(2026, 11, 23, 15, 0, tzinfo=LA), MONDAY_DUE),  # late answer keeps the right
    ],
)
def test_responses(response: datetime, opens: datetime | None) -> None:
    clock = _clock(responses=[response])
    assert response_due_at(clock) is None
    assert escalation_opens_at(clock) == opens
