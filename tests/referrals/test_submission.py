"""Submitting referrals: the form, eligibility and conflicts between partners (CS-REF-01/03/04/09,
SEG-TIER-10/11).
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from models import Referral
from models.base import utcnow
from models.locks import hold
from rules.client_identity import client_keys
from schema.ids import decode_id
from services.referrals.submission import client_lock
from tests.conftest import Api
from tests.helpers.referrals import (
    SUBMIT,
    form,
    quick_referrers,
    referrer,
    submit,
)

pytestmark = pytest.mark.anyio


async def test_first_referrer_wins_and_the_second_conflicts(api: Api) -> None:
    """Done when: two partners refer the same client, the first wins (CS-REF-04)."""
    _first, key1, cs = await referrer(api, "First")
    _second, key2, _ = await referrer(api, "Second")
    one = await submit(api, key1, cs["id"], "ACME, Inc.", clientWebsite="https://www.acme.com")
    two = await submit(api, key2, cs["id"], "Acme SAS")
    assert one["userErrors"] == [] and two["userErrors"] == []
    assert (one["referral"]["isPrimary"], one["referral"]["isConflicting"]) == (True, False)
    assert (two["referral"]["isPrimary"], two["referral"]["isConflicting"]) == (False, True)
    assert two["referral"]["conflictsWith"] is None  # a partner never learns who came first
    admin = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Referral { conflictsWith { id } } } }",
        {"id": two["referral"]["id"]},
    )
    assert admin["node"]["conflictsWith"] == {"id": one["referral"]["id"]}
    hidden = await api.gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": one["referral"]["id"]}, key=key2
    )
    assert hidden["node"] is None
    mine = await api.gql("{ referrals { totalCount edges { node { clientName } } } }", key=key2)
    assert mine["referrals"]["totalCount"] == 1
    again = await submit(api, key1, cs["id"], "acme.com")
    assert again["userErrors"][0]["code"] == "DUPLICATE_REFERRAL"


async def test_missing_and_malformed_fields(api: Api) -> None:
    _p, key, cs = await referrer(api, "Careful")
    data = await api.gql(
        SUBMIT,
        {
            "input": {
                "programId": cs["id"],
                **form(
                    "Acme",
                    contactName=" ",
                    contactEmail="nope",
                    contactPhone="call me",
                    description="",
                ),
            }
        },
        key=key,
    )
    codes = {tuple(e["field"]): e["code"] for e in data["submitReferral"]["userErrors"]}
    assert codes == {
        ("input", "contactName"): "REQUIRED",
        ("input", "description"): "REQUIRED",
        ("input", "contactEmail"): "INVALID_EMAIL",
        ("input", "contactPhone"): "INVALID_PHONE",
    }


async def test_eligibility(api: Api) -> None:
    """CS-REF-09: a referrer schedule in effect; CS-REF-03: not an active opportunity."""
    from tests.helpers.api import create_partner

    outsider = await create_partner(api, capacities=["REFERRER"])
    _p, key, cs = await referrer(api, "Eligible")
    refused = await api.gql(
        SUBMIT, {"input": {"programId": cs["id"], "partnerId": outsider["id"], **form("Hooli")}}
    )
    assert refused["submitReferral"]["userErrors"][0]["code"] == "NO_ELIGIBLE_AGREEMENT"
    imported = await api.gql(
        """mutation($input: ImportActiveOpportunitiesInput!) {
        importActiveOpportunities(input: $input) { count userErrors { field code message } } }""",
        {
            "input": {
                "programId": cs["id"],
                "csv": "client_name,client_website,active_from\n"
                "Hooli Inc.,hooli.xyz,2020-01-01\n"
                "Pied Piper,,not-a-date\n",
            }
        },
    )
    result = imported["importActiveOpportunities"]
    assert result["count"] == 0
    assert result["userErrors"][0]["field"] == ["csv", "line 3"]
    imported = await api.gql(
        """mutation($input: ImportActiveOpportunitiesInput!) {
        importActiveOpportunities(input: $input) { count userErrors { code } } }""",
        {
            "input": {
                "programId": cs["id"],
                "csv": "client_name,client_website\nHooli Inc.,hooli.xyz\n",
            }
        },
    )
    assert imported["importActiveOpportunities"]["count"] == 1
    blocked = await submit(api, key, cs["id"], "HOOLI")
    assert blocked["userErrors"][0]["code"] == "ACTIVE_OPPORTUNITY"


async def test_fifty_concurrent_submissions_make_one_primary(api: Api) -> None:
    """CS-REF-04 under concurrency: the database decides, on SQLite and PostgreSQL."""
    partners = await quick_referrers(api.sessionmaker, api, 50)
    cs_id = (await api.gql('{ program(slug: "contentsquare") { id } }'))["program"]["id"]
    spellings = [
        "Massive Dynamic",
        "massive dynamic inc.",
        "MASSIVE DYNAMIC SAS",
        "massivedynamic.com",
        "https://www.massivedynamic.com/en",
    ]
    results = await asyncio.gather(
        *(
            submit(api, key, cs_id, spellings[i % len(spellings)])
            for i, (_partner, key) in enumerate(partners)
        )
    )
    assert all(r["userErrors"] == [] for r in results), results
    primaries = [r["referral"] for r in results if r["referral"]["isPrimary"]]
    assert len(primaries) == 1
    async with api.sessionmaker() as session:
        rows = list(await session.scalars(select(Referral)))
    primary_id = decode_id(primaries[0]["id"])[1]
    assert len(rows) == 50
    assert {r.conflicts_with_id for r in rows if not r.is_primary} == {primary_id}


async def test_segment_referrals_need_the_addendum(api: Api) -> None:
    """SEG-TIER-10/11, SEG-AGR-06: Segment's referral fee is program data and needs the
    addendum: no referral (so no fee) without it."""
    from tests.helpers.agreements import accept_segment, partner_key

    _partner, key = await partner_key(api)
    segment = (await api.gql('{ program(slug: "segment-technology") { id } }'))["program"]
    await accept_segment(api, key)
    kind = {"opportunityKind": "net_new_account"}
    refused = await submit(api, key, segment["id"], "Wayne Enterprises", **kind)
    assert refused["userErrors"][0]["code"] == "NO_ELIGIBLE_AGREEMENT"
    await accept_segment(api, key, kind="segment-referral-addendum")
    accepted = await submit(api, key, segment["id"], "Wayne Enterprises", **kind)
    assert accepted["userErrors"] == []
    assert accepted["referral"]["decisionDeadline"] is None  # Segment sets no window


async def test_client_identity_through_graphql(api: Api) -> None:
    """Issue 12, CS-REF-04 client identity, as partners submit: shops on one shared host
    (Public Suffix List, private section) are two clients; Acme spelt with a Cyrillic capital
    A is the Latin Acme (TR39 skeleton) and conflicts with it; genuine non-Latin names are
    accepted as clients of their own."""
    _first, key1, cs = await referrer(api, "Identity One")
    _second, key2, _ = await referrer(api, "Identity Two")
    alpha = await submit(api, key1, cs["id"], "Alpha", clientWebsite="alpha.myshopify.com")
    beta = await submit(api, key2, cs["id"], "Beta", clientWebsite="beta.myshopify.com")
    assert alpha["userErrors"] == [] and beta["userErrors"] == []
    assert (alpha["referral"]["isPrimary"], beta["referral"]["isPrimary"]) == (True, True)
    latin = await submit(api, key1, cs["id"], "Acme")
    look_alike = await submit(api, key2, cs["id"], "\u0410cme")
    assert latin["referral"]["isPrimary"] is True
    assert look_alike["referral"]["clientKeys"] == latin["referral"]["clientKeys"]
    assert look_alike["referral"]["isConflicting"] is True
    for name in ("Яндекс", "阿里巴巴"):
        own = await submit(api, key1, cs["id"], name)
        assert own["userErrors"] == [], name
        assert own["referral"]["isPrimary"] is True
        assert own["referral"]["clientKeys"] and own["referral"]["clientKeys"] != ["acme"]


async def test_a_submission_is_dated_once_it_holds_its_client(api: Api, database_url: str) -> None:
    """CS-REF-04: a submission reads its day and time only once it holds its client (primacy
    orders by them), so one that waits behind another is dated after the other committed."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's writers queue on the database lock before their first read")
    [(_partner, key)] = await quick_referrers(api.sessionmaker, api, 1)
    cs_id = (await api.gql('{ program(slug: "contentsquare") { id } }'))["program"]["id"]
    program_id = decode_id(cs_id)[1]
    keys = client_keys("Massive Dynamic", None)
    async with api.sessionmaker() as other:
        await hold(other, [client_lock(program_id, k) for k in keys])
        pending = asyncio.ensure_future(submit(api, key, cs_id, "Massive Dynamic"))
        await asyncio.sleep(0.5)
        assert not pending.done()  # it waits for the client
        released = utcnow()
        await other.rollback()
    result = await pending
    assert result["userErrors"] == [] and result["referral"]["isPrimary"]
    async with api.sessionmaker() as session:
        referral = await session.get(Referral, decode_id(result["referral"]["id"])[1])
    assert referral is not None and referral.submitted_at > released
