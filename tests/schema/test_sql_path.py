"""Queries PostgreSQL answers alone (schema/sql_path.py, issue 14): the same answer as the fast
path and as graphql-core on varied facts, for admins and partner keys; the fast path for
everything else and whenever the statement's answer needs it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks import dataset
from benchmarks.dashboard import DASHBOARD
from models import Agreement, AgreementNotice, Commission, Partner, Referral, json_answers
from rules.bounded_cache import BoundedCache
from rules.enums import ApiKeyRole
from schema import sql_path
from schema.answers import count_fields
from schema.ids import decode_id
from schema.lean import LeanExecutionContext
from schema.loaders import Loaders
from tests.conftest import Api

pytestmark = pytest.mark.anyio

WIDE = """query($first: Int) { list: partners(first: $first) { __typename nodes { __typename
  key: id legalName displayName country noticeAddress websiteDomain version createdAt updatedAt
  memberships { id status joinedOn version tier { __typename id key name description rank
    inviteOnly } rank: tier { rank } }
  agreements { id kind version appliedOn effectiveDate decidedAt decisionReason status }
  recent: referrals(first: 3) { nodes { id status } }
  referrals(first: 20) { nodes { id clientName clientWebsite contactName contactRole
    contactEmail contactPhone description opportunityKind submittedAt submittedOn
    decisionDeadline meetingDeadline approvedOn rejectedOn decisionReason meetingOn notViableOn
    notViableReason closedOn closeReason version status
    commission { id year scheduleVersion status payableOn dueDate paidOn
      amount { amount currency } ncr { currency amount } }
    again: commission { id amount { amount } } } } } } }"""

FRAGMENTS = """query($partners: Int!, $no: Boolean!, $yes: Boolean!) {
  partners(first: $partners) { nodes { ...P @include(if: $no) ...Q @include(if: $yes) id
    ... on Partner { id country } } } }
fragment P on Partner { displayName }
fragment Q on Partner { legalName agreements { status } }"""

OUTSIDE = {
    "a filter": '{ partners(first: 5, filter: {country: "FR"}) { nodes { id } } }',
    "page info": "{ partners(first: 5) { pageInfo { hasNextPage } nodes { id } } }",
    "a total": "{ partners(first: 5) { nodes { referrals(first: 2) { totalCount } } } }",
    "a status filter": "{ partners(first: 5) { nodes { referrals(status: [APPROVED]) "
    "{ nodes { id } } } } }",
    "an unmirrored field": "{ partners(first: 5) { nodes { id capacities } } }",
    "another root field": "{ partners(first: 5) { nodes { id } } programs { nodes { id } } }",
    "an ordering": "{ partners(first: 5, orderBy: {field: CREATED_AT}) { nodes { id } } }",
}


class Reads:
    """The answers' statements run and what they returned."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        self.tables: set[str] = set()
        read, note = json_answers.read_answer, json_answers.note_tables_read

        async def reading(*args: Any) -> tuple[str, ...]:
            texts = await read(*args)
            self.texts.extend(texts)
            return texts

        def noting(session: Any, tables: Any) -> None:
            self.tables.update(tables)
            note(session, tables)

        self.answered: list[int] = []
        report = LeanExecutionContext._answered

        def answered(context: LeanExecutionContext, fields: int) -> None:
            self.answered.append(fields)
            report(context, fields)

        monkeypatch.setattr(LeanExecutionContext, "_answered", answered)
        monkeypatch.setattr(json_answers, "read_answer", reading)
        monkeypatch.setattr(json_answers, "note_tables_read", noting)


async def _vary(engine: AsyncEngine) -> list[uuid.UUID]:
    """Facts of every kind the mirrors read, on the dataset's partners (in list order)."""
    today = datetime.now(UTC).date()
    async with engine.begin() as c:
        partners = list(
            await c.scalars(
                select(Partner.id).order_by(func.lower(Partner.display_name), Partner.id)
            )
        )
        rows = await c.execute(select(Agreement.id, Agreement.partner_id, Agreement.kind))
        agreements = {(p, k.rsplit("-", 1)[-1]): a for a, p, k in rows}
        names = ['Quote " : and back\\ slash', 'Ünïcode ☃ x" : y', "tab\tnew\nline"]
        for partner, name in zip(partners, names, strict=False):
            await c.execute(update(Partner).where(Partner.id == partner).values(display_name=name))

        def main(i: int) -> uuid.UUID:
            return agreements[(partners[i], "agreement")]

        await c.execute(
            update(Agreement)
            .where(Agreement.id == main(0))
            .values(rejected_on=today - timedelta(3), effective_on=None)
        )
        await c.execute(
            update(Agreement)
            .where(Agreement.id == main(1))
            .values(effective_on=today + timedelta(10))
        )
        notices = [  # (agreement, kind, reason, given, cured)
            (main(2), "termination", "convenience", today - timedelta(5), None),
            (main(3), "breach", "breach", today - timedelta(100), None),
            (main(4), "breach", "breach", today - timedelta(10), today - timedelta(2)),
            (main(5), "termination", "convenience", None, None),
            (
                agreements[(partners[6], "schedule")],
                "non_renewal",
                None,
                today - timedelta(4),
                None,
            ),
        ]
        now = datetime.now(UTC)
        await c.execute(
            insert(AgreementNotice),
            [
                {
                    "id": uuid.uuid4(),
                    "agreement_id": agreement,
                    "kind": kind,
                    "reason": reason,
                    "party": "operator",
                    "sent_on": today - timedelta(120),
                    "given_on": given,
                    "cured_on": cured,
                    "created_at": now,
                    "updated_at": now,
                }
                for agreement, kind, reason, given, cured in notices
            ],
        )
        referrals = list(
            await c.execute(
                select(
                    Referral.id, Referral.submitted_at, Referral.approved_on, Referral.rejected_on
                ).order_by(Referral.id)
            )
        )
        for rid, at, *_facts in referrals[:40]:
            await c.execute(
                update(Referral)
                .where(Referral.id == rid)
                .values(submitted_at=at.replace(microsecond=0), undecided_outcome="deemed_approved")
            )
        undecided = [r[0] for r in referrals if r[2] is None and r[3] is None][:5]
        await c.execute(
            update(Referral)
            .where(Referral.id.in_(undecided))
            .values(approved_on=today + timedelta(2))
        )
        commissions = list(await c.scalars(select(Commission.id).order_by(Commission.id)))
        money = [
            ("JPY", "1234.5", today - timedelta(1), None),
            ("BHD", "1.0005", None, today - timedelta(1)),
            ("EUR", "-0.004", None, today + timedelta(3)),
            ("EUR", "10.005", today + timedelta(1), today - timedelta(9)),
        ]
        for commission, (currency, amount, paid, payable) in zip(commissions, money, strict=False):
            await c.execute(
                update(Commission)
                .where(Commission.id == commission)
                .values(
                    currency=currency,
                    amount=Decimal(amount),
                    ncr=Decimal(amount),
                    paid_on=paid,
                    payable_on=payable,
                )
            )
    return partners


async def _three_ways(
    api: Api, monkeypatch: pytest.MonkeyPatch, query: str, variables: dict[str, Any], key: str
) -> dict[str, Any]:
    answers = []
    for sql, fast in ((True, True), (False, True), (False, False)):
        monkeypatch.setattr(LeanExecutionContext, "sql_path", sql)
        monkeypatch.setattr(LeanExecutionContext, "fast_path", fast)
        answers.append(await api.gql(query, variables, key))
    monkeypatch.setattr(LeanExecutionContext, "sql_path", True)
    monkeypatch.setattr(LeanExecutionContext, "fast_path", True)
    assert answers[0] == answers[1] == answers[2]
    return answers[0]


async def test_answers_are_the_fast_paths_and_graphql_cores(
    api: Api,
    engine: AsyncEngine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dataset.load(database_url, partners=8, referrals=160, agreements=2)
    partners = await _vary(engine)
    reads = Reads(monkeypatch)
    own = await api.new_key(ApiKeyRole.PARTNER, partner_id=partners[2])
    runs = [
        (DASHBOARD, {"partners": 8, "referrals": 20}, api.admin_key),
        (WIDE, {"first": 8}, api.admin_key),
        (WIDE, {}, own),
        (DASHBOARD, {"partners": 3, "referrals": 1}, own),
        (FRAGMENTS, {"partners": 4, "no": False, "yes": True}, api.admin_key),
    ]
    for query, variables, key in runs:
        reads.texts.clear()
        reads.answered.clear()
        data = await _three_ways(api, monkeypatch, query, variables, key)
        # what the rate limit charges: the fields of the answer, by each path
        assert reads.answered[:2] == [count_fields(data)] * 2
        postgres = database_url.startswith("postgresql")
        assert len(reads.texts) == (1 if postgres else 0), "PostgreSQL answered it alone"
        for text in reads.texts:
            assert json_answers.count_keys(text) == count_fields(orjson.loads(text))
        listed = data.get("partners") or data["list"]
        nodes = listed["nodes"]
        assert len(nodes) == (1 if key == own else min(8, variables.get("partners", 8)))
    wide = await api.gql(WIDE, {"first": 8})
    statuses = {
        decode_id(p["key"])[1]: {a["kind"].rsplit("-", 1)[-1]: a["status"] for a in p["agreements"]}
        for p in wide["list"]["nodes"]
    }
    assert [(statuses[p]["agreement"], statuses[p]["schedule"]) for p in partners[:6]] == [
        ("REJECTED", "ACTIVE"),
        ("PENDING", "ACTIVE"),
        ("NOTICE_GIVEN", "NOTICE_GIVEN"),  # the schedule ends with the agreement it supplements
        ("TERMINATED", "TERMINATED"),
        ("ACTIVE", "ACTIVE"),  # the breach was cured
        ("ACTIVE", "ACTIVE"),  # the notice awaits its receipt
    ]
    amounts = {
        c["amount"]["amount"] + c["amount"]["currency"]
        for p in wide["list"]["nodes"]
        for r in p["referrals"]["nodes"]
        if (c := r["commission"])
    }
    if database_url.startswith("postgresql"):
        assert {"-0.00EUR"} <= amounts
        assert reads.tables >= {
            "partners",
            "memberships",
            "tiers",
            "agreements",
            "agreement_notices",
            "referrals",
            "commissions",
            "qualified_agreements",
            "programs",
        }


def _without_error_ids(body: dict[str, Any]) -> dict[str, Any]:
    errors = [
        {**e, "message": "", "extensions": {**e["extensions"], "errorId": ""}}
        for e in body["errors"]
    ]
    return {**body, "errors": errors}


@pytest.mark.parametrize("name", sorted(OUTSIDE))
async def test_other_queries_take_the_fast_path(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    dataset.load(database_url, partners=3, referrals=12, agreements=2)
    reads = Reads(monkeypatch)
    await _three_ways(api, monkeypatch, OUTSIDE[name], {"no": False}, api.admin_key)
    assert reads.texts == []


async def test_an_answer_the_rules_refuse_is_the_fast_paths(
    api: Api, engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An agreement of a kind its program no longer defines: the placeholder's term engine
    refuses it, and the fast path gives the answer (with its error) instead."""
    dataset.load(database_url, partners=2, referrals=4, agreements=1)
    async with engine.begin() as c:
        first = (await c.scalars(select(Agreement.id).order_by(Agreement.id))).first()
        await c.execute(
            update(Agreement).where(Agreement.id == first).values(kind="no-longer-defined")
        )
    reads = Reads(monkeypatch)
    query = "{ partners(first: 2) { nodes { id agreements { id status } } } }"

    def fallbacks() -> float:
        sample = REGISTRY.get_sample_value(
            "partnergraph_sql_path_fallbacks_total", {"error": "LookupError"}
        )
        return sample or 0.0

    before = fallbacks()
    by_sql = (await api.post(query)).json()
    monkeypatch.setattr(LeanExecutionContext, "sql_path", False)
    fast = (await api.post(query)).json()
    assert _without_error_ids(by_sql) == _without_error_ids(fast)
    assert [e["extensions"]["code"] for e in by_sql["errors"]] == ["INTERNAL_SERVER_ERROR"]
    postgres = database_url.startswith("postgresql")
    assert len(reads.texts) == (1 if postgres else 0)
    assert fallbacks() - before == (1 if postgres else 0)


def _fallbacks(error: str) -> float:
    sample = REGISTRY.get_sample_value("partnergraph_sql_path_fallbacks_total", {"error": error})
    return sample or 0.0


async def test_a_failed_statement_under_an_idempotency_key_leaves_the_fast_path_its_reads(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request under an Idempotency-Key reads in a transaction: the statement runs in a
    savepoint, so when it fails the fast path still answers in full."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the answers' JSON is PostgreSQL's (schema/sql_path.py)")
    dataset.load(database_url, partners=2, referrals=4, agreements=2)
    monkeypatch.setattr(sql_path, "_COMPILED", BoundedCache(8))
    monkeypatch.setattr(json_answers, "DEFINED", "WITH defined AS (SELECT 1 AS nothing)")
    variables = {"partners": 2, "referrals": 2}
    expected = await api.gql(DASHBOARD, variables)
    before = _fallbacks("ProgrammingError")
    response = await api.client.post(
        "/graphql",
        json={"query": DASHBOARD, "variables": variables},
        headers={"Authorization": f"Bearer {api.admin_key}", "Idempotency-Key": "sql-path-1"},
    )
    assert response.status_code == 200
    assert response.json() == {"data": expected, "extensions": response.json()["extensions"]}
    assert _fallbacks("ProgrammingError") - before == 1


async def test_a_program_added_since_the_programs_were_read_is_the_fast_paths(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statement counts the programs whose today the request did not bind (one added
    since it read them): the fast path answers instead of a status taken on a null day."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the answers' JSON is PostgreSQL's (schema/sql_path.py)")
    dataset.load(database_url, partners=2, referrals=4, agreements=2)
    expected = await api.gql(DASHBOARD, {"partners": 2, "referrals": 3})
    read = Loaders.all_programs

    async def one_missing(loaders: Loaders) -> list[Any]:
        programs = await read(loaders)
        return [p for p in programs if p.slug == "contentsquare"]

    monkeypatch.setattr(Loaders, "all_programs", one_missing)
    before = _fallbacks("LookupError")
    assert await api.gql(DASHBOARD, {"partners": 2, "referrals": 3}) == expected
    assert _fallbacks("LookupError") - before == 1
