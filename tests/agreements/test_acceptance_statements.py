"""The statements of a click-acceptance are pinned (issue 14): one transaction for the use
case, and no read for the answer (it shows the rows the use case committed)."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from benchmarks.accept import ACCEPT
from models.agreements import first_read
from models.edge import queries as edge
from models.partners import queries as partners
from tests.conftest import Api, StatementCounter
from tests.helpers.agreements import SIGNER
from tests.helpers.api import create_partner, program

pytestmark = pytest.mark.anyio

# Beyond what any request costs (the key): the partner, program, agreement (locked), current
# template and webhook endpoints (one read, models/agreements/first_read.py), the agreement
# written, the membership with the program's tiers (apart: joined to the first read, its rows
# would repeat the program's definition per tier, slower than a statement of its own), the
# enrolment, the facts (models/facts.py: on PostgreSQL the document's bytes, both audit events,
# the document, both events, the acceptance, the tier history and the data versions in one
# statement; on SQLite one INSERT per table, the bytes kept in a folder, then the versions).
ACCEPT_STATEMENTS = {"postgresql": 5, "sqlite": 10}


async def test_a_first_acceptance_runs_a_pinned_number_of_statements(
    api: Api, statements: StatementCounter, database_url: str
) -> None:
    segment = await program(api, "segment-technology")
    statements.count = 0
    await api.gql("{ __typename }")
    baseline = statements.count
    runs = []
    for name in ("Acme", "Globex"):  # the edge leases rate-limit blocks now and then
        partner = await create_partner(api, displayName=name, legalName=f"{name} Inc.")
        variables = {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "kind": "segment-program-agreement",
                "signer": SIGNER,
            }
        }
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
    """The key, the first read and the membership with the tiers run statements built once,
    their values bound (issue 14: building and hashing them cost CPU on every request)."""
    segment = await program(api, "segment-technology")
    partner = await create_partner(api, displayName="Acme", legalName="Acme Inc.")
    ran: list[object] = []

    def note(state: ORMExecuteState) -> None:
        ran.append(state.statement)

    event.listen(Session, "do_orm_execute", note)
    try:
        variables = {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "kind": "segment-program-agreement",
                "signer": SIGNER,
            }
        }
        assert (await api.gql(ACCEPT, variables))["acceptAgreement"]["userErrors"] == []
    finally:
        event.remove(Session, "do_orm_execute", note)
    for built in (edge._BY_PREFIX, first_read._FIRST_READ, partners._MEMBERSHIP_OR_TIERS):
        assert any(statement is built for statement in ran)
