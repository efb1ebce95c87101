"""MDF steps are dated facts (SEG-TIER-08, issue 11): requestMdf takes requestedOn, each step is
checked with the fact-date rules naming its field, a backfilled step is marked in the audit log
with its day, the entitlement is read as of the request's day and an approval is counted
against the budget as of its own time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.api import CHANGE_TIER, program, program_today_of

pytestmark = pytest.mark.anyio

MDF = """mutation($input: RequestMdfInput!) { requestMdf(input: $input) {
  request { id status requestedAt } userErrors { field code message } } }"""
ADVANCE = """mutation($input: AdvanceMdfInput!) { advanceMdf(input: $input) {
  request { id status } userErrors { field code message } } }"""
AUDIT = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 20) {
  edges { node { operation factDate backfilled } } } }"""


async def _marks(api: Api, operation: str, obj: str) -> list[tuple[str, bool]]:
    events = await api.gql(AUDIT, {"f": {"operation": operation, "object": obj}})
    return sorted(
        (e["node"]["factDate"], e["node"]["backfilled"]) for e in events["auditEvents"]["edges"]
    )


def _errors(payload: dict[str, Any], name: str) -> list[tuple[list[str], str]]:
    return [(e["field"], e["code"]) for e in payload[name]["userErrors"]]


async def test_mdf_steps_are_dated_facts(api: Api) -> None:
    """SEG-TIER-08, issue 11: a request dated before the partner reached Gold is NOT_ENTITLED
    (the tier of its day, not today's); partner keys cannot backdate (BACKDATING_FORBIDDEN) and
    nothing is dated after today (DATE_IN_FUTURE), naming requestedOn or at; a step before the
    one it follows is DATE_OUT_OF_ORDER; backfilled requests and steps carry their day in the
    audit log; a backdated approval counts the approvals of later days too."""
    from tests.helpers.agreements import segment_agreement

    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    start = today - timedelta(days=100)
    day = [start + timedelta(days=n) for n in range(0, 80, 10)]
    agreement, key = await segment_agreement(api, day[0], "Funder")
    owner = """query($id: ID!) { node(id: $id) { ... on Agreement { partner {
        id memberships { id } } } } }"""
    node = (await api.gql(owner, {"id": agreement["id"]}))["node"]
    partner, membership = node["partner"]["id"], node["partner"]["memberships"][0]["id"]
    gold = next(t for t in segment["tiers"] if t["key"] == "gold")
    change = {"membershipId": membership, "tierId": gold["id"], "reason": "Gold (backfill)"}
    moved = await api.gql(CHANGE_TIER, {"input": {**change, "effectiveOn": day[2].isoformat()}})
    assert moved["changeTier"]["userErrors"] == [], moved
    base = {
        "programId": segment["id"],
        "activity": "Joint webinar",
        "startsOn": day[3].isoformat(),
        "endsOn": day[4].isoformat(),
    }
    admin = {**base, "partnerId": partner}

    before_gold = await api.gql(
        MDF, {"input": {**admin, "amount": "1000", "requestedOn": str(day[1])}}
    )
    assert _errors(before_gold, "requestMdf") == [(["input", "programId"], "NOT_ENTITLED")]
    own_past = await api.gql(
        MDF, {"input": {**base, "amount": "1000", "requestedOn": str(day[3])}}, key=key
    )
    assert _errors(own_past, "requestMdf") == [(["input", "requestedOn"], "BACKDATING_FORBIDDEN")]
    future = str(today + timedelta(days=1))
    for who, given in ((key, base), (None, admin)):
        refused = await api.gql(
            MDF, {"input": {**given, "amount": "1000", "requestedOn": future}}, key=who
        )
        assert _errors(refused, "requestMdf") == [(["input", "requestedOn"], "DATE_IN_FUTURE")]

    late = await api.gql(MDF, {"input": {**admin, "amount": "60000", "requestedOn": str(day[3])}})
    first = late["requestMdf"]["request"]
    assert first["requestedAt"][:10] <= day[3].isoformat() < str(today)
    current = (await api.gql(MDF, {"input": {**base, "amount": "50000"}}, key=key))["requestMdf"]
    second = current["request"]
    assert await _marks(api, "requestMdf", first["id"]) == [(day[3].isoformat(), True)]
    assert await _marks(api, "requestMdf", second["id"]) == [(today.isoformat(), False)]

    approved = await api.gql(ADVANCE, {"input": {"requestId": second["id"], "action": "APPROVE"}})
    assert approved["advanceMdf"]["request"]["status"] == "APPROVED"
    step = {"requestId": first["id"], "action": "APPROVE"}
    early = await api.gql(ADVANCE, {"input": {**step, "at": f"{day[2]}T12:00:00+00:00"}})
    assert _errors(early, "advanceMdf") == [(["input", "at"], "DATE_OUT_OF_ORDER")]
    # On day[4] nothing else was approved yet, but the 50,000 approved today will be committed
    # on its own day with this one: 110,000 of 100,000.
    over = await api.gql(ADVANCE, {"input": {**step, "at": f"{day[4]}T12:00:00+00:00"}})
    assert _errors(over, "advanceMdf") == [(["input", "requestId"], "BUDGET_EXCEEDED")]
    message = over["advanceMdf"]["userErrors"][0]["message"]
    assert f"approving on {day[4]}" in message and "50,000.00 on later days" in message
    rejected = await api.gql(
        ADVANCE,
        {
            "input": {
                "requestId": first["id"],
                "action": "REJECT",
                "reason": "Over budget",
                "at": f"{day[4]}T12:00:00+00:00",
            }
        },
    )
    assert rejected["advanceMdf"]["request"]["status"] == "REJECTED"
    assert await _marks(api, "rejectMdf", first["id"]) == [(day[4].isoformat(), True)]
    assert await _marks(api, "approveMdf", second["id"]) == [(today.isoformat(), False)]

    claim = {"requestId": second["id"], "action": "CLAIM", "proof": "https://x.io/report"}
    past_claim = await api.gql(
        ADVANCE, {"input": {**claim, "at": f"{day[5]}T12:00:00+00:00"}}, key=key
    )
    assert _errors(past_claim, "advanceMdf") == [(["input", "at"], "BACKDATING_FORBIDDEN")]
    claimed = await api.gql(ADVANCE, {"input": claim}, key=key)
    assert claimed["advanceMdf"]["request"]["status"] == "CLAIMED"
