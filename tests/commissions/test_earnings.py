"""CS-REF-05 / CS-REF-06: orders that earn no commission at all, citing the program's own ids
(issue 12: Segment's and the third program's files give none for them)."""

from __future__ import annotations

import pytest

from models import QualifiedAgreement
from services.commissions.earnings import excluded_fact, exclusion_reason
from services.referrals.policy import ReferralPolicy, policy_of
from tests.helpers.documents import program


def _policy(slug: str) -> ReferralPolicy:
    found = policy_of(program(slug))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("reseller", "other_program", "rule"),
    [(True, False, "CS-REF-06"), (False, True, "CS-REF-05"), (False, False, None)],
)
def test_third_party_and_already_commissioned_orders_earn_nothing(
    reseller: bool, other_program: bool, rule: str | None
) -> None:
    """CS-REF-06: nothing for a purchase through a reseller; CS-REF-05: one commission per
    order, none if another program already paid one."""
    qualified = QualifiedAgreement(
        through_reseller=reseller, paid_under_other_program=other_program
    )
    reason = exclusion_reason(qualified, _policy("contentsquare"))
    if rule is None:
        assert reason is None
    else:
        assert reason is not None and reason.startswith(f"{rule}:")
        assert excluded_fact(qualified, _policy("contentsquare")) == (reason, rule)


@pytest.mark.parametrize("slug", ["segment-technology", "alpine-distributors"])
def test_other_programs_cite_no_seed_rule(slug: str) -> None:
    """A reseller purchase in a program whose file cites no rule for it: the reason alone, and
    the ledger line's rule id empty (it used to be CS-REF-06 in every program)."""
    qualified = QualifiedAgreement(through_reseller=True, paid_under_other_program=False)
    assert excluded_fact(qualified, _policy(slug)) == (
        "bought through a reseller or other third party",
        "",
    )
