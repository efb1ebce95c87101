"""A referral's stage: the last decisive fact it records, stored so status filters use an index.

The stage is a generated column (`referrals.stage`, computed by the database from the fact
dates); a status on a day is the stage narrowed by that day's deadlines (CS-REF-02, CS-REF-10),
written as plain predicates over indexed columns instead of a CASE evaluated per row. This
relies on facts never being dated after the program's today (the decisions refuse such dates),
so a recorded fact is always in force; `tests/models/test_referral_stages.py` checks the
predicates against `rules.referral_state.status_on`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_

from models.referrals.tables import Referral


def _undecided_approved(today: date) -> ColumnElement[bool]:
    """Open past its decision window in a program whose undecided outcome is approval."""
    r = Referral
    return and_(
        r.stage == "open",
        r.decision_deadline < today,
        r.undecided_outcome != "deemed_rejected",
    )


def _meeting_missed(today: date) -> ColumnElement[bool]:
    r = Referral
    return and_(
        r.meeting_deadline < today,
        or_(r.meeting_on.is_(None), r.meeting_on > r.meeting_deadline),
    )


def _meeting_kept(today: date) -> ColumnElement[bool]:
    r = Referral
    return or_(
        r.meeting_deadline.is_(None),
        r.meeting_deadline >= today,
        and_(r.meeting_on.is_not(None), r.meeting_on <= r.meeting_deadline),
    )


def status_predicate(status: str, today: date) -> ColumnElement[bool]:
    """Referrals whose status on `today` is `status` (mirrors rules.referral_state.status_on)."""
    r = Referral
    if status in ("closed", "qualified", "rejected"):
        return r.stage == status
    if status == "deemed_rejected":
        return and_(
            r.stage == "open",
            r.decision_deadline < today,
            r.undecided_outcome == "deemed_rejected",
        )
    if status == "submitted":
        return and_(
            r.stage == "open",
            or_(r.decision_deadline.is_(None), r.decision_deadline >= today),
        )
    live = or_(r.stage == "approved", _undecided_approved(today))
    if status == "approved":
        return and_(live, _meeting_kept(today))
    if status == "not_live":
        return or_(r.stage == "not_viable", and_(live, _meeting_missed(today)))
    return false()


def statuses_predicate(statuses: tuple[str, ...], today: date) -> ColumnElement[bool]:
    """Referrals whose status on `today` is any of `statuses`."""
    if len(statuses) == 1:
        return status_predicate(statuses[0], today)
    return or_(*[status_predicate(s, today) for s in statuses]) if statuses else false()
