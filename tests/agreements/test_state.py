"""An agreement's state on past and later dates, derived from the stored facts."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks import dataset
from benchmarks.dashboard import DASHBOARD
from models import Agreement, Program
from models.agreements.records import AnyAgreement
from rules.agreement_terms import State
from rules.bounded_cache import BoundedCache
from schema.lean import LeanExecutionContext
from services.agreements import state, supplements
from services.agreements.supplements import state_among
from services.programs.definition import ProgramDefinition
from services.programs.typed import spec_of
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key

pytestmark = pytest.mark.anyio


async def test_state_as_of_past_dates(api: Api) -> None:
    _partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    query = """query($id: ID!, $d: Date) { node(id: $id) { ... on Agreement {
        state(asOf: $d) { asOf status renewalCount } } } }"""
    effective = date.fromisoformat(agreement["effectiveDate"])
    before = await api.gql(
        query, {"id": agreement["id"], "d": (effective - timedelta(days=1)).isoformat()}
    )
    assert before["node"]["state"]["status"] == "PENDING"
    later = await api.gql(
        query,
        {"id": agreement["id"], "d": (effective.replace(year=effective.year + 2)).isoformat()},
    )
    assert later["node"]["state"] == {
        "asOf": effective.replace(year=effective.year + 2).isoformat(),
        "status": "ACTIVE",
        "renewalCount": 2,
    }
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Agreement)) == 1


async def test_an_agreement_kind_is_looked_up_once_per_program_version(
    sessionmaker: async_sessionmaker[AsyncSession],
    seeded: None,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every agreement's status (the dashboard's 150) reads its kind's definition and terms
    from a cache per program version, not from the program file on each call (issue 14)."""
    dataset.load(database_url, partners=5, referrals=0)
    async with sessionmaker() as session:
        agreements = list(await session.scalars(select(Agreement)))
        program = await session.get(Program, agreements[0].program_id)
    assert program is not None
    kinds = {a.kind for a in agreements}
    looked_up: list[str] = []

    def counted(row: Program) -> ProgramDefinition:
        looked_up.append(row.definition_sha256)
        return spec_of(row)

    monkeypatch.setattr(state, "_kinds", BoundedCache(256))
    monkeypatch.setattr(state, "spec_of", counted)
    on = date(2026, 6, 1)
    for _ in range(3):
        found = [state_among(program, a, agreements, on) for a in agreements]
    assert len(found) == len(agreements) >= 10
    assert looked_up == [program.definition_sha256] * len(kinds)
    changed = Program(definition=program.definition, definition_sha256="another version")
    changed.slug = program.slug
    state.state_of(changed, agreements[0], on)
    assert looked_up[-1] == "another version"


async def test_the_dashboard_computes_each_agreement_state_once(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A supplementary agreement's status reads its parent's state, computed once per request
    for the parent's own status too (Loaders.states_today; issue 14). On the fast path: on
    PostgreSQL the dashboard's statement decides these agreements' statuses itself."""
    monkeypatch.setattr(LeanExecutionContext, "sql_path", False)
    dataset.load(database_url, partners=4, referrals=0)
    computed: list[uuid.UUID] = []

    def counted(program: Program, agreement: AnyAgreement, on: date) -> State:
        computed.append(agreement.id)
        return state.state_of(program, agreement, on)

    monkeypatch.setattr(supplements, "state_of", counted)
    data = await api.gql(DASHBOARD, {"partners": 4, "referrals": 1})
    agreements = [a for p in data["partners"]["nodes"] for a in p["agreements"]]
    assert len(agreements) >= 8 and all(a["status"] for a in agreements)
    async with api.sessionmaker() as session:
        program = (await session.scalars(select(Program).order_by(Program.slug))).first()
    assert program is not None  # the dataset's program: some kinds supplement another
    assert any(spec.supplements for spec in spec_of(program).agreements)
    assert len(computed) == len(set(computed)) == len(agreements)
