"""Partner mutations, enrolment and tier changes through GraphQL (SEG-TIER-01, SEG-TIER-06)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Membership, Partner, TierChange
from schema.ids import decode_id
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

UPDATE = """
mutation($input: UpdatePartnerInput!) {
  updatePartner(input: $input) {
    partner { id displayName country websiteDomain version }
    userErrors { field code message }
  }
}"""


async def _count(api: Api, model: type) -> int:
    async with api.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_create_partner_normalises_fields(api: Api) -> None:
    partner = await create_partner(api, country="us")
    assert partner["country"] == "US"
    assert partner["websiteDomain"] == "acme.example.com"
    assert partner["capacities"] == ["referrer", "technology"]  # as the program files spell them
    assert partner["version"] == 1
    assert await _count(api, AuditEvent) == 2  # the admin key, then the partner


async def test_create_partner_reports_every_problem_and_writes_nothing(api: Api) -> None:
    data = await api.gql(
        CREATE_PARTNER,
        {
            "input": partner_input(
                legalName="  ", country="ZZ", websiteDomain="not a domain", noticeAddress="x" * 1001
            )
        },
    )
    payload = data["createPartner"]
    assert payload["partner"] is None
    codes = {tuple(e["field"]): e["code"] for e in payload["userErrors"]}
    assert codes == {
        ("input", "legalName"): "REQUIRED",
        ("input", "noticeAddress"): "TOO_LONG",
        ("input", "country"): "INVALID_COUNTRY",
        ("input", "websiteDomain"): "INVALID_DOMAIN",
    }
    assert await _count(api, Partner) == 0


async def test_update_partner_with_versions(api: Api) -> None:
    partner = await create_partner(api)
    data = await api.gql(
        UPDATE, {"input": {"id": partner["id"], "displayName": "Acme EU", "expectedVersion": 1}}
    )
    assert data["updatePartner"]["partner"]["displayName"] == "Acme EU"
    assert data["updatePartner"]["partner"]["version"] == 2
    stale = await api.gql(
        UPDATE, {"input": {"id": partner["id"], "country": "FR", "expectedVersion": 1}}
    )
    assert stale["updatePartner"]["userErrors"][0]["code"] == "STALE_VERSION"
    empty = await api.gql(UPDATE, {"input": {"id": partner["id"]}})
    assert empty["updatePartner"]["userErrors"][0]["code"] == "NOTHING_TO_UPDATE"
    bad = await api.gql(UPDATE, {"input": {"id": "nope", "country": "FR"}})
    assert bad["updatePartner"]["userErrors"][0] == {
        "field": ["input", "id"],
        "code": "INVALID_ID",
        "message": "id: 'nope' is not a valid global ID",
    }


async def test_enroll_starts_at_entry_tier_with_history(api: Api) -> None:
    """SEG-TIER-01: every partner starts at Registered; the entry opens the tier history."""
    partner = await create_partner(api)
    segment = await program(api, "segment-technology")
    payload = await enroll(api, partner["id"], segment["id"])
    assert payload["userErrors"] == []
    membership = payload["membership"]
    assert membership["tier"]["name"] == "Registered"
    assert membership["status"] == "APPLICANT"
    assert membership["tierHistory"] == [
        {
            "fromTier": None,
            "toTier": {"name": "Registered"},
            "reason": "Enrolled at the program's entry tier (SEG-TIER-01)",
        }
    ]
    again = await enroll(api, partner["id"], segment["id"])
    assert again["userErrors"][0]["code"] == "ALREADY_ENROLLED"
    assert await _count(api, Membership) == 1


async def test_enroll_requires_a_capacity_the_program_offers(api: Api) -> None:
    """CS-AGR-02: Contentsquare takes referrers, resellers and service partners."""
    partner = await create_partner(api, capacities=["TECHNOLOGY"])
    contentsquare = await program(api, "contentsquare")
    payload = await enroll(api, partner["id"], contentsquare["id"])
    assert payload["userErrors"][0]["code"] == "CAPACITY_NOT_OFFERED"
    assert await _count(api, Membership) == 0


async def test_change_tier_records_history_and_audit(api: Api) -> None:
    partner = await create_partner(api)
    segment = await program(api, "segment-technology")
    membership = (await enroll(api, partner["id"], segment["id"]))["membership"]
    silver = next(t for t in segment["tiers"] if t["key"] == "silver")
    data = await api.gql(
        CHANGE_TIER,
        {
            "input": {
                "membershipId": membership["id"],
                "tierId": silver["id"],
                "reason": "Two success stories and US$600K influenced ARR in 2025",
            }
        },
    )
    payload = data["changeTier"]
    assert payload["userErrors"] == []
    assert payload["membership"]["tier"]["name"] == "Silver"
    assert payload["membership"]["version"] == 2
    assert [h["toTier"]["name"] for h in payload["membership"]["tierHistory"]] == [
        "Registered",
        "Silver",
    ]
    assert payload["membership"]["tierHistory"][1]["fromTier"] == {"name": "Registered"}
    async with api.sessionmaker() as session:
        event = await session.scalar(select(AuditEvent).where(AuditEvent.operation == "changeTier"))
    assert event is not None
    assert event.changes["tier"] == ["registered", "silver"]


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("same", "SAME_TIER"),
        ("other_program", "TIER_NOT_IN_PROGRAM"),
        ("no_reason", "REQUIRED"),
        ("long_reason", "TOO_LONG"),
        ("wrong_id_type", "INVALID_ID"),
        ("future", "DATE_IN_FUTURE"),
    ],
)
async def test_change_tier_refusals(api: Api, case: str, code: str) -> None:
    partner = await create_partner(api)
    segment = await program(api, "segment-technology")
    contentsquare = await program(api, "contentsquare")
    membership = (await enroll(api, partner["id"], segment["id"]))["membership"]
    tiers = {t["key"]: t["id"] for t in segment["tiers"]}
    request = {"membershipId": membership["id"], "tierId": tiers["gold"], "reason": "review"}
    request.update(
        {
            "same": {"tierId": tiers["registered"]},
            "other_program": {"tierId": contentsquare["tiers"][0]["id"]},
            "no_reason": {"reason": "   "},
            "long_reason": {"reason": "x" * 1001},
            "wrong_id_type": {"tierId": membership["id"]},
            "future": {"effectiveOn": "2999-01-01"},
        }[case]
    )
    data = await api.gql(CHANGE_TIER, {"input": request})
    assert data["changeTier"]["userErrors"][0]["code"] == code
    assert data["changeTier"]["membership"] is None
    assert await _count(api, TierChange) == 1  # only the enrolment entry


async def test_partner_list_filters_and_search(api: Api) -> None:
    segment = await program(api, "segment-technology")
    acme = await create_partner(api, displayName="Acme", country="US")
    await create_partner(
        api, displayName="Bolt_100%", legalName="Bolt SAS", country="FR", capacities=["REFERRER"]
    )
    await create_partner(api, displayName="Crane", legalName="Crane GmbH", country="DE")
    await enroll(api, acme["id"], segment["id"])

    async def names(filter_: dict[str, object]) -> list[str]:
        data = await api.gql(
            "query($f: PartnerFilter) { partners(filter: $f) { totalCount "
            "edges { node { displayName } } } }",
            {"f": filter_},
        )
        found = [e["node"]["displayName"] for e in data["partners"]["edges"]]
        assert data["partners"]["totalCount"] == len(found)
        return found

    assert await names({}) == ["Acme", "Bolt_100%", "Crane"]
    assert await names({"country": "fr"}) == ["Bolt_100%"]
    assert await names({"search": "gmbh"}) == ["Crane"]
    assert await names({"search": "_100%"}) == ["Bolt_100%"]
    assert await names({"search": "%"}) == ["Bolt_100%"]
    assert await names({"program": segment["id"]}) == ["Acme"]
    assert await names({"program": segment["id"], "status": "ACTIVE"}) == []
    assert await names({"tier": segment["tiers"][0]["id"], "status": "APPLICANT"}) == ["Acme"]


async def test_partner_pagination_both_directions(api: Api) -> None:
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"]:
        await create_partner(api, displayName=name)
    query = """query($first: Int, $after: String, $last: Int, $before: String,
                     $dir: OrderDirection!) {
      partners(first: $first, after: $after, last: $last, before: $before,
               orderBy: {field: DISPLAY_NAME, direction: $dir}) {
        totalCount edges { node { displayName } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""

    async def page(**args: object) -> dict[str, object]:
        variables = {"first": None, "after": None, "last": None, "before": None, "dir": "ASC"}
        variables.update(args)
        result: dict[str, object] = (await api.gql(query, variables))["partners"]
        return result

    def names(p: dict[str, object]) -> list[str]:
        return [e["node"]["displayName"] for e in p["edges"]]  # type: ignore[index,union-attr]

    one = await page(first=2)
    assert names(one) == ["Alpha", "Bravo"]
    assert one["totalCount"] == 5
    two = await page(first=2, after=one["pageInfo"]["endCursor"])  # type: ignore[index]
    assert names(two) == ["charlie", "delta"]
    three = await page(first=2, after=two["pageInfo"]["endCursor"])  # type: ignore[index]
    assert names(three) == ["echo"]
    assert three["pageInfo"]["hasNextPage"] is False  # type: ignore[index]
    back = await page(last=2, before=three["pageInfo"]["startCursor"])  # type: ignore[index]
    assert names(back) == ["charlie", "delta"]
    assert back["pageInfo"]["hasPreviousPage"] is True  # type: ignore[index]
    tail = await page(last=2)
    assert names(tail) == ["delta", "echo"]
    desc = await page(first=3, dir="DESC")
    assert names(desc) == ["echo", "delta", "charlie"]
    desc_next = await page(first=3, dir="DESC", after=desc["pageInfo"]["endCursor"])  # type: ignore[index]
    assert names(desc_next) == ["Bravo", "Alpha"]


async def test_partner_pagination_by_creation_time(api: Api) -> None:
    for name in ["one", "two", "three"]:
        await create_partner(api, displayName=name)
    query = """query($after: String) { partners(first: 2, after: $after,
        orderBy: {field: CREATED_AT}) { edges { node { displayName } } pageInfo { endCursor } } }"""
    first = (await api.gql(query, {"after": None}))["partners"]
    second = (await api.gql(query, {"after": first["pageInfo"]["endCursor"]}))["partners"]
    names = [e["node"]["displayName"] for e in first["edges"] + second["edges"]]
    assert names == ["one", "two", "three"]


async def test_concurrent_enrolments_make_one_membership(api: Api) -> None:
    """The (partner, program) key holds under a race: one wins, the rest are refused."""
    import asyncio

    partner = await create_partner(api)
    segment = await program(api, "segment-technology")
    results = await asyncio.gather(*(enroll(api, partner["id"], segment["id"]) for _ in range(5)))
    winners = [r for r in results if not r["userErrors"]]
    assert len(winners) == 1
    assert {r["userErrors"][0]["code"] for r in results if r["userErrors"]} == {"ALREADY_ENROLLED"}
    assert await _count(api, Membership) == 1


async def test_tier_as_of_reads_the_history_by_effective_date(api: Api) -> None:
    """Issue 11: `tierAsOf(date:)` answers from the tier history's dates; a change effective
    today does not change the answer for an earlier day."""
    partner = await create_partner(api)
    segment = await program(api, "segment-technology")
    membership = (await enroll(api, partner["id"], segment["id"]))["membership"]
    async with api.sessionmaker.begin() as session:
        entry = await session.scalar(
            select(TierChange).where(TierChange.membership_id == decode_id(membership["id"])[1])
        )
        assert entry is not None
        entry.effective_on = date(2025, 1, 1)
    silver = next(t for t in segment["tiers"] if t["key"] == "silver")
    changed = await api.gql(
        CHANGE_TIER,
        {"input": {"membershipId": membership["id"], "tierId": silver["id"], "reason": "ARR"}},
    )
    assert changed["changeTier"]["userErrors"] == []
    query = """query($id: ID!, $a: Date!, $b: Date!, $c: Date!) { node(id: $id) {
      ... on Membership { a: tierAsOf(date: $a) { key } b: tierAsOf(date: $b) { key }
      c: tierAsOf(date: $c) { key } } } }"""
    today = changed["changeTier"]["tierChange"]["effectiveOn"]
    data = await api.gql(
        query, {"id": membership["id"], "a": "2024-12-31", "b": "2025-06-01", "c": today}
    )
    assert data["node"] == {"a": None, "b": {"key": "registered"}, "c": {"key": "silver"}}


async def test_capacity_must_be_listed_by_a_program(api: Api) -> None:
    """Capacities are program data (CS-AGR-02, issue 12): one no program lists is refused with
    UNKNOWN_CAPACITY and nothing is written; the seeds' own capacities pass in any case."""
    before = await _count(api, Partner)
    data = await api.gql(
        CREATE_PARTNER, {"input": partner_input(capacities=["referrer", "distributor"])}
    )
    payload = data["createPartner"]
    assert payload["partner"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "capacities"], "UNKNOWN_CAPACITY")
    ]
    assert "'distributor'" in payload["userErrors"][0]["message"]
    assert await _count(api, Partner) == before
    partner = await create_partner(api, capacities=["Reseller", "PROFESSIONAL_SERVICES"])
    assert partner["capacities"] == ["professional_services", "reseller"]
    changed = await api.gql(UPDATE, {"input": {"id": partner["id"], "capacities": ["broker"]}})
    assert changed["updatePartner"]["userErrors"][0]["code"] == "UNKNOWN_CAPACITY"
