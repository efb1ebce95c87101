"""CS-REF-11 tail after an uncured breach of the referrer schedule (issues 11/12): the schedule
ends when the 10-day cure period lapses, not at notice; the operator's breach notice leaves no
tail, the partner's breach notice against the operator keeps the 6-month tail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.commissions.test_termination_tail import TERMINATE, backdated_referrer
from tests.conftest import Api
from tests.helpers.ledger import QUALIFY, backdated_referral

pytestmark = pytest.mark.anyio

SCHEDULES = """query($id: ID!) { node(id: $id) { ... on Partner {
  agreements { id kind } } } }"""


async def _signing_after_lapse(api: Api, name: str, by: str, signed: str) -> list[dict[str, Any]]:
    """A breach notice on the referrer schedule given 1 April 2026 by `by`, never cured (the
    schedule ends on 11 April); a referral submitted 1 March is signed on `signed`."""
    partner, cs, _membership = await backdated_referrer(api, name)
    agreements = (await api.gql(SCHEDULES, {"id": partner["id"]}))["node"]["agreements"]
    [schedule] = [a for a in agreements if a["kind"] == "contentsquare-referrer-schedule"]
    referral = await backdated_referral(api, partner, cs, f"{name} Client", date(2026, 3, 1))
    breach = {
        "agreementId": schedule["id"],
        "reason": "BREACH",
        "cause": "late referral reports" if by == "OPERATOR" else "commissions unpaid",
        "noticeDate": "2026-04-01",
        "by": by,
    }
    given = await api.gql(TERMINATE, {"input": breach})
    assert given["terminateAgreement"]["userErrors"] == []
    qualified = await api.gql(
        QUALIFY, {"input": {"referralId": referral, "signedOn": signed, "products": ["Analytics"]}}
    )
    errors: list[dict[str, Any]] = qualified["recordQualifiedAgreement"]["userErrors"]
    return errors


async def test_a_signing_during_the_cure_period_qualifies(api: Api) -> None:
    """The schedule is still in force until the cure period lapses (11 April)."""
    assert await _signing_after_lapse(api, "Curable", "OPERATOR", "2026-04-10") == []


async def test_no_tail_after_the_operators_uncured_breach_notice(api: Api) -> None:
    [error] = await _signing_after_lapse(api, "Breacher", "OPERATOR", "2026-05-01")
    assert error["code"] == "OUTSIDE_QUALIFICATION_WINDOW"
    assert "2026-04-10" in error["message"]


async def test_tail_after_the_partners_uncured_breach_notice(api: Api) -> None:
    assert await _signing_after_lapse(api, "Aggrieved", "PARTNER", "2026-05-01") == []
