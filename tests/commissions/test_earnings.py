"""CS-REF-05 / CS-REF-06: orders that earn no commission at all."""

from __future__ import annotations

import pytest

from models import QualifiedAgreement
from services.commissions.earnings import exclusion_reason


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
    reason = exclusion_reason(qualified)
    if rule is None:
        assert reason is None
    else:
        assert reason is not None and reason.startswith(f"{rule}:")
