"""A referral's facts and status, as the rules read them."""

from __future__ import annotations

from datetime import date

from models.referrals.records import AnyReferral
from rules.referral_state import ReferralFacts, ReferralStatus, status_on


def facts_of(referral: AnyReferral) -> ReferralFacts:
    """The stored facts the status rule reads."""
    return ReferralFacts(
        submitted_on=referral.submitted_on,
        decision_deadline=referral.decision_deadline,
        meeting_deadline=referral.meeting_deadline,
        approved_on=referral.approved_on,
        rejected_on=referral.rejected_on,
        meeting_on=referral.meeting_on,
        not_viable_on=referral.not_viable_on,
        qualified_on=referral.qualified_on,
        closed_on=referral.closed_on,
    )


def referral_status(referral: AnyReferral, on: date) -> ReferralStatus:
    """The referral's status at the end of `on` (program time zone); the rule reads the
    stored facts from the referral as it is (no copy per referral: issue 14)."""
    return status_on(referral, on, referral.undecided_outcome)
