"""A referral's status on a date, from stored facts (CS-REF-02, CS-REF-10, CS-REF-11).

Order of precedence: closed > qualified > rejected > (deemed) undecided outcome > not live >
approved > submitted. Deadlines are dates in the program's time zone; a deadline day still
belongs to the window, the day after it does not. A program without a decision window or a
meeting rule has no deadline (None).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class ReferralStatus(enum.StrEnum):
    """Where a referral stands on a date."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEEMED_REJECTED = "deemed_rejected"
    NOT_LIVE = "not_live"
    QUALIFIED = "qualified"
    CLOSED = "closed"


class HasReferralFacts(Protocol):
    """Anything that carries a referral's stored facts under their names (a `ReferralFacts`,
    or a stored referral's record as it is read)."""

    @property
    def submitted_on(self) -> date: ...
    @property
    def decision_deadline(self) -> date | None: ...
    @property
    def meeting_deadline(self) -> date | None: ...
    @property
    def approved_on(self) -> date | None: ...
    @property
    def rejected_on(self) -> date | None: ...
    @property
    def meeting_on(self) -> date | None: ...
    @property
    def not_viable_on(self) -> date | None: ...
    @property
    def qualified_on(self) -> date | None: ...
    @property
    def closed_on(self) -> date | None: ...


@dataclass(frozen=True)
class ReferralFacts:
    """What is stored about a referral."""

    submitted_on: date
    decision_deadline: date | None
    meeting_deadline: date | None
    approved_on: date | None = None
    rejected_on: date | None = None
    meeting_on: date | None = None
    not_viable_on: date | None = None
    qualified_on: date | None = None
    closed_on: date | None = None


def _by(day: date | None, on: date) -> bool:
    return day is not None and day <= on


def status_on(
    facts: HasReferralFacts, on: date, undecided_outcome: str = "deemed_rejected"
) -> ReferralStatus:
    """The status at the end of day `on`."""
    if _by(facts.closed_on, on):
        return ReferralStatus.CLOSED
    if _by(facts.qualified_on, on):
        return ReferralStatus.QUALIFIED
    if _by(facts.rejected_on, on):
        return ReferralStatus.REJECTED
    approved = _by(facts.approved_on, on)
    if not approved and facts.decision_deadline is not None and on > facts.decision_deadline:
        if undecided_outcome == "deemed_rejected":
            return ReferralStatus.DEEMED_REJECTED
        approved = True
    if not approved:
        return ReferralStatus.SUBMITTED
    deadline = facts.meeting_deadline
    met = deadline is None or (facts.meeting_on is not None and facts.meeting_on <= deadline)
    if _by(facts.not_viable_on, on) or (deadline is not None and on > deadline and not met):
        return ReferralStatus.NOT_LIVE
    return ReferralStatus.APPROVED
