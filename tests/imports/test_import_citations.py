"""History-import refusals cite the program's own rule ids (issue 12): a signing refused for
primacy or lateness cites CS-REF-04 and CS-REF-11 in Contentsquare, nothing and SEG-TIER-11 in
Segment, and nothing in the made-up third program (all three used to cite CS-REF-04/11)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.imports.checks_commissions import _qualification_problem
from services.referrals.policy import ReferralPolicy, policy_of
from tests.helpers.documents import program

SUBMITTED = date(2025, 1, 6)
REFERRAL: dict[str, Any] = {
    "submitted_on": SUBMITTED,
    "decision_deadline": None,
    "meeting_deadline": None,
    "approved_on": date(2025, 1, 7),
    "rejected_on": None,
    "meeting_on": date(2025, 1, 8),
    "not_viable_on": None,
    "qualified_on": None,
    "closed_on": None,
    "undecided_outcome": "deemed_rejected",
}


def _policy(slug: str) -> ReferralPolicy:
    found = policy_of(program(slug))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("slug", "primacy", "late"),
    [
        ("contentsquare", " (CS-REF-04)", " (CS-REF-11)"),
        ("segment-technology", "", " (SEG-TIER-11)"),
        ("alpine-distributors", "", ""),
    ],
)
def test_signing_refusals_cite_the_program_s_ids(slug: str, primacy: str, late: str) -> None:
    policy = _policy(slug)
    signed, limit = date(2025, 3, 3), date(2025, 2, 28)
    found = _qualification_problem(policy, REFERRAL, signed, False, limit)
    assert found is not None
    assert found[2] == f"on {signed} another partner's referral held this client{primacy}"
    found = _qualification_problem(policy, REFERRAL, signed, True, limit)
    assert found is not None
    assert found[2] == f"had to be signed by {limit}{late}"
