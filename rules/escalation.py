"""Incident response targets and escalation (SUP-04, SUP-05).

Reading: each stage starts at the initial report (stage 0) or at the latest escalation. A
stage's response is due one target response time (in the chosen clock) after it starts. When
no response came within that time, the customer may escalate one level, no earlier than the
due time; after the last level there is no further escalation. A response given after the due
time still answers the incident, but does not take back the right to escalate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from rules.support_hours import Window, due_at


@dataclass(frozen=True)
class IncidentClock:
    """What the rule needs to know about an incident."""

    reported_at: datetime
    target_hours: Decimal
    window: Window
    clock: str
    escalations: Sequence[datetime]
    responses: Sequence[datetime]
    max_level: int

    @property
    def level(self) -> int:
        """Escalation level reached so far (0: none)."""
        return len(self.escalations)

    @property
    def stage_start(self) -> datetime:
        """When the current stage began."""
        return self.escalations[-1] if self.escalations else self.reported_at

    @property
    def stage_due(self) -> datetime:
        """When the current stage's response is due."""
        return due_at(self.stage_start, self.target_hours, self.window, self.clock)

    def responded(self) -> bool:
        """Whether the current stage has a response."""
        return any(r >= self.stage_start for r in self.responses)

    def responded_in_time(self) -> bool:
        """Whether the current stage's response came by its due time."""
        due = self.stage_due
        return any(self.stage_start <= r <= due for r in self.responses)


def response_due_at(clock: IncidentClock) -> datetime | None:
    """When a response is due, or None once the current stage has one."""
    return None if clock.responded() else clock.stage_due


def is_overdue(clock: IncidentClock, now: datetime) -> bool:
    """A response is due and late."""
    due = response_due_at(clock)
    return due is not None and now > due


def escalation_opens_at(clock: IncidentClock) -> datetime | None:
    """When the next escalation becomes possible; None when it never will."""
    if clock.level >= clock.max_level or clock.responded_in_time():
        return None
    return clock.stage_due
