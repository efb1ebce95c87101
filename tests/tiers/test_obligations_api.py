"""Partner obligations through GraphQL: usage caps and notices, engagement plans
(SEG-AGR-03/04/05, CS-AGR-05)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.agreements import partner_key
from tests.helpers.api import program, program_today_of

pytestmark = pytest.mark.anyio


async def test_usage_access_and_notices(api: Api) -> None:
    """SEG-AGR-03/04/05."""
    partner, key = await partner_key(api)
    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    usage = """mutation($input: ReportUsageInput!) { reportUsage(input: $input) {
        report { overCap monthlyTrackedUsers } userErrors { code } } }"""
    within = await api.gql(
        usage,
        {
            "input": {
                "programId": segment["id"],
                "month": today.isoformat(),
                "monthlyTrackedUsers": 9000,
                "apiCalls": 500000,
            }
        },
        key=key,
    )
    assert within["reportUsage"]["report"]["overCap"] is False
    over = await api.gql(
        usage,
        {
            "input": {
                "programId": segment["id"],
                "month": today.isoformat(),
                "monthlyTrackedUsers": 12000,
                "apiCalls": 500000,
            }
        },
        key=key,
    )
    assert over["reportUsage"]["report"] == {"overCap": True, "monthlyTrackedUsers": 12000}
    listed = await api.gql(
        "query($g: ID!, $m: Date!) { usageOverCap(program: $g, month: $m) "
        "{ partnerName apiCalls } }",
        {"g": segment["id"], "m": today.replace(day=1).isoformat()},
    )
    assert listed["usageOverCap"] == [{"partnerName": "Acme", "apiCalls": 500000}]
    notes = await api.gql(
        "query($id: ID!) { partner(id: $id) { notifications { kind } } }",
        {"id": partner["id"]},
        key=key,
    )
    assert "usage.over_cap" in {n["kind"] for n in notes["partner"]["notifications"]}
    access = await api.gql(
        """mutation($input: RequestDeveloperAccessInput!) {
        requestDeveloperAccess(input: $input) { request { id status } userErrors { code } } }""",
        {"input": {"programId": segment["id"], "purpose": "Build an integration"}},
        key=key,
    )
    request_id = access["requestDeveloperAccess"]["request"]["id"]
    decide = """mutation($input: DecideDeveloperAccessInput!) { decideDeveloperAccess(input:
        $input) { request { status } userErrors { code } } }"""
    mine = await api.gql(decide, {"input": {"requestId": request_id, "grant": True}}, key=key)
    assert mine["decideDeveloperAccess"]["userErrors"][0]["code"] == "FORBIDDEN"
    granted = await api.gql(decide, {"input": {"requestId": request_id, "grant": True}})
    assert granted["decideDeveloperAccess"]["request"]["status"] == "GRANTED"
    notice = await api.gql(
        """mutation($input: RecordCompetingProductNoticeInput!) {
        recordCompetingProductNotice(input: $input) { notice { product inAdvance notifiedOn }
        userErrors { code } } }""",
        {
            "input": {
                "programId": segment["id"],
                "product": "RivalCDP",
                "promotionStartsOn": (today + timedelta(days=14)).isoformat(),
            }
        },
        key=key,
    )
    assert notice["recordCompetingProductNotice"]["notice"] == {
        "product": "RivalCDP",
        "inAdvance": True,
        "notifiedOn": today.isoformat(),
    }


async def test_engagement_plan(api: Api) -> None:
    """CS-AGR-05: due 90 days after the Effective Date when asked; reviewed yearly."""
    from tests.helpers.referrals import referrer

    partner, key, cs = await referrer(api, "Planner")
    query = """mutation($input: EngagementPlanInput!) { engagementPlan(input: $input) {
        evidence { kind requestedOn dueOn occurredOn reviewedOn nextReviewOn }
        userErrors { code } } }"""
    base = {"programId": cs["id"], "partnerId": partner["id"]}
    early = await api.gql(query, {"input": {**base, "step": "DELIVER"}}, key=key)
    assert early["engagementPlan"]["userErrors"][0]["code"] == "INVALID_TRANSITION"
    mine = await api.gql(query, {"input": {**base, "step": "REQUEST"}}, key=key)
    assert mine["engagementPlan"]["userErrors"][0]["code"] == "FORBIDDEN"
    asked = await api.gql(query, {"input": {**base, "step": "REQUEST"}})
    plan = asked["engagementPlan"]["evidence"][0]
    requested = date.fromisoformat(plan["requestedOn"])
    assert date.fromisoformat(plan["dueOn"]) - requested == timedelta(days=90)
    delivered = await api.gql(query, {"input": {**base, "step": "DELIVER"}}, key=key)
    plan = delivered["engagementPlan"]["evidence"][0]
    done = date.fromisoformat(plan["occurredOn"])
    assert plan["nextReviewOn"] == done.replace(year=done.year + 1).isoformat()


async def test_engagement_plan_steps_are_dated_facts(api: Api) -> None:
    """CS-AGR-05 with dates (issue 11): each step takes its own day; a delivery entered late
    puts the next review a year after the delivery's day, not the day of entry. Admin keys
    backdate (marked in the audit log), a partner key records today, the future and steps out
    of order are refused naming `on`, and a request before the Effective Date is refused."""
    from tests.helpers.referrals import referrer

    partner, key, cs = await referrer(api, "Late Planner", since=date(2024, 1, 2))
    query = """mutation($input: EngagementPlanInput!) { engagementPlan(input: $input) {
        evidence { requestedOn dueOn occurredOn reviewedOn nextReviewOn }
        userErrors { field code } } }"""

    async def step(name: str, on: str, as_key: str | None = None) -> dict[str, Any]:
        data = {"programId": cs["id"], "partnerId": partner["id"], "step": name, "on": on}
        answer: dict[str, Any] = (await api.gql(query, {"input": data}, key=as_key))[
            "engagementPlan"
        ]
        return answer

    early = await step("REQUEST", "2023-12-01")
    assert [e["code"] for e in early["userErrors"]] == ["INVALID_TRANSITION"]
    asked = await step("REQUEST", "2024-03-01")
    assert asked["evidence"][0]["requestedOn"] == "2024-03-01"
    assert asked["evidence"][0]["dueOn"] == "2024-05-30"  # 90 days after the request
    refusals = {
        ("DELIVER", "2024-04-15", key): "BACKDATING_FORBIDDEN",
        ("DELIVER", "2024-02-01", None): "DATE_OUT_OF_ORDER",
        ("DELIVER", "2999-01-01", None): "DATE_IN_FUTURE",
    }
    for (name, on, as_key), code in refusals.items():
        refused = await step(name, on, as_key)
        assert refused["userErrors"] == [{"field": ["input", "on"], "code": code}], on
    delivered = await step("DELIVER", "2024-04-15")
    assert delivered["evidence"][0]["nextReviewOn"] == "2025-04-15"
    before = await step("REVIEW", "2024-04-10")
    assert before["userErrors"] == [{"field": ["input", "on"], "code": "DATE_OUT_OF_ORDER"}]
    reviewed = await step("REVIEW", "2025-04-20")
    assert reviewed["evidence"][0]["reviewedOn"] == "2025-04-20"
    assert reviewed["evidence"][0]["nextReviewOn"] == "2026-04-20"
    events = await api.gql(
        """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 5) {
        edges { node { factDate backfilled } } } }""",
        {"f": {"operation": "deliverEngagementPlan", "object": partner["id"]}},
    )
    marks = [e["node"] for e in events["auditEvents"]["edges"]]
    assert marks == [{"factDate": "2024-04-15", "backfilled": True}]


async def test_invitations_and_competing_notices_are_dated_facts(api: Api) -> None:
    """Issue 11: an invitation (SEG-TIER-03) and a competing-product notice (SEG-AGR-05)
    carry their own day. A Silver member invited on 1 March reads the invite-only
    partner_management benefit from 1 March, not before; an expiry before the invitation is out
    of order. A notice given on 1 March for a promotion starting 10 March was in advance even
    when entered after the promotion started; a partner key cannot backdate one."""
    from tests.helpers.agreements import segment_agreement
    from tests.helpers.api import CHANGE_TIER

    agreement, key = await segment_agreement(api, date(2025, 1, 10), "Invitee")
    segment = await program(api, "segment-technology")
    owner = """query($id: ID!) { node(id: $id) { ... on Agreement {
        partner { id memberships { id } } } } }"""
    partner = (await api.gql(owner, {"id": agreement["id"]}))["node"]["partner"]
    partner_id, membership = partner["id"], partner["memberships"][0]["id"]
    silver = next(t for t in segment["tiers"] if t["key"] == "silver")
    moved = await api.gql(
        CHANGE_TIER,
        {
            "input": {
                "membershipId": membership,
                "tierId": silver["id"],
                "reason": "Met Silver",
                "effectiveOn": "2025-02-01",
            }
        },
    )
    assert moved["changeTier"]["userErrors"] == []
    invite = """mutation($input: InvitePartnerInput!) { invitePartner(input: $input) {
        invited userErrors { field code } } }"""
    given = {"partnerId": partner_id, "tierId": silver["id"], "benefitKey": "partner_management"}
    wrong = await api.gql(
        invite, {"input": {**given, "invitedOn": "2025-03-01", "expiresOn": "2025-02-01"}}
    )
    assert wrong["invitePartner"]["userErrors"] == [
        {"field": ["input", "expiresOn"], "code": "DATE_OUT_OF_ORDER"}
    ]
    future = await api.gql(invite, {"input": {**given, "invitedOn": "2999-01-01"}})
    assert future["invitePartner"]["userErrors"][0]["code"] == "DATE_IN_FUTURE"
    done = await api.gql(invite, {"input": {**given, "invitedOn": "2025-03-01"}})
    assert done["invitePartner"] == {"invited": True, "userErrors": []}
    benefits = """query($id: ID!) { node(id: $id) { ... on Membership {
        before: benefits(asOf: "2025-02-28") { key } on: benefits(asOf: "2025-03-01") { key }
        } } }"""
    node = (await api.gql(benefits, {"id": membership}))["node"]
    assert "partner_management" not in {b["key"] for b in node["before"]}
    assert "partner_management" in {b["key"] for b in node["on"]}

    notice = """mutation($input: RecordCompetingProductNoticeInput!) {
        recordCompetingProductNotice(input: $input) { notice { inAdvance notifiedOn }
        userErrors { field code } } }"""
    data = {"programId": segment["id"], "product": "RivalCDP", "promotionStartsOn": "2025-03-10"}
    mine = await api.gql(notice, {"input": {**data, "notifiedOn": "2025-03-01"}}, key=key)
    assert mine["recordCompetingProductNotice"]["userErrors"] == [
        {"field": ["input", "notifiedOn"], "code": "BACKDATING_FORBIDDEN"}
    ]
    late = await api.gql(
        notice, {"input": {**data, "partnerId": partner_id, "notifiedOn": "2025-03-01"}}
    )
    assert late["recordCompetingProductNotice"]["notice"] == {
        "inAdvance": True,
        "notifiedOn": "2025-03-01",
    }
