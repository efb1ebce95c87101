"""The agreement term engine: pure functions from stored facts and a date to an agreement's state.

Readings (docs/program-rules.md, SEG-AGR-07/08/09/13, CS-AGR-06):
- Term k (k = 0 is the initial term) starts on the anniversary `effective + k * term months`
  (corresponding-date rule, rules.dates.add_months) and its last day is the day before the
  next anniversary. Anniversaries are always counted from the Effective Date, so month-end and
  leap-day effective dates never drift.
- Notice periods are clear days: a non-renewal notice is in time when it is deemed given at
  least `non_renewal_notice_days` days before the term's last day; a termination on N days'
  notice takes effect N days after the notice is deemed given.
- A breach notice opens a cure period: the agreement ends when the period lapses uncured (the
  day after its last day, `notice + cure days`), not at notice; a cure recorded within the
  period (`cured_on`, a dated fact) withdraws the termination from its own date on, so the
  state on a day before the cure still reads NOTICE_GIVEN. Causes the program lists as
  immediate take effect on the day the notice is deemed given.
- Every notice is its own fact (issue 11/12): a second breach notice after a cure adds to the
  first, so the state as of a day between them still shows the first one's cure period. A
  notice not yet given (given on receipt, receipt not recorded; SEG-AGR-13) has no effect.
- A non-renewal notice given after the term's deadline ends the agreement after the next term
  (the agreement renews once more; SEG-AGR-07).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rules.dates import add_months


class AgreementStatus(enum.StrEnum):
    """An agreement's status on a given date."""

    PENDING = "pending"
    ACTIVE = "active"
    NOTICE_GIVEN = "notice_given"
    EXPIRED = "expired"
    TERMINATED = "terminated"
    REJECTED = "rejected"


class TerminationReason(enum.StrEnum):
    """Why an agreement is terminated (SEG-AGR-08/09, CS-AGR-06)."""

    CONVENIENCE = "convenience"
    BREACH = "breach"
    IMMEDIATE = "immediate"


@dataclass(frozen=True)
class Terms:
    """The figures of an agreement kind, from the program file."""

    initial_term_months: int | None
    renewal_term_months: int | None
    non_renewal_notice_days: int | None
    convenience_notice_days: int
    breach_cure_days: int
    immediate_causes: tuple[str, ...] = ()

    @property
    def fixed_term(self) -> bool:
        """Whether the agreement runs in terms (SEG-AGR-07) rather than indefinitely (CS-AGR-06)."""
        return self.initial_term_months is not None


@dataclass(frozen=True)
class Notice:
    """A notice as the term engine reads it: non-renewal when `reason` is None, else a
    termination notice for `reason`; `given_on` None while it awaits its receipt."""

    given_on: date | None
    reason: TerminationReason | None = None
    cured_on: date | None = None
    by_partner: bool = False


@dataclass(frozen=True)
class Facts:
    """What happened to an agreement, as stored: dates are in the program's time zone."""

    effective_on: date | None = None
    rejected_on: date | None = None
    notices: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class State:
    """An agreement as of a date."""

    status: AgreementStatus
    effective_on: date | None
    renewal_count: int | None
    current_term_start: date | None
    current_term_end: date | None
    non_renewal_deadline: date | None
    ends_on: date | None
    ending: Notice | None = None
    """The notice that fixes `ends_on`, as known on the date."""


def anniversary(terms: Terms, effective: date, k: int) -> date:
    """The first day of term k (0 = initial term)."""
    assert terms.initial_term_months is not None
    if k == 0:
        return effective
    renewal = terms.renewal_term_months or terms.initial_term_months
    return add_months(effective, terms.initial_term_months + (k - 1) * renewal)


def term_index(terms: Terms, effective: date, on: date) -> int:
    """Which term `on` falls in (0 before or during the initial term)."""
    k = 0
    while anniversary(terms, effective, k + 1) <= on:
        k += 1
    return k


def term_last_day(terms: Terms, effective: date, k: int) -> date:
    """The last day of term k."""
    return anniversary(terms, effective, k + 1) - timedelta(days=1)


def non_renewal_deadline(terms: Terms, effective: date, k: int) -> date:
    """The last day a non-renewal notice can be deemed given to end the agreement after term k."""
    assert terms.non_renewal_notice_days is not None
    return term_last_day(terms, effective, k) - timedelta(days=terms.non_renewal_notice_days)


def termination_effective_on(terms: Terms, reason: TerminationReason, notice_on: date) -> date:
    """When a termination takes effect, from the day its notice is deemed given."""
    if reason is TerminationReason.CONVENIENCE:
        return notice_on + timedelta(days=terms.convenience_notice_days)
    if reason is TerminationReason.BREACH:
        return notice_on + timedelta(days=terms.breach_cure_days)
    return notice_on


def expiry_after_notice(terms: Terms, effective: date, notice_on: date) -> date:
    """The day an agreement stops after a non-renewal notice: the next anniversary, or the one
    after it when the notice came after this term's deadline."""
    k = term_index(terms, effective, notice_on)
    if terms.non_renewal_notice_days is not None and notice_on > non_renewal_deadline(
        terms, effective, k
    ):
        k += 1
    return anniversary(terms, effective, k + 1)


def notice_end(
    terms: Terms, effective: date, notice: Notice, on: date
) -> tuple[date, AgreementStatus] | None:
    """The day a notice ends the agreement and how, as known on `on`; None when it does not
    (not yet given on `on`, cured by `on`, or a non-renewal without fixed terms)."""
    given = notice.given_on
    if given is None or given > on:
        return None
    if notice.reason is None:
        if not terms.fixed_term:
            return None
        return expiry_after_notice(terms, effective, given), AgreementStatus.EXPIRED
    if notice.cured_on is not None and notice.cured_on <= on:
        return None
    return termination_effective_on(terms, notice.reason, given), AgreementStatus.TERMINATED


def state_on(terms: Terms, facts: Facts, on: date) -> State:
    """The agreement's state at the start of day `on`."""
    if facts.rejected_on is not None and facts.rejected_on <= on:
        return State(AgreementStatus.REJECTED, None, None, None, None, None, None)
    effective = facts.effective_on
    if effective is None or effective > on:
        return State(AgreementStatus.PENDING, effective, None, None, None, None, None)
    ends = [
        (found, notice)
        for notice in facts.notices
        if (found := notice_end(terms, effective, notice, on)) is not None
    ]
    (end, ending_status), ending = (
        min(ends, key=lambda e: e[0]) if ends else ((None, AgreementStatus.ACTIVE), None)
    )
    count = start = last = deadline = None
    if terms.fixed_term:
        k = term_index(terms, effective, on if end is None or on < end else end - timedelta(1))
        count, start = k, anniversary(terms, effective, k)
        last = term_last_day(terms, effective, k)
        deadline = non_renewal_deadline(terms, effective, k)
    if end is None:
        status = AgreementStatus.ACTIVE
    elif on >= end:
        status = ending_status
    else:
        status = AgreementStatus.NOTICE_GIVEN
    return State(status, effective, count, start, last, deadline, end, ending)


def bounded_by(own: State, parent: State, on: date) -> State:
    """A supplementary agreement's state given the state of the agreement it supplements: it
    ends no later than its parent (issue 12; the Segment Referral Addendum, the Contentsquare
    Referrer Schedule). Term figures stay its own."""
    if parent.ends_on is None or own.status in (AgreementStatus.PENDING, AgreementStatus.REJECTED):
        return own
    if own.ends_on is not None and own.ends_on <= parent.ends_on:
        return own
    status = parent.status if on >= parent.ends_on else AgreementStatus.NOTICE_GIVEN
    return replace(own, status=status, ends_on=parent.ends_on)


def notice_takes_effect(terms: Terms, effective: date, notice: Notice) -> date | None:
    """The day a given notice ends the agreement if nothing else does first: the expiry after a
    non-renewal, the end of a termination, or the lapse of a breach's cure period whether or not
    it was cured; None while the notice awaits its receipt."""
    if notice.given_on is None:
        return None
    found = notice_end(terms, effective, replace(notice, cured_on=None), notice.given_on)
    return None if found is None else found[0]
