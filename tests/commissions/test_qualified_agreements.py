"""Recording qualified agreements: a live, primary referral, in its window (CS-REF-04/10/11)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import Api
from tests.helpers.referrals import (
    DECIDE_REFERRAL,
    QUALIFY,
    contentsquare_today,
    referrer,
    submit,
)

pytestmark = pytest.mark.anyio


async def test_qualification_rules(api: Api) -> None:
    """CS-REF-04/10/11: only a live, primary referral qualifies, inside its window."""
    _a, key1, cs = await referrer(api, "Holder")
    _b, key2, _ = await referrer(api, "Follower")
    today = await contentsquare_today(api)
    first = (await submit(api, key1, cs["id"], "Stark Industries"))["referral"]
    second = (await submit(api, key2, cs["id"], "stark industries inc"))["referral"]
    for referral in (first, second):
        await api.gql(
            DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}}
        )
    qualify = {"signedOn": today.isoformat(), "products": ["Analytics"]}
    not_primary = await api.gql(QUALIFY, {"input": {"referralId": second["id"], **qualify}})
    assert not_primary["recordQualifiedAgreement"]["userErrors"][0]["code"] == "NOT_PRIMARY"
    future = await api.gql(
        QUALIFY,
        {
            "input": {
                "referralId": first["id"],
                **qualify,
                "signedOn": (today + timedelta(days=1)).isoformat(),
            }
        },
    )
    assert future["recordQualifiedAgreement"]["userErrors"][0]["code"] == "DATE_IN_FUTURE"
    not_viable = await api.gql(
        """mutation($input: MarkReferralNotViableInput!) {
        markReferralNotViable(input: $input) { referral { status notViableReason }
        userErrors { code } } }""",
        {"input": {"referralId": first["id"], "omitted": True}},
    )
    assert not_viable["markReferralNotViable"]["referral"] == {
        "status": "NOT_LIVE",
        "notViableReason": "Omitted",
    }
    dead = await api.gql(QUALIFY, {"input": {"referralId": first["id"], **qualify}})
    assert dead["recordQualifiedAgreement"]["userErrors"][0]["code"] == "NOT_LIVE"
