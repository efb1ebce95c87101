"""The last day a Qualified Agreement may be signed (CS-REF-11, SEG-TIER-11).

CS-REF-11: within the earlier of 12 months after the referral was received and 6 months after
termination of the agreement or the schedule, with no tail when terminated for cause. Reading
(docs/program-rules.md): "the agreement or schedule" is each of the agreements the referral
depends on (the membership agreement and the referrer schedule), the earliest end wins; "for
cause" is a termination by the operator for the partner's breach or another immediate cause of
the partner's (insolvency, liquidation). A partner that terminates, even for the operator's
breach, keeps the tail, and so does a termination for convenience by either party.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rules.dates import add_months


@dataclass(frozen=True)
class Ending:
    """How an agreement the referral depends on ended."""

    ends_on: date
    by_partner: bool = False
    for_cause: bool = False


@dataclass(frozen=True)
class QualificationTerms:
    """The program's qualification figures."""

    months_after_submission: int | None = None
    days_after_submission: int | None = None
    months_after_termination: int = 0
    tail_when_terminated_for_cause: bool = False


def tail_months(ending: Ending, terms: QualificationTerms) -> int:
    """The months after `ending` in which a qualified agreement may still be signed."""
    operator_for_cause = ending.for_cause and not ending.by_partner
    if operator_for_cause and not terms.tail_when_terminated_for_cause:
        return 0
    return terms.months_after_termination


def last_signing_day(
    submitted_on: date, terms: QualificationTerms, endings: tuple[Ending, ...] = ()
) -> date:
    """The last day (inclusive) a qualified agreement may be signed for a referral."""
    if terms.days_after_submission is not None:
        return submitted_on + timedelta(days=terms.days_after_submission)
    assert terms.months_after_submission is not None
    limit = add_months(submitted_on, terms.months_after_submission)
    for ending in endings:
        limit = min(limit, add_months(ending.ends_on, tail_months(ending, terms)))
    return limit - timedelta(days=1)
