"""The statements of a click-acceptance are pinned (issue 14): one transaction for the use
case, and no read for the answer (it shows the rows the use case committed)."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS
from sqlalchemy import Select, event, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.util import find_tables

from benchmarks.accept import ACCEPT
from models import Agreement, AuditEvent, Membership
from models.agreements import first_read
from models.edge import queries as edge
from schema.ids import decode_id
from tests.conftest import Api, StatementCounter
from tests.helpers.agreements import SIGNER
from tests.helpers.api import KEY_KEPT, create_partner, program

pytestmark = pytest.mark.anyio

# Beyond what any request costs (the key, when not read moments ago): the partner, program,
# agreement (locked), current template, the partner's membership and webhook endpoints (one read,
# models/agreements/first_read.py), then what the signature writes (models/facts.py: on
# PostgreSQL the new agreement and membership, the document's bytes, both audit events, the
# document, both events, the acceptance, the tier history and the data versions in one
# statement; on SQLite one INSERT per table, the bytes kept in a folder, then the versions).
# The entry tier is worked out once per program file version (memberships.entry_tier).
ACCEPT_STATEMENTS = {"postgresql": 2, "sqlite": 9}


async def accept_input(api: Api, program: dict[str, Any], name: str) -> dict[str, Any]:
    """The variables of a click-acceptance of `program`'s agreement by a new partner `name`."""
    partner = await create_partner(api, displayName=name, legalName=f"{name} Inc.")
    return {
        "input": {
            "programId": program["id"],
            "partnerId": partner["id"],
            "kind": "segment-program-agreement",
            "signer": SIGNER,
        }
    }


@KEY_KEPT
async def test_a_first_acceptance_runs_a_pinned_number_of_statements(
    api: Api, statements: StatementCounter, database_url: str
) -> None:
    segment = await program(api, "segment-technology")
    statements.count = 0
    await api.gql("{ __typename }")
    baseline = statements.count
    runs = []
    for name in ("Acme", "Globex"):  # the edge leases rate-limit blocks now and then
        variables = await accept_input(api, segment, name)
        statements.count = 0
        data = (await api.gql(ACCEPT, variables))["acceptAgreement"]
        runs.append(statements.count - baseline)
        assert data["userErrors"] == []
        assert data["agreement"]["status"] == "ACTIVE"
        assert data["agreement"]["effectiveDate"] is not None
        assert data["acceptance"]["templateVersion"] >= 1
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    assert min(runs) == ACCEPT_STATEMENTS[backend]


async def test_the_hot_statements_are_built_once(api: Api) -> None:
    """The key and the first read run statements built once, their values bound (issue 14:
    building and hashing them cost CPU on every request); the membership and the tiers are not
    read apart (the first read brings the one, the other is known per program version)."""
    segment = await program(api, "segment-technology")
    ran: list[object] = []

    def note(state: ORMExecuteState) -> None:
        ran.append(state.statement)

    for name in ("Acme", "Globex"):  # the first enrolment in the program works out its tier
        variables = await accept_input(api, segment, name)
        key = await api.new_key()  # not read yet, so this request reads it
        ran.clear()
        event.listen(Session, "do_orm_execute", note)
        try:
            data = (await api.gql(ACCEPT, variables, key=key))["acceptAgreement"]
            assert data["userErrors"] == []
        finally:
            event.remove(Session, "do_orm_execute", note)
    async with api.sessionmaker() as session:
        dialect = session.get_bind().dialect.name
    for built in (edge._BY_PREFIX, first_read._FIRST_READS[dialect]):
        assert any(statement is built for statement in ran)
    read = [{t.name for t in find_tables(s)} for s in ran if isinstance(s, Select)]
    assert sum("memberships" in tables for tables in read) == 1  # in the first read
    assert not any("tiers" in tables for tables in read)


async def test_the_agreement_and_membership_written_with_the_facts_are_audited_as_theirs(
    api: Api,
) -> None:
    """The new agreement and membership wait in the facts' batch (models/facts.add_new): their
    audit events still name the partner (read from the queued rows), and they are on record."""
    segment = await program(api, "segment-technology")
    variables = await accept_input(api, segment, "Acme")
    data = (await api.gql(ACCEPT, variables))["acceptAgreement"]
    assert data["userErrors"] == [] and data["agreement"]["status"] == "ACTIVE"
    partner_id = decode_id(variables["input"]["partnerId"])[1]
    async with api.sessionmaker() as session:
        events = (
            await session.execute(
                select(AuditEvent.object_type, AuditEvent.partner_id).where(
                    AuditEvent.operation.in_(["acceptAgreement", "enrollPartner"])
                )
            )
        ).all()
        membership = await session.scalar(select(Membership))
        agreement = await session.get(Agreement, decode_id(data["agreement"]["id"])[1])
    assert sorted(events) == [("Agreement", partner_id), ("Membership", partner_id)]
    assert membership is not None and membership.partner_id == partner_id
    assert agreement is not None and agreement.version == 2 and agreement.effective_on


async def test_the_facts_statement_stays_within_psycopgs_parse_cache(
    api: Api, engine: AsyncEngine, database_url: str
) -> None:
    """On PostgreSQL the facts' statement of an acceptance binds each table's rows as one
    parameter (models/fact_rows.py), so psycopg keeps its parsed form (issue 14: over 80
    parameters and 4 KB of text made it parse the query again on every acceptance)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("one facts statement on PostgreSQL only")
    segment = await program(api, "segment-technology")
    variables = await accept_input(api, segment, "Acme")
    sent: list[tuple[str, int]] = []

    def note(_conn: object, _cursor: object, statement: str, params: Any, *_: object) -> None:
        if statement.lstrip().startswith("WITH fact_0"):
            sent.append((statement, len(params)))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        assert (await api.gql(ACCEPT, variables))["acceptAgreement"]["userErrors"] == []
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    ((statement, params),) = sent
    assert "acceptances" in statement and "stored_files" in statement
    assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH
    assert params <= MAX_CACHED_STATEMENT_PARAMS
