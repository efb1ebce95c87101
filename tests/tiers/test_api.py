"""Tier governance through GraphQL: evidence, evaluation, MDF, reviews, rollover
(SEG-TIER-02..08, SEG-AGR-02)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from models import Agreement, Membership, Program, TierChange
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.api import CHANGE_TIER, program, program_today_of

pytestmark = pytest.mark.anyio

EVIDENCE = """mutation($input: RecordEvidenceInput!) { recordEvidence(input: $input) {
  evidence { id kind } userErrors { field code message } } }"""
EVALUATE = """query($p: ID!, $g: ID!) { tierEvaluation(partner: $p, program: $g) {
  currentTierKey qualifiedTierKey direction windowStart windowEnd
  tiers { tier { key } met requirements { key met actual threshold note applies } } } }"""
MDF = """mutation($input: RequestMdfInput!) { requestMdf(input: $input) {
  request { id status amount { amount } } userErrors { code message } } }"""
ADVANCE = """mutation($input: AdvanceMdfInput!) { advanceMdf(input: $input) {
  request { id status } userErrors { code message } } }"""


async def _member(
    api: Api, name: str, stories: int, arr: int, gold_extras: bool = False
) -> tuple[dict[str, Any], str, dict[str, Any], str]:
    partner, key = await partner_key(api, displayName=name)
    segment = await program(api, "segment-technology")
    await accept_segment(api, key)  # terms in effect; membership active at Registered
    # Last year's evidence is backfilled by an admin key (a partner key records today, issue 11).
    last_year = (await program_today_of(api, "segment-technology")).year - 1
    for i in range(stories):
        await api.gql(
            EVIDENCE,
            {
                "input": {
                    "programId": segment["id"],
                    "partnerId": partner["id"],
                    "kind": "success_story",
                    "title": f"Story {i}",
                    "url": f"https://x.io/{i}",
                    "occurredOn": f"{last_year}-03-0{i + 1}",
                }
            },
        )
    await api.gql(
        EVIDENCE,
        {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "kind": "influenced_revenue",
                "reference": "D-1",
                "customer": "Big Co",
                "amount": str(arr),
                "occurredOn": f"{last_year}-06-30",
            }
        },
    )
    await api.gql(
        EVIDENCE,
        {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "kind": "influenced_revenue",
                "reference": "PS-1",
                "customer": "Big Co",
                "amount": "900000",
                "professionalServices": True,
                "occurredOn": f"{last_year}-07-30",
            }
        },
    )
    if gold_extras:
        for kind, extra in (("gtm_plan", {}), ("account_mapping", {"crossbeamEnabled": True})):
            await api.gql(
                EVIDENCE,
                {
                    "input": {
                        "programId": segment["id"],
                        "partnerId": partner["id"],
                        "kind": kind,
                        "occurredOn": f"{last_year}-02-01",
                        **extra,
                    }
                },
            )
    membership = (
        await api.gql(
            "query($id: ID!) { partner(id: $id) { memberships { id } } }", {"id": partner["id"]}
        )
    )["partner"]["memberships"][0]["id"]
    return partner, key, segment, membership


async def _apply(
    api: Api, membership: str, segment: dict[str, Any], tier_key: str
) -> dict[str, Any]:
    tier = next(t for t in segment["tiers"] if t["key"] == tier_key)
    data = await api.gql(
        CHANGE_TIER.replace(
            "tierChange { id reason effectiveOn }", "tierChange { id reason basis }"
        ),
        {
            "input": {
                "membershipId": membership,
                "tierId": tier["id"],
                "reason": "Annual evaluation",
                "evaluationMode": "ANNUAL",
            }
        },
    )
    payload: dict[str, Any] = data["changeTier"]
    return payload


async def test_silver_evaluation_applied_and_mdf_for_gold_only(api: Api) -> None:
    """Done when: 2 stories and US$600K influenced ARR last year evaluate to Silver with a
    per-requirement explanation, an admin applies it, the history shows it, and MDF is refused
    for it while a Gold partner's request is approved within budget."""
    partner, key, segment, membership = await _member(api, "Silverline", 2, 600_000)
    data = await api.gql(EVALUATE, {"p": partner["id"], "g": segment["id"]}, key=key)
    evaluation = data["tierEvaluation"]
    assert (
        evaluation["currentTierKey"],
        evaluation["qualifiedTierKey"],
        evaluation["direction"],
    ) == ("registered", "silver", "up")
    silver = next(t for t in evaluation["tiers"] if t["tier"]["key"] == "silver")
    assert silver["met"] is True
    revenue = next(r for r in silver["requirements"] if r["key"] == "influenced_revenue")
    assert Decimal(revenue["actual"]) == 600_000  # the PS deal never counts (SEG-TIER-05)
    assert Decimal(revenue["threshold"]) == 500_000
    gold = next(t for t in evaluation["tiers"] if t["tier"]["key"] == "gold")
    assert {r["key"]: r["met"] for r in gold["requirements"]}["success_stories"] is False

    applied = await _apply(api, membership, segment, "silver")
    assert applied["userErrors"] == []
    history = applied["membership"]["tierHistory"]
    assert [h["toTier"]["name"] for h in history] == ["Registered", "Silver"]
    basis = applied["tierChange"]["basis"]
    assert basis["qualified"] == "silver" and basis["mode"] == "annual"
    notes = await api.gql(
        "query($id: ID!) { partner(id: $id) { notifications { kind payload } } }",
        {"id": partner["id"]},
        key=key,
    )
    assert notes["partner"]["notifications"][0]["kind"] == "tier.changed"
    assert notes["partner"]["notifications"][0]["payload"]["to"] == "silver"

    today = await program_today_of(api, "segment-technology")
    request = {
        "programId": segment["id"],
        "activity": "Joint webinar",
        "startsOn": today.isoformat(),
        "endsOn": (today + timedelta(days=30)).isoformat(),
    }
    refused = await api.gql(MDF, {"input": {**request, "amount": "10000"}}, key=key)
    assert refused["requestMdf"]["userErrors"][0]["code"] == "NOT_ENTITLED"
    # The benefit's own rule ids from Segment's file (issue 12).
    assert refused["requestMdf"]["userErrors"][0]["message"].endswith("(SEG-TIER-03/08)")

    gold_partner, gold_key, _, gold_membership = await _member(
        api, "Goldmine", 3, 1_200_000, gold_extras=True
    )
    gold_eval = await api.gql(EVALUATE, {"p": gold_partner["id"], "g": segment["id"]})
    assert gold_eval["tierEvaluation"]["qualifiedTierKey"] == "gold"
    await _apply(api, gold_membership, segment, "gold")
    benefits = await api.gql(
        "query($id: ID!, $g: ID!) { partner(id: $id) { benefits(program: $g) { key } } }",
        {"id": gold_partner["id"], "g": segment["id"]},
    )
    assert "joint_marketing_mdf" in {b["key"] for b in benefits["partner"]["benefits"]}
    asked = await api.gql(MDF, {"input": {**request, "amount": "60000"}}, key=gold_key)
    request_id = asked["requestMdf"]["request"]["id"]
    approved = await api.gql(ADVANCE, {"input": {"requestId": request_id, "action": "APPROVE"}})
    assert approved["advanceMdf"]["request"]["status"] == "APPROVED"
    second = await api.gql(MDF, {"input": {**request, "amount": "50000"}}, key=gold_key)
    over = await api.gql(
        ADVANCE,
        {"input": {"requestId": second["requestMdf"]["request"]["id"], "action": "APPROVE"}},
    )
    assert over["advanceMdf"]["userErrors"][0]["code"] == "BUDGET_EXCEEDED"  # 100,000 budget
    self_approve = await api.gql(
        ADVANCE, {"input": {"requestId": request_id, "action": "REIMBURSE"}}, key=gold_key
    )
    assert self_approve["advanceMdf"]["userErrors"][0]["code"] == "FORBIDDEN"
    # Issue 11: each step at its own time; partners record now, admins may backdate.
    backdated_claim = await api.gql(
        ADVANCE,
        {
            "input": {
                "requestId": request_id,
                "action": "CLAIM",
                "proof": "https://x.io/webinar-report",
                "at": "2026-01-02T09:00:00+00:00",
            }
        },
        key=gold_key,
    )
    assert backdated_claim["advanceMdf"]["userErrors"][0]["code"] == "BACKDATING_FORBIDDEN"
    claimed = await api.gql(
        ADVANCE,
        {
            "input": {
                "requestId": request_id,
                "action": "CLAIM",
                "proof": "https://x.io/webinar-report",
            }
        },
        key=gold_key,
    )
    assert claimed["advanceMdf"]["request"]["status"] == "CLAIMED"
    reimburse = {"requestId": request_id, "action": "REIMBURSE", "amount": "55000"}
    for at, code in (
        ("2999-01-01T00:00:00+00:00", "DATE_IN_FUTURE"),
        ("2020-01-01T00:00:00+00:00", "DATE_OUT_OF_ORDER"),  # before the claim
    ):
        refused_step = await api.gql(ADVANCE, {"input": {**reimburse, "at": at}})
        assert refused_step["advanceMdf"]["userErrors"][0]["code"] == code
    paid = await api.gql(ADVANCE, {"input": reimburse})
    assert paid["advanceMdf"]["request"]["status"] == "REIMBURSED"


async def test_evidence_csv_import_is_all_or_nothing(api: Api) -> None:
    partner, key = await partner_key(api)
    segment = await program(api, "segment-technology")
    # Past closing dates: an admin key backfills them (issue 11; a partner key records today).
    admin_import = {
        "programId": segment["id"],
        "partnerId": partner["id"],
        "kind": "influenced_revenue",
    }
    query = """mutation($input: ImportEvidenceInput!) { importEvidence(input: $input) {
        evidence { kind } userErrors { field code message } } }"""
    bad = (
        "deal_reference,customer,estimated_arr,closed_won_on,professional_services\n"
        "D-1,Acme,100000,2025-01-10,false\n"
        "D-2,,50000,2025-02-10,false\n"
        "D-3,Globex,lots,2025-13-01,maybe\n"
    )
    refused = await api.gql(
        query,
        {"input": {**admin_import, "csv": bad}},
    )
    errors = refused["importEvidence"]["userErrors"]
    assert refused["importEvidence"]["evidence"] == []
    assert {tuple(e["field"][:2]) for e in errors} == {("csv", "line 4")}
    fixed = bad.replace("D-3,Globex,lots,2025-13-01,maybe", "D-3,Globex,75000,2025-03-01,true")
    still = await api.gql(
        query,
        {"input": {**admin_import, "csv": fixed}},
    )
    assert [e["field"] for e in still["importEvidence"]["userErrors"]] == [
        ["csv", "line 3", "customer"]
    ]
    good = fixed.replace("D-2,,", "D-2,Initech,")
    done = await api.gql(
        query,
        {"input": {**admin_import, "csv": good}},
    )
    assert len(done["importEvidence"]["evidence"]) == 3
    listed = await api.gql(
        "query($id: ID!, $g: ID!) { partner(id: $id) { evidence(program: $g) { kind } } }",
        {"id": partner["id"], "g": segment["id"]},
        key=key,
    )
    assert len(listed["partner"]["evidence"]) == 3


async def test_quarterly_review_and_deactivation(api: Api) -> None:
    """SEG-TIER-07: Registered members without engagement in a quarter can be deactivated."""
    quiet_partner, quiet_key = await partner_key(api, displayName="Quiet")
    _busy, busy_key = await partner_key(api, displayName="Busy")
    await accept_segment(api, quiet_key)
    await accept_segment(api, busy_key)
    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    data = await api.gql(
        "query($g: ID!, $q: String!) { unengagedMemberships(program: $g, "
        "quarter: $q) { id partner { displayName } } }",
        {"g": segment["id"], "q": quarter},
    )
    # Accepting the terms with its own key is engagement this quarter for both partners.
    assert data["unengagedMemberships"] == []
    previous = f"{today.year - 1}-Q4"
    older = await api.gql(
        "query($g: ID!, $q: String!) { unengagedMemberships(program: $g, "
        "quarter: $q) { id partner { displayName } } }",
        {"g": segment["id"], "q": previous},
    )
    # Enrolled today, neither was a member in last year's fourth quarter (issue 11: the review
    # reads the members' tier and status as of the period).
    assert older["unengagedMemberships"] == []
    members = await api.gql(
        "query($id: ID!) { partner(id: $id) { memberships { id } } }", {"id": quiet_partner["id"]}
    )
    quiet = members["partner"]["memberships"][0]
    done = await api.gql(
        """mutation($input: DeactivateMembershipInput!) {
        deactivateMembership(input: $input) { membership { status } userErrors { code } } }""",
        {
            "input": {
                "membershipId": quiet["id"],
                "reason": "No engagement in the quarter (SEG-TIER-07)",
            }
        },
    )
    assert done["deactivateMembership"]["membership"]["status"] == "DEACTIVATED"
    bad = await api.post(
        'query($g: ID!) { unengagedMemberships(program: $g, quarter: "2026-Q9") { id } }',
        {"g": segment["id"]},
    )
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_QUARTER"


async def test_rollover_proposes_and_applies(api: Api) -> None:
    from services.actor import SYSTEM
    from services.tiers.program_year import rollover

    await _member(api, "Roller", 2, 600_000)
    today = await program_today_of(api, "segment-technology")
    async with api.sessionmaker.begin() as session:
        # The terms were accepted, and the partner enrolled, a year ago, so they were in effect
        # on 1 January (a tier change never precedes the enrolment, issue 11).
        start = date(today.year - 1, 1, 1)
        await session.execute(update(Agreement).values(effective_on=start))
        await session.execute(update(Membership).values(joined_on=start))
        await session.execute(
            update(TierChange).where(TierChange.from_tier_id.is_(None)).values(effective_on=start)
        )
    # Enrolled this year, after the year's first day: nothing to roll over (issue 11).
    await _member(api, "Newcomer", 2, 600_000)
    async with api.sessionmaker.begin() as session:
        segment = await session.scalar(select(Program).where(Program.slug == "segment-technology"))
        assert segment is not None
        proposals = await rollover(session, SYSTEM, segment, today.year, apply=False)
        assert [(p.current, p.proposed) for p in proposals] == [("registered", "silver")]
    from services.errors import UseCaseError

    async with api.sessionmaker.begin() as session:
        segment = await session.scalar(select(Program).where(Program.slug == "segment-technology"))
        assert segment is not None
        with pytest.raises(UseCaseError):
            await rollover(session, SYSTEM, segment, today.year + 1, apply=True)
        applied = await rollover(session, SYSTEM, segment, today.year, apply=True)
        assert applied[0].direction == "up"
    data = await api.gql(
        "{ partners { edges { node { displayName memberships { tier { key } tierHistory "
        "{ reason basis } } } } } }"
    )
    nodes = {e["node"]["displayName"]: e["node"] for e in data["partners"]["edges"]}
    member = next(n for name, n in nodes.items() if "Roller" in name)["memberships"][0]
    newcomer = next(n for name, n in nodes.items() if "Newcomer" in name)["memberships"][0]
    assert newcomer["tier"]["key"] == "registered"
    assert member["tier"]["key"] == "silver"
    assert (
        member["tierHistory"][-1]["reason"] == f"Program-year {today.year} rollover (SEG-TIER-06)"
    )
    assert member["tierHistory"][-1]["basis"]["window_start"] == f"{today.year - 1}-01-01"


async def test_an_evaluation_as_of_a_past_day_reads_the_tier_held_then(api: Api) -> None:
    """Issue 11: evaluating as of a day before a tier change starts from the tier held that day;
    the change, effective later, does not change that day's answer (SEG-TIER-05/06)."""
    partner, _key, segment, membership = await _member(api, "Lateentry", 2, 600_000)
    today = await program_today_of(api, "segment-technology")
    query = """query($p: ID!, $g: ID!, $d: Date) { tierEvaluation(partner: $p, program: $g,
      asOf: $d) { currentTierKey qualifiedTierKey direction } }"""
    day = {"p": partner["id"], "g": segment["id"], "d": today.isoformat()}
    before = (await api.gql(query, day))["tierEvaluation"]
    assert (before["currentTierKey"], before["direction"]) == ("registered", "up")
    applied = await _apply(api, membership, segment, "silver")
    assert applied["userErrors"] == []
    after = (await api.gql(query, day))["tierEvaluation"]
    assert after["currentTierKey"] == "silver"  # effective today
    yesterday = {**day, "d": (today - timedelta(days=1)).isoformat()}
    assert (await api.gql(query, yesterday))["tierEvaluation"]["currentTierKey"] == "registered"
