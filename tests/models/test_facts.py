"""Facts written together (models/facts.py): one statement on PostgreSQL, one per table on
SQLite, in foreign-key order whatever the order they were added in."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import AuditEvent, OutboxEvent, WebhookDelivery, WebhookEndpoint, facts
from models.base import utcnow
from models.versions import read_versions
from tests.conftest import StatementCounter

pytestmark = pytest.mark.anyio


def _event() -> OutboxEvent:
    return OutboxEvent(id=uuid.uuid4(), event_type="tier.changed", partner_id=None, payload={})


def _delivery(event: OutboxEvent, endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery(
        event_id=event.id, endpoint_id=endpoint.id, status="pending", next_attempt_at=utcnow()
    )


async def _count(session: AsyncSession, model: type[object]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_batch_writes_its_facts_in_one_statement_per_database(
    sessionmaker: async_sessionmaker[AsyncSession], statements: StatementCounter, database_url: str
) -> None:
    inserted: list[object] = []

    def heard(_mapper: object, _connection: object, target: object) -> None:
        inserted.append(target)

    event.listen(AuditEvent, "after_insert", heard)
    try:
        await _batch(sessionmaker, statements, database_url, inserted)
    finally:
        event.remove(AuditEvent, "after_insert", heard)


async def _batch(
    sessionmaker: async_sessionmaker[AsyncSession],
    statements: StatementCounter,
    database_url: str,
    inserted: list[object],
) -> None:
    async with sessionmaker.begin() as session:
        endpoint = WebhookEndpoint(url="https://example.com/h", event_types=[], secret="s")
        session.add(endpoint)
        await session.flush()
        before = await read_versions(session)
        statements.count = 0
        async with facts.batched(session):
            event = _event()
            facts.add(session, _delivery(event, endpoint))  # before its event: sorted anyway
            facts.add(session, event)
            audit = AuditEvent(operation="x", object_type="T", object_id="1", actor_role="admin")
            facts.add(session, audit)
            assert statements.count == 0  # nothing is written before the end of the batch
        postgres = database_url.startswith("postgresql")
        assert statements.count == (1 if postgres else 3)
        assert audit.id is not None and audit.occurred_at is not None  # defaults filled in
        assert audit.changes == {} and audit.backfilled is False
        assert inserted == [audit]  # insert listeners (metrics) hear of facts too
    async with sessionmaker() as session:
        assert await _count(session, WebhookDelivery) == 1
        row = await session.get(AuditEvent, audit.id)
        assert row is not None and row.occurred_at == audit.occurred_at
        versions = await read_versions(session)
    for table in ("audit_events", "outbox_events", "webhook_deliveries"):
        assert versions[table] == before.get(table, 0) + 1


async def _refused(session: AsyncSession) -> None:
    async with facts.batched(session):
        facts.add(session, _event())
        raise RuntimeError("refused")


async def test_a_batch_that_fails_writes_nothing_and_outside_one_facts_are_added(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        with pytest.raises(RuntimeError):
            await _refused(session)
        assert not facts.batching(session)
        event = _event()
        facts.add(session, event)
        assert event in session.new
    async with sessionmaker() as session:
        assert await _count(session, OutboxEvent) == 1


async def test_a_last_batch_raises_the_data_versions_in_its_statement_on_postgresql(
    sessionmaker: async_sessionmaker[AsyncSession], statements: StatementCounter, database_url: str
) -> None:
    async with sessionmaker() as session:
        before = await read_versions(session)
    async with sessionmaker.begin() as session:
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(), url="https://example.com/h", event_types=[], secret="s"
        )
        session.add(endpoint)
        statements.count = 0
        async with facts.batched(session, last=True):
            event = _event()
            facts.add(session, event)
            facts.add(session, _delivery(event, endpoint))
    postgres = database_url.startswith("postgresql")
    # the endpoint (flushed first), the facts (with the versions on PostgreSQL), the versions
    assert statements.count == (2 if postgres else 4)
    async with sessionmaker() as session:
        versions = await read_versions(session)
    for table in ("outbox_events", "webhook_deliveries", "webhook_endpoints"):
        assert versions[table] == before.get(table, 0) + 1


async def test_a_batch_of_a_shape_seen_before_is_not_compiled_again(
    sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    """The facts and the versions statements are cached compiled (a multi-row VALUES is not:
    SQLAlchemy compiled it on every execution, ~3 ms of an acceptance, issue 14)."""
    hits: list[tuple[str, CacheStats]] = []

    def note(_conn: object, _cursor: object, statement: str, *args: object) -> None:
        context = args[1]
        if "INSERT" in statement:
            hits.append((statement, getattr(context, "cache_hit", CacheStats.NO_CACHE_KEY)))

    for _ in range(2):
        hits.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", note)
        try:
            async with sessionmaker.begin() as session, facts.batched(session, last=True):
                for _ in range(2):
                    facts.add(session, _event())
                audit = AuditEvent(operation="x", object_type="T", object_id="1", actor_role="a")
                facts.add(session, audit)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert hits and all(hit is CacheStats.CACHE_HIT for _, hit in hits), hits
    assert any("data_versions" in statement for statement, _ in hits)
