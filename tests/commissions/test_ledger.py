"""Revenue, NCR and the commission ledger through GraphQL (CS-REF-12/13/15)."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.helpers.referrals import (
    DECIDE_REFERRAL,
    MEETING,
    QUALIFY,
    REVENUE,
    contentsquare_today,
    referrer,
    submit,
)

pytestmark = pytest.mark.anyio


async def test_ncr_deductions_and_exclusions(api: Api) -> None:
    """CS-REF-13: discounts are deducted, tax on top of the net fee and professional services
    never count."""
    partner, key, cs = await referrer(api, "Seller")
    today = await contentsquare_today(api)
    commissions = []
    for client, fee in (("Globex", "450000"), ("Soylent", "200000")):
        referral = (await submit(api, key, cs["id"], client))["referral"]
        await api.gql(
            DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}}
        )
        met = await api.gql(MEETING, {"input": {"referralId": referral["id"]}})
        assert met["recordMeeting"]["referral"]["status"] == "APPROVED"
        qualified = await api.gql(
            QUALIFY,
            {
                "input": {
                    "referralId": referral["id"],
                    "signedOn": today.isoformat(),
                    "products": ["Experience Analytics"],
                }
            },
        )
        qa = qualified["recordQualifiedAgreement"]["qualifiedAgreement"]
        assert qualified["recordQualifiedAgreement"]["userErrors"] == []
        revenue = await api.gql(
            REVENUE,
            {
                "input": {
                    "qualifiedAgreementId": qa["id"],
                    "lines": [
                        {"kind": "invoiced_fee", "amount": fee, "occurredOn": today.isoformat()},
                        {
                            "kind": "professional_services",
                            "amount": "25000",
                            "occurredOn": today.isoformat(),
                        },
                        {"kind": "sales_tax", "amount": "1000", "occurredOn": today.isoformat()},
                        {"kind": "discount", "amount": "2000", "occurredOn": today.isoformat()},
                    ],
                }
            },
        )
        payload = revenue["recordRevenue"]
        assert payload["userErrors"] == []
        commissions.append(payload["qualifiedAgreement"])
    first, second = (c["commission"] for c in commissions)
    # NCR deducts the discount (CS-REF-13): 450,000 - 2,000 = 448,000 -> 30,000 + 22,200
    assert first["ncr"] == {"amount": "448000.00"}
    assert first["amount"] == {"amount": "52200.00", "currency": "USD"}
    assert second["ncr"] == {"amount": "198000.00"}
    reasons = {line["reason"] for line in commissions[0]["ncrLines"]}
    assert "professional services is excluded (CS-REF-13)" in reasons
    assert "discount deducted (CS-REF-13)" in reasons
    assert "sales tax is tax on top of the net fee (CS-REF-13)" in reasons
    for line in first["lines"] + second["lines"]:
        assert line["ruleId"] == "CS-REF-15" and line["scheduleVersion"] == "2023-08"
    assert sum(float(line["amount"]["amount"]) for line in second["lines"]) == float(
        second["amount"]["amount"]
    )
    assert first["status"] == "PENDING"
    assert first["blockedReason"].startswith("CS-REF-07")
    del partner
