"""Partner.referrals and Partner.commissions: batched pages, and the dashboard's statement count."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from benchmarks import dataset
from benchmarks.dashboard import DASHBOARD
from models import Referral
from rules.enums import ApiKeyRole
from schema.ids import decode_id, encode_id
from schema.lean import LeanExecutionContext
from tests.conftest import Api, StatementCounter
from tests.helpers.api import KEY_KEPT

pytestmark = pytest.mark.anyio

# In all, the key being kept from a request moments ago. The fast path: 1 page of partners, then
# one batch each: memberships with their tiers, programs (once), agreements, the referral pages,
# the referrals' commissions. PostgreSQL answering alone (schema/sql_path.py): the programs
# (once), then the answer's JSON.
DASHBOARD_STATEMENTS = 6
DASHBOARD_STATEMENTS_BY_SQL = 2

ONE = """query($id: ID!, $first: Int!, $after: String, $order: ReferralOrder,
  $status: [ReferralStatus!]) { node(id: $id) { ... on Partner {
    referrals(first: $first, after: $after, orderBy: $order, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id status } }
    commissions(first: 2) { totalCount nodes { id } } } } }"""
ALL = """query($order: ReferralOrder) { partners(first: 10) { nodes { id
  referrals(first: 4, orderBy: $order) { nodes { id } } } } }"""


async def _statements(api: Api, statements: StatementCounter, query: str, **variables: Any) -> int:
    statements.count = 0
    await api.gql(query, variables)
    return statements.count


@KEY_KEPT
@pytest.mark.parametrize("by_sql", [True, False], ids=["sql-path", "fast-path"])
async def test_dashboard_statement_count_is_pinned(
    api: Api,
    statements: StatementCounter,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    by_sql: bool,
) -> None:
    """The dashboard runs the same few statements whatever the page sizes."""
    monkeypatch.setattr(LeanExecutionContext, "sql_path", by_sql)
    expected = (
        DASHBOARD_STATEMENTS_BY_SQL
        if by_sql and database_url.startswith("postgresql")
        else DASHBOARD_STATEMENTS
    )
    dataset.load(database_url, partners=6, referrals=120)
    await api.gql("{ __typename }")  # the key is read once, then kept
    baseline = min([await _statements(api, statements, "{ __typename }") for _ in range(2)])
    assert baseline == 0  # a request costs no statement of its own (issue 14: at most 6 in all)
    counts = {}
    for size in (1, 5, 20):
        runs = []
        for _ in range(2):  # the edge leases rate-limit blocks now and then: take the quiet run
            statements.count = 0
            data = await api.gql(DASHBOARD, {"partners": 6, "referrals": size})
            runs.append(statements.count - baseline)
        counts[size] = min(runs)
        partners = data["partners"]["nodes"]
        assert len(partners) == 6
        assert all(len(p["referrals"]["nodes"]) == size for p in partners)
        assert all(p["memberships"][0]["tier"]["name"] for p in partners)
        assert len({len(p["agreements"]) for p in partners}) == 1 and partners[0]["agreements"]
        commissions = [r["commission"] for p in partners for r in p["referrals"]["nodes"]]
        assert any(commissions) or size == 1
    assert counts == {1: expected, 5: expected, 20: expected}


async def test_partner_referral_pages_match_the_rows(
    api: Api, sessionmaker: Any, database_url: str
) -> None:
    """Forward pages through each partner's referrals, both orders and a status filter."""
    dataset.load(database_url, partners=3, referrals=60)
    async with sessionmaker() as session:
        rows = list(await session.scalars(select(Referral)))
    partner_ids = sorted({r.partner_id for r in rows})
    for order, status in (("DESC", None), ("ASC", None), ("DESC", ["QUALIFIED", "CLOSED"])):
        stages = {s.lower() for s in status or []}
        expected_first = {}
        for partner_id in partner_ids:
            mine = [
                r for r in rows if r.partner_id == partner_id and (not status or r.stage in stages)
            ]
            mine.sort(key=lambda r: (r.submitted_at, r.id), reverse=order == "DESC")
            expected_first[encode_id("Partner", partner_id)] = [
                encode_id("Referral", r.id) for r in mine[:4]
            ]
            seen: list[str] = []
            after: str | None = None
            while True:
                variables = {
                    "id": encode_id("Partner", partner_id),
                    "first": 7,
                    "after": after,
                    "order": {"direction": order},
                    "status": status,
                }
                node = (await api.gql(ONE, variables))["node"]
                connection = node["referrals"]
                seen.extend(r["id"] for r in connection["nodes"])
                assert {r["status"] for r in connection["nodes"]} <= set(
                    status or ["*"]
                ) or not status
                assert connection["totalCount"] == len(mine)
                if not connection["pageInfo"]["hasNextPage"]:
                    break
                after = connection["pageInfo"]["endCursor"]
            assert seen == [encode_id("Referral", r.id) for r in mine]
            assert node["commissions"]["totalCount"] == sum(
                1 for r in rows if r.partner_id == partner_id and r.qualified_on
            )
        if not status:
            data = await api.gql(ALL, {"order": {"direction": order}})
            assert {
                p["id"]: [r["id"] for r in p["referrals"]["nodes"]]
                for p in data["partners"]["nodes"]
            } == expected_first


async def test_a_partner_key_reads_only_its_own_lists(api: Api, database_url: str) -> None:
    dataset.load(database_url, partners=2, referrals=4)
    data = await api.gql("{ partners(first: 2) { nodes { id } } }")
    own, other = (decode_id(p["id"])[1] for p in data["partners"]["nodes"])
    key = await api.new_key(ApiKeyRole.PARTNER, own)
    query = (
        """query($id: ID!) { node(id: $id) { ... on Partner { referrals { nodes { id } } } } }"""
    )
    response = await api.post(query, {"id": data["partners"]["nodes"][1]["id"]}, key=key)
    body = response.json()
    assert other and (body.get("errors") or body["data"]["node"] is None), body


AHEAD = """query($first: Int!, $order: ReferralOrder) { partners(first: 10) { nodes { id
  newest: referrals(first: $first) { nodes { id status commission { status } } }
  ...Oldest } } }
fragment Oldest on Partner { oldest: referrals(first: 2, orderBy: $order) { totalCount
  edges { node { id } } } }"""


async def test_a_partners_page_reads_its_referral_pages_ahead(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each `referrals` selection of a partners page (aliases, fragments, variables) is read
    before the partners answer, so no partner's `referrals` awaits (issue 14); a partner read
    alone, and a status filter, still await their page, with the same answers."""
    from schema.partners import activity

    later = activity._partner_referrals_later
    awaited: list[object] = []

    def counting(*args: Any) -> Any:
        awaited.append(args[1])
        return later(*args)

    monkeypatch.setattr(activity, "_partner_referrals_later", counting)
    dataset.load(database_url, partners=4, referrals=40)
    data = await api.gql(AHEAD, {"first": 3, "order": {"direction": "ASC"}})
    assert awaited == []
    partners = data["partners"]["nodes"]
    assert len(partners) == 4
    for partner in partners:
        variables = {"id": partner["id"], "first": 3, "after": None, "order": None}
        alone = (await api.gql(ONE, {**variables, "status": None}))["node"]["referrals"]
        assert [r["id"] for r in partner["newest"]["nodes"]] == [r["id"] for r in alone["nodes"]]
        assert [r["status"] for r in partner["newest"]["nodes"]] == [
            r["status"] for r in alone["nodes"]
        ]
        oldest = {**variables, "first": 2, "order": {"direction": "ASC"}, "status": None}
        alone = (await api.gql(ONE, oldest))["node"]["referrals"]
        assert [e["node"]["id"] for e in partner["oldest"]["edges"]] == [
            r["id"] for r in alone["nodes"]
        ]
        assert partner["oldest"]["totalCount"] == alone["totalCount"]
    assert len(awaited) == 8  # the partners read alone, both pages each
    awaited.clear()
    status = """{ partners(first: 10) { nodes { referrals(first: 2, status: [SUBMITTED]) {
      nodes { status } } } } }"""
    data = await api.gql(status)
    assert len(awaited) == 4
    assert {r["status"] for p in data["partners"]["nodes"] for r in p["referrals"]["nodes"]} <= {
        "SUBMITTED"
    }
