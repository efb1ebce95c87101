"""Reading programs: the seed programs as data (SEG-TIER-01, SEG-TIER-03, SEG-TIER-04)."""

from __future__ import annotations

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.anyio


async def test_programs_list_tiers_in_order(api: Api) -> None:
    data = await api.gql("{ programs { edges { node { slug tiers { name } } } } }")
    tiers = {
        e["node"]["slug"]: [t["name"] for t in e["node"]["tiers"]]
        for e in data["programs"]["edges"]
    }
    assert tiers == {
        "segment-technology": ["Registered", "Bronze", "Silver", "Gold"],
        "contentsquare": ["Member"],
    }


async def test_contentsquare_level_is_a_documented_default(api: Api) -> None:
    data = await api.gql(
        '{ program(slug: "contentsquare") { levelLabel documentedDefaults { path reason } } }'
    )
    program = data["program"]
    assert program["levelLabel"] == "membership level"
    assert "tiers[0]" in [d["path"] for d in program["documentedDefaults"]]


async def test_segment_benefits_and_invitations(api: Api) -> None:
    """SEG-TIER-03: the guide's table, with partner management invite-only at Silver."""
    data = await api.gql("""{ program(slug: "segment-technology") {
        tiers { key benefits { key inviteOnly requiresActiveAgreement } } } }""")
    by_tier = {t["key"]: {b["key"]: b for b in t["benefits"]} for t in data["program"]["tiers"]}
    assert "tier_badge" not in by_tier["registered"]
    assert by_tier["bronze"]["tier_badge"]["requiresActiveAgreement"] is True
    assert by_tier["registered"]["partner_listing"]["inviteOnly"] is False
    assert by_tier["silver"]["partner_management"]["inviteOnly"] is True
    assert by_tier["gold"]["partner_management"]["inviteOnly"] is False
    assert "joint_marketing_mdf" not in by_tier["silver"]
    assert len(by_tier["gold"]) == 10


async def test_segment_requirements_thresholds(api: Api) -> None:
    """SEG-TIER-04: stories 1/2/3, influenced revenue US$100K/500K/1M."""
    data = await api.gql("""{ program(slug: "segment-technology") { tiers { key
        requirements { key measure count amount { amount currency } invitedOnly } } } }""")
    reqs = {t["key"]: {r["key"]: r for r in t["requirements"]} for t in data["program"]["tiers"]}
    assert [reqs[t]["success_stories"]["count"] for t in ("bronze", "silver", "gold")] == [1, 2, 3]
    assert reqs["gold"]["influenced_revenue"]["amount"] == {
        "amount": "1000000.00",
        "currency": "USD",
    }
    assert reqs["silver"]["influenced_revenue"]["measure"] == "MONEY"
    assert reqs["silver"]["joint_gtm_plan"]["invitedOnly"] is True
    assert reqs["gold"]["joint_gtm_plan"]["invitedOnly"] is False
    assert "success_stories" not in reqs["registered"]


async def test_programs_pagination(api: Api) -> None:
    first = await api.gql(
        "{ programs(first: 1) { totalCount edges { cursor node { slug } } "
        "pageInfo { hasNextPage hasPreviousPage endCursor } } }"
    )
    page = first["programs"]
    assert page["totalCount"] == 2
    assert [e["node"]["slug"] for e in page["edges"]] == ["contentsquare"]
    assert page["pageInfo"]["hasNextPage"] is True
    second = await api.gql(
        "query($c: String) { programs(first: 1, after: $c) { edges { node { slug } } "
        "pageInfo { hasNextPage hasPreviousPage } } }",
        {"c": page["pageInfo"]["endCursor"]},
    )
    assert [e["node"]["slug"] for e in second["programs"]["edges"]] == ["segment-technology"]
    assert second["programs"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}


async def test_node_round_trip_for_program_objects(api: Api) -> None:
    data = await api.gql(
        '{ program(slug: "segment-technology") { id tiers { id '
        "benefits { id } requirements { id } } } }"
    )
    program = data["program"]
    tier = program["tiers"][1]
    ids = [program["id"], tier["id"], tier["benefits"][0]["id"], tier["requirements"][0]["id"]]
    result = await api.gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids}
    )
    assert [n["__typename"] for n in result["nodes"]] == [
        "Program",
        "Tier",
        "Benefit",
        "Requirement",
    ]
    assert [n["id"] for n in result["nodes"]] == ids
