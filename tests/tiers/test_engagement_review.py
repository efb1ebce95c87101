"""SEG-TIER-07's engagement review reads the facts' own dates (issue 11): a referral backfilled
into a past quarter is engagement in that quarter, not in the one it was entered; the members
reviewed are those holding the review tier and active in the period, whatever they hold now."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, SIGNER
from tests.helpers.api import CHANGE_TIER, program, program_today_of
from tests.helpers.referrals import SUBMIT, form

pytestmark = pytest.mark.anyio

UNENGAGED = """query($g: ID!, $q: String!) { unengagedMemberships(program: $g, quarter: $q) {
  partner { displayName } } }"""
OWNER = """query($id: ID!) { node(id: $id) { ... on Agreement { partner {
  id memberships { id } } } } }"""
DEACTIVATE = """mutation($input: DeactivateMembershipInput!) {
  deactivateMembership(input: $input) { userErrors { code } } }"""


async def _member(api: Api, name: str, since: date) -> tuple[str, str]:
    """A Segment member at Registered since `since`, with the Referral Addendum, both accepted
    by an admin key (backdated: not the partner's own engagement)."""
    from tests.helpers.agreements import segment_agreement

    agreement, _key = await segment_agreement(api, since, name)
    node = (await api.gql(OWNER, {"id": agreement["id"]}))["node"]["partner"]
    segment = await program(api, "segment-technology")
    addendum = {
        "programId": segment["id"],
        "partnerId": node["id"],
        "kind": "segment-referral-addendum",
        "signer": SIGNER,
        "effectiveDate": since.isoformat(),
        "acceptedAt": f"{since.isoformat()}T17:00:00+00:00",
    }
    accepted = (await api.gql(ACCEPT, {"input": addendum}))["acceptAgreement"]
    assert accepted["userErrors"] == [], accepted
    return node["id"], node["memberships"][0]["id"]


async def test_a_backfilled_referral_is_engagement_in_its_own_quarter(api: Api) -> None:
    """SEG-TIER-07, issue 11: last year's fourth quarter lists every Registered member; a
    referral an admin backfills on 15 November last year takes Late off that quarter's list
    and is no engagement in the current quarter. Punctual, Silver from today, and Gone,
    deactivated today, were Registered and active then: still listed for last year's quarter,
    not for the current one."""
    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    since = date(today.year - 1, 1, 10)
    late, _ = await _member(api, "Late", since)
    _punctual, punctual = await _member(api, "Punctual", since)
    _gone, gone = await _member(api, "Gone", since)
    past, current = f"{today.year - 1}-Q4", f"{today.year}-Q{(today.month - 1) // 3 + 1}"

    async def unengaged(period: str) -> set[str]:
        data = await api.gql(UNENGAGED, {"g": segment["id"], "q": period})
        return {m["partner"]["displayName"] for m in data["unengagedMemberships"]}

    assert await unengaged(past) == {"Late", "Punctual", "Gone"}
    silver = next(t for t in segment["tiers"] if t["key"] == "silver")
    moved = await api.gql(
        CHANGE_TIER, {"input": {"membershipId": punctual, "tierId": silver["id"], "reason": "Up"}}
    )
    assert moved["changeTier"]["userErrors"] == [], moved
    ended = await api.gql(DEACTIVATE, {"input": {"membershipId": gone, "reason": "Gone quiet"}})
    assert ended["deactivateMembership"]["userErrors"] == []
    given: dict[str, Any] = {
        "programId": segment["id"],
        "partnerId": late,
        "submittedOn": date(today.year - 1, 11, 15).isoformat(),
        **form("Backfill Inc", opportunityKind="net_new_account"),
    }
    submitted = (await api.gql(SUBMIT, {"input": given}))["submitReferral"]
    assert submitted["userErrors"] == [], submitted
    assert await unengaged(past) == {"Punctual", "Gone"}
    assert await unengaged(current) == {"Late"}
