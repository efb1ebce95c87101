"""API keys and what each role may read and change."""

from __future__ import annotations

import pytest

from rules.enums import ApiKeyRole
from schema.ids import decode_id
from schema.node import NODE_TYPES
from tests.conftest import Api
from tests.helpers.api import (
    CHANGE_TIER,
    CREATE_PARTNER,
    create_partner,
    enroll,
    partner_input,
    program,
)

pytestmark = pytest.mark.anyio


async def test_requests_without_a_valid_key_get_401(api: Api) -> None:
    query = {"query": "{ viewer { role } }"}
    missing = await api.client.post("/graphql", json=query)
    assert missing.status_code == 401
    assert missing.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    for header in ("Bearer pgk_nope_nope", "Bearer garbage", "Basic abc"):
        bad = await api.client.post("/graphql", json=query, headers={"Authorization": header})
        assert bad.status_code == 401, header
    ok = await api.client.post(
        "/graphql", json=query, headers={"Authorization": f"Bearer {api.admin_key}"}
    )
    assert ok.json()["data"] == {"viewer": {"role": "ADMIN"}}


async def test_graphiql_page_loads_without_a_key(api: Api) -> None:
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_tampered_secret_is_refused(api: Api) -> None:
    scheme, prefix, secret = api.admin_key.split("_", 2)
    tampered = f"{scheme}_{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    response = await api.post("{ viewer { role } }", key=tampered)
    assert response.status_code == 401


def test_node_registry_covers_every_node_type_of_the_schema() -> None:
    from schema import build_schema

    schema = build_schema()
    implementing = {
        t.name for t in schema._schema.get_possible_types(schema._schema.get_type("Node"))
    }  # type: ignore[arg-type]
    assert implementing == set(NODE_TYPES)


async def _world(api: Api) -> dict[str, dict[str, str]]:
    """Two partners with a membership each; the global IDs of every node type."""
    segment = await program(api, "segment-technology")
    out: dict[str, dict[str, str]] = {}
    for name in ("own", "foreign"):
        partner = await create_partner(api, displayName=name)
        membership = (await enroll(api, partner["id"], segment["id"]))["membership"]
        data = await api.gql(
            "query($id: ID!) { node(id: $id) { ... on Membership { tierHistory { id } } } }",
            {"id": membership["id"]},
        )
        accepted = await api.gql(
            """mutation($input: AcceptAgreementInput!) { acceptAgreement(input: $input) {
                agreement { id documents { id } } acceptance { id } userErrors { code } } }""",
            {
                "input": {
                    "partnerId": partner["id"],
                    "programId": segment["id"],
                    "kind": "segment-program-agreement",
                    "signer": {"name": "A", "title": "B", "email": "a@b.example"},
                }
            },
        )
        payload = accepted["acceptAgreement"]
        out[name] = {
            "Agreement": payload["agreement"]["id"],
            "Acceptance": payload["acceptance"]["id"],
            "Document": payload["agreement"]["documents"][0]["id"],
            "Partner": partner["id"],
            "Membership": membership["id"],
            "TierChange": data["node"]["tierHistory"][0]["id"],
        }
    tier = segment["tiers"][0]
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Tier { benefits { id } requirements { id } } } }",
        {"id": tier["id"]},
    )
    out["public"] = {
        "Program": segment["id"],
        "Tier": tier["id"],
        "Benefit": data["node"]["benefits"][0]["id"],
        "Requirement": data["node"]["requirements"][0]["id"],
    }
    for name in ("own", "foreign"):
        partner = {"id": out[name]["Partner"]}
        out[name].update(await _referral_objects(api, partner, f"{name} client"))
    return out


async def _referral_objects(api: Api, partner: dict[str, str], client: str) -> dict[str, str]:
    """A referrer's referral, its qualified agreement and commission."""
    from tests.helpers.referrals import DECIDE_REFERRAL, MEETING, QUALIFY, SUBMIT, form, referrer

    _partner, key, cs = await referrer(api, "", partner)
    submitted = await api.gql(SUBMIT, {"input": {"programId": cs["id"], **form(client)}}, key=key)
    referral = submitted["submitReferral"]["referral"]
    await api.gql(DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}})
    await api.gql(MEETING, {"input": {"referralId": referral["id"]}})
    signed = referral["submittedOn"]
    qualified = await api.gql(
        QUALIFY, {"input": {"referralId": referral["id"], "signedOn": signed, "products": ["x"]}}
    )
    qa = qualified["recordQualifiedAgreement"]["qualifiedAgreement"]
    from tests.support.test_api import ADD, HOURS, OPEN, report

    segment = (await api.gql('{ program(slug: "segment-technology") { id } }'))["program"]["id"]
    await api.gql(HOURS, {"input": {"programId": segment, "window": "gmt"}}, key=key)
    await api.gql(
        ADD,
        {
            "input": {
                "programId": segment,
                "name": "Ops",
                "role": "SRE",
                "email": "ops@x.example",
                "phone": "+44 20 7946 0000",
            }
        },
        key=key,
    )
    opened = await api.gql(OPEN, {"input": report(segment)}, key=key)
    return {
        "Referral": referral["id"],
        "QualifiedAgreement": qa["id"],
        "Commission": qa["commission"]["id"],
        "Incident": opened["openIncident"]["incident"]["id"],
    }


async def test_partner_key_cannot_see_foreign_objects_of_any_type(api: Api) -> None:
    world = await _world(api)
    own_partner = decode_id(world["own"]["Partner"])[1]
    key = await api.new_key(ApiKeyRole.PARTNER, own_partner)
    covered = set(world["own"]) | set(world["public"])
    assert covered == set(NODE_TYPES), "every node type must be covered"
    query = "query($id: ID!) { node(id: $id) { __typename id } }"
    for type_name, global_id in world["foreign"].items():
        data = await api.gql(query, {"id": global_id}, key=key)
        assert data["node"] is None, type_name
        admin = await api.gql(query, {"id": global_id})
        assert admin["node"]["__typename"] == type_name
    for type_name, global_id in {**world["own"], **world["public"]}.items():
        data = await api.gql(query, {"id": global_id}, key=key)
        assert data["node"] == {"__typename": type_name, "id": global_id}
    nodes = await api.gql(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [world["own"]["Partner"], world["foreign"]["Partner"]]},
        key=key,
    )
    assert nodes["nodes"] == [{"id": world["own"]["Partner"]}, None]
    partner = await api.gql(
        "query($id: ID!) { partner(id: $id) { id } }", {"id": world["foreign"]["Partner"]}, key=key
    )
    assert partner["partner"] is None
    listed = await api.gql(
        "{ partners { totalCount edges { node { id } } } viewer { role partner { id } } }", key=key
    )
    assert listed["partners"]["totalCount"] == 1
    assert listed["partners"]["edges"] == [{"node": {"id": world["own"]["Partner"]}}]
    assert listed["viewer"] == {"role": "PARTNER", "partner": {"id": world["own"]["Partner"]}}


async def test_partner_key_cannot_change_what_is_not_its_own(api: Api) -> None:
    world = await _world(api)
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(world["own"]["Partner"])[1])
    created = await api.gql(CREATE_PARTNER, {"input": partner_input()}, key=key)
    assert created["createPartner"]["userErrors"][0]["code"] == "FORBIDDEN"
    update = """mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) {
        partner { id } userErrors { code } } }"""
    foreign = await api.gql(
        update, {"input": {"id": world["foreign"]["Partner"], "displayName": "mine now"}}, key=key
    )
    assert foreign["updatePartner"]["userErrors"] == [{"code": "NOT_FOUND"}]
    own = await api.gql(
        update, {"input": {"id": world["own"]["Partner"], "displayName": "renamed"}}, key=key
    )
    assert own["updatePartner"]["userErrors"] == []
    contentsquare = await program(api, "contentsquare")
    foreign_enrol = await enroll(api, world["foreign"]["Partner"], contentsquare["id"], key=key)
    assert foreign_enrol["userErrors"][0]["code"] == "PARTNER_NOT_FOUND"
    segment = await program(api, "segment-technology")
    change = await api.gql(
        CHANGE_TIER,
        {
            "input": {
                "membershipId": world["own"]["Membership"],
                "tierId": segment["tiers"][3]["id"],
                "reason": "self-promotion",
            }
        },
        key=key,
    )
    assert change["changeTier"]["userErrors"][0]["code"] == "FORBIDDEN"
