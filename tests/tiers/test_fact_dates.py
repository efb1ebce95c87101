"""Evidence, usage reports and tier changes are dated facts (issue 11, services/fact_dates.py):
admin keys may backdate, a partner key records the program's today (`BACKDATING_FORBIDDEN`),
nothing is dated after the program's today (`DATE_IN_FUTURE`), and a backfilled fact is marked
in the audit log with the date it carries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.agreements import partner_key
from tests.helpers.api import CHANGE_TIER, program, program_today_of

pytestmark = pytest.mark.anyio

EVIDENCE = """mutation($input: RecordEvidenceInput!) { recordEvidence(input: $input) {
  evidence { id kind occurredOn } userErrors { field code message } } }"""
IMPORT = """mutation($input: ImportEvidenceInput!) { importEvidence(input: $input) {
  evidence { kind } userErrors { field code message } } }"""
USAGE = """mutation($input: ReportUsageInput!) { reportUsage(input: $input) {
  report { month overCap } userErrors { field code message } } }"""
AUDIT = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 20) {
  edges { node { operation factDate backfilled } } } }"""


async def _marks(api: Api, operation: str, obj: str) -> list[tuple[str, bool]]:
    events = await api.gql(AUDIT, {"f": {"operation": operation, "object": obj}})
    return sorted(
        (e["node"]["factDate"], e["node"]["backfilled"]) for e in events["auditEvents"]["edges"]
    )


def _story(segment: dict[str, Any], day: date | None, **extra: Any) -> dict[str, Any]:
    given = {} if day is None else {"occurredOn": day.isoformat()}
    return {
        "input": {
            "programId": segment["id"],
            "kind": "success_story",
            "title": "Story",
            "url": "https://x.io/s",
            **given,
            **extra,
        }
    }


async def test_evidence_dates_are_fact_dates(api: Api) -> None:
    """SEG-TIER-04 evidence: a partner key records today (its own past date is refused), an
    admin backfills a past date (marked in the audit log), the future is refused for both."""
    partner, key = await partner_key(api, displayName="Storyteller")
    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    past = today - timedelta(days=40)
    own_past = (await api.gql(EVIDENCE, _story(segment, past), key=key))["recordEvidence"]
    assert [(e["field"], e["code"]) for e in own_past["userErrors"]] == [
        (["input", "occurredOn"], "BACKDATING_FORBIDDEN")
    ]
    future = today + timedelta(days=1)
    for who, extra in ((key, {}), (None, {"partnerId": partner["id"]})):
        refused = (await api.gql(EVIDENCE, _story(segment, future, **extra), key=who))[
            "recordEvidence"
        ]
        assert [e["code"] for e in refused["userErrors"]] == ["DATE_IN_FUTURE"]
    own = (await api.gql(EVIDENCE, _story(segment, None), key=key))["recordEvidence"]
    assert own["userErrors"] == [] and own["evidence"][0]["occurredOn"] == today.isoformat()
    backfilled = await api.gql(EVIDENCE, _story(segment, past, partnerId=partner["id"]))
    assert backfilled["recordEvidence"]["evidence"][0]["occurredOn"] == past.isoformat()
    assert await _marks(api, "recordEvidence", partner["id"]) == [
        (past.isoformat(), True),
        (today.isoformat(), False),
    ]
    header = "deal_reference,customer,estimated_arr,closed_won_on,professional_services\n"
    csv = f"{header}D-1,Acme,1000,{past.isoformat()},false\n"
    base = {"programId": segment["id"], "kind": "influenced_revenue", "csv": csv}
    partner_csv = (await api.gql(IMPORT, {"input": base}, key=key))["importEvidence"]
    assert [(e["field"], e["code"]) for e in partner_csv["userErrors"]] == [
        (["csv", "line 2", "occurredOn"], "BACKDATING_FORBIDDEN")
    ]
    admin_csv = await api.gql(IMPORT, {"input": {**base, "partnerId": partner["id"]}})
    assert admin_csv["importEvidence"]["userErrors"] == []


async def test_usage_reports_are_dated_facts(api: Api) -> None:
    """SEG-AGR-03 usage: a partner reports the current month as of today; a past month is an
    admin's backfill (marked), a future day is refused."""
    partner, key = await partner_key(api, displayName="Usager")
    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    last_month = today.replace(day=1) - timedelta(days=1)

    def usage(day: date, **extra: Any) -> dict[str, Any]:
        figures = {"monthlyTrackedUsers": 10, "apiCalls": 10}
        return {"input": {"programId": segment["id"], "month": day.isoformat(), **figures, **extra}}

    own_past = (await api.gql(USAGE, usage(last_month), key=key))["reportUsage"]
    assert [(e["field"], e["code"]) for e in own_past["userErrors"]] == [
        (["input", "month"], "BACKDATING_FORBIDDEN")
    ]
    future = (await api.gql(USAGE, usage(today + timedelta(days=1)), key=key))["reportUsage"]
    assert [e["code"] for e in future["userErrors"]] == ["DATE_IN_FUTURE"]
    own = (await api.gql(USAGE, usage(today), key=key))["reportUsage"]
    assert own["report"]["month"] == today.replace(day=1).isoformat()
    admin = (await api.gql(USAGE, usage(last_month, partnerId=partner["id"])))["reportUsage"]
    assert admin["report"]["month"] == last_month.replace(day=1).isoformat()
    assert await _marks(api, "reportUsage", partner["id"]) == [
        (last_month.isoformat(), True),
        (today.isoformat(), False),
    ]


async def test_a_backdated_tier_change_is_marked_in_the_audit_log(api: Api) -> None:
    """Tier changes (`effectiveOn`): a past date is a backfill (audit mark), a future one is
    refused with DATE_IN_FUTURE."""
    from tests.helpers.agreements import segment_agreement

    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    agreement, _key = await segment_agreement(api, today - timedelta(days=30), "Tiered")
    owner = """query($id: ID!) { node(id: $id) { ... on Agreement { partner {
        memberships { id } } } } }"""
    node = (await api.gql(owner, {"id": agreement["id"]}))["node"]
    membership = node["partner"]["memberships"][0]["id"]
    silver = next(t for t in segment["tiers"] if t["key"] == "silver")
    change = {"membershipId": membership, "tierId": silver["id"], "reason": "Backfill"}
    future = (today + timedelta(days=1)).isoformat()
    refused = await api.gql(CHANGE_TIER, {"input": {**change, "effectiveOn": future}})
    assert [e["code"] for e in refused["changeTier"]["userErrors"]] == ["DATE_IN_FUTURE"]
    past = today - timedelta(days=10)
    done = await api.gql(CHANGE_TIER, {"input": {**change, "effectiveOn": past.isoformat()}})
    assert done["changeTier"]["tierChange"]["effectiveOn"] == past.isoformat()
    assert await _marks(api, "changeTier", membership) == [(past.isoformat(), True)]


async def test_a_deactivation_takes_effect_on_its_own_day(api: Api) -> None:
    """SEG-TIER-07 deactivation as a dated fact (issue 11): admin keys give its day; the
    membership reads ACTIVE the day before and DEACTIVATED from it, whenever it was entered;
    a day before the enrolment is out of order and a future one is refused, naming the field."""
    from tests.helpers.referrals import referrer

    partner, _key, _cs = await referrer(api, "Dormant", since=date(2024, 1, 2))
    memberships = """query($id: ID!) { partner(id: $id) { memberships { id joinedOn
        before: statusAsOf(date: "2025-05-31") on: statusAsOf(date: "2025-06-01") } } }"""
    [membership] = (await api.gql(memberships, {"id": partner["id"]}))["partner"]["memberships"]
    query = """mutation($input: DeactivateMembershipInput!) {
        deactivateMembership(input: $input) { membership { status }
        userErrors { field code } } }"""
    given = {"membershipId": membership["id"], "reason": "No engagement for a year"}
    for day, code in (("2999-01-01", "DATE_IN_FUTURE"), ("2023-12-01", "DATE_OUT_OF_ORDER")):
        refused = await api.gql(query, {"input": {**given, "effectiveOn": day}})
        errors = refused["deactivateMembership"]["userErrors"]
        assert errors == [{"field": ["input", "effectiveOn"], "code": code}], day
    done = await api.gql(query, {"input": {**given, "effectiveOn": "2025-06-01"}})
    assert done["deactivateMembership"]["membership"] == {"status": "DEACTIVATED"}
    [after] = (await api.gql(memberships, {"id": partner["id"]}))["partner"]["memberships"]
    assert (after["before"], after["on"]) == ("ACTIVE", "DEACTIVATED")
    assert await _marks(api, "deactivateMembership", membership["id"]) == [("2025-06-01", True)]


async def test_a_tier_change_entered_late_is_history_not_the_current_tier(api: Api) -> None:
    """SEG-AGR-02 / SEG-TIER-06 with dates (issue 11): a change to Bronze dated 1 March,
    entered after one to Silver dated 1 June, moves from the tier held on 1 March and leaves
    Silver current (it used to become the current tier); the same tier is judged on the
    change's day, and a change dated before the enrolment is out of order."""
    from tests.helpers.agreements import segment_agreement

    agreement, _key = await segment_agreement(api, date(2025, 1, 10), "Late Tiers")
    move = """mutation($input: ChangeTierInput!) { changeTier(input: $input) {
        membership { tier { key } } tierChange { fromTier { key } }
        userErrors { field code message } } }"""
    segment = await program(api, "segment-technology")
    owner = """query($id: ID!) { node(id: $id) { ... on Agreement { partner {
        memberships { id } } } } }"""
    node = (await api.gql(owner, {"id": agreement["id"]}))["node"]
    membership = node["partner"]["memberships"][0]["id"]
    tiers = {t["key"]: t["id"] for t in segment["tiers"]}

    async def change(tier: str, on: str) -> dict[str, Any]:
        given = {"membershipId": membership, "tierId": tiers[tier], "reason": "Backfill"}
        answer: dict[str, Any] = (await api.gql(move, {"input": {**given, "effectiveOn": on}}))[
            "changeTier"
        ]
        return answer

    assert (await change("silver", "2025-06-01"))["userErrors"] == []
    late = await change("bronze", "2025-03-01")
    assert late["userErrors"] == []
    assert late["membership"]["tier"]["key"] == "silver"
    assert late["tierChange"]["fromTier"]["key"] == "registered"
    same = await change("silver", "2025-07-01")
    assert [e["code"] for e in same["userErrors"]] == ["SAME_TIER"]
    early = await change("gold", "2024-12-01")
    assert early["userErrors"] == [
        {
            "field": ["input", "effectiveOn"],
            "code": "DATE_OUT_OF_ORDER",
            "message": early["userErrors"][0]["message"],
        }
    ]
    as_of = """query($id: ID!) { node(id: $id) { ... on Membership { tier { key }
        feb: tierAsOf(date: "2025-02-01") { key } apr: tierAsOf(date: "2025-04-01") { key }
        jul: tierAsOf(date: "2025-07-01") { key } } } }"""
    tiers_on = (await api.gql(as_of, {"id": membership}))["node"]
    assert tiers_on == {
        "tier": {"key": "silver"},
        "feb": {"key": "registered"},
        "apr": {"key": "bronze"},
        "jul": {"key": "silver"},
    }


async def test_a_backfilled_acceptance_moves_the_enrolment_back(api: Api) -> None:
    """Issue 11: a partner enrolled today whose program agreement an admin records as accepted
    on 10 January 2025 has been a member since then: joinedOn, statusAsOf and tierAsOf answer
    for the days in between (they read null before), so its history can be brought in."""
    from tests.helpers.agreements import ACCEPT, SIGNER
    from tests.helpers.api import enroll

    partner, _key = await partner_key(api, displayName="Old Member")
    segment = await program(api, "segment-technology")
    assert (await enroll(api, partner["id"], segment["id"]))["userErrors"] == []
    accepted = await api.gql(
        ACCEPT,
        {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "kind": "segment-program-agreement",
                "signer": SIGNER,
                "effectiveDate": "2025-01-10",
                "acceptedAt": "2025-01-10T17:00:00+00:00",
            }
        },
    )
    assert accepted["acceptAgreement"]["userErrors"] == []
    query = """query($id: ID!) { partner(id: $id) { memberships { joinedOn
        status: statusAsOf(date: "2025-02-01") tier: tierAsOf(date: "2025-02-01") { key }
        tierHistory { effectiveOn } } } }"""
    [membership] = (await api.gql(query, {"id": partner["id"]}))["partner"]["memberships"]
    assert membership == {
        "joinedOn": "2025-01-10",
        "status": "ACTIVE",
        "tier": {"key": "registered"},
        "tierHistory": [{"effectiveOn": "2025-01-10"}],
    }


async def test_an_enrolment_is_a_dated_fact(api: Api) -> None:
    """Issue 11, SEG-TIER-01: enrollPartner takes joinedOn; an admin backfills an enrolment
    (marked in the audit log, the tier history opening on that day), a partner key enrols on
    the program's today only, and the future is refused naming the field."""
    partner, key = await partner_key(api, displayName="Old Enrolment")
    segment = await program(api, "segment-technology")
    query = """mutation($input: EnrollPartnerInput!) { enrollPartner(input: $input) {
        membership { id joinedOn tierHistory { effectiveOn } } userErrors { field code } } }"""
    given = {"partnerId": partner["id"], "programId": segment["id"]}
    for day, code, as_key in (
        ("2025-02-01", "BACKDATING_FORBIDDEN", key),
        ("2999-01-01", "DATE_IN_FUTURE", None),
    ):
        refused = await api.gql(query, {"input": {**given, "joinedOn": day}}, key=as_key)
        errors = refused["enrollPartner"]["userErrors"]
        assert errors == [{"field": ["input", "joinedOn"], "code": code}], day
    done = (await api.gql(query, {"input": {**given, "joinedOn": "2025-02-01"}}))["enrollPartner"]
    membership = done["membership"]
    assert (membership["joinedOn"], membership["tierHistory"]) == (
        "2025-02-01",
        [{"effectiveOn": "2025-02-01"}],
    )
    assert await _marks(api, "enrollPartner", membership["id"]) == [("2025-02-01", True)]
