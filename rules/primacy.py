"""Which referral holds a client on a date: first-submitter primacy derived from dated facts
(CS-REF-04), never frozen at submission.

Reading (docs/program-rules.md, CS-REF-04): the referrals of one client are taken in submission
order (submission day, then time, then id). The first holds the client; a later one conflicts
with the holder while the holder still holds it against that later referral, which is when, as of
the asked day:
- the later referral was submitted before the end of the holder's conflict window (`window_months`
  after the holder's submission day; a program without a window has no primacy at all), and
- the holder is not rejected or deemed rejected (a referral that can never earn releases the
  client to every later referral of its window), and
- the holder was not closed for no sale on or before the later referral's submission day (with
  the program's no-sale exception: only a referral submitted after that closing benefits).
A referral that does not conflict takes the client over and holds it against the referrals that
follow. Only facts dated on or before the asked day count, so the answer for a past day never
changes when later-dated facts are recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from rules.dates import add_months
from rules.referral_state import ReferralFacts, ReferralStatus, status_on

RELEASED = (ReferralStatus.REJECTED, ReferralStatus.DEEMED_REJECTED)


@dataclass(frozen=True)
class ClientReferral:
    """What primacy reads of one referral of the client."""

    id: uuid.UUID
    submitted_at: datetime
    facts: ReferralFacts
    undecided_outcome: str = "deemed_rejected"
    closed_no_sale: bool = False

    @property
    def order(self) -> tuple[date, datetime, uuid.UUID]:
        """Submission order: day, then time of entry, then id."""
        return (self.facts.submitted_on, self.submitted_at, self.id)


@dataclass(frozen=True)
class PrimacyPolicy:
    """The program's conflict figures (CS-REF-04)."""

    window_months: int | None
    no_sale_exception: bool = True


def holds_against(
    holder: ClientReferral, later: ClientReferral, on: date, policy: PrimacyPolicy
) -> bool:
    """Whether `holder` keeps the client against `later` as of the end of day `on`."""
    if policy.window_months is None:
        return False
    window_end = add_months(holder.facts.submitted_on, policy.window_months)
    if later.facts.submitted_on >= window_end:
        return False
    if status_on(holder.facts, on, holder.undecided_outcome) in RELEASED:
        return False
    closed = holder.facts.closed_on
    return not (
        policy.no_sale_exception
        and holder.closed_no_sale
        and closed is not None
        and closed <= on
        and closed <= later.facts.submitted_on
    )


def holders_on(
    referrals: Iterable[ClientReferral], on: date, policy: PrimacyPolicy
) -> dict[uuid.UUID, uuid.UUID | None]:
    """For each referral submitted by `on`: the referral it conflicts with, or None when it
    holds (or once held) the client itself as of `on`."""
    out: dict[uuid.UUID, uuid.UUID | None] = {}
    holder: ClientReferral | None = None
    for referral in sorted(referrals, key=lambda r: r.order):
        if referral.facts.submitted_on > on:
            break
        if holder is not None and holds_against(holder, referral, on, policy):
            out[referral.id] = holder.id
        else:
            out[referral.id] = None
            holder = referral
    return out
