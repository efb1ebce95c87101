"""The outbox reads the webhook endpoints once per transaction (issue 14: acceptAgreement
emits three events) and still sees an endpoint registered earlier in the same transaction."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import WebhookDelivery, WebhookEndpoint
from services.webhooks.outbox import emit

pytestmark = pytest.mark.anyio


def _endpoint(types: list[str]) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=uuid.uuid4(), url="https://hooks.example.com/", event_types=types, secret="s" * 32
    )


async def test_endpoints_are_read_once_per_transaction(
    sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    """Three events of one transaction: one read of the endpoints, a delivery for each event
    an endpoint wants, including one registered between two events; a new transaction reads
    them again."""
    async with sessionmaker.begin() as session:
        session.add(_endpoint(["document.generated", "agreement.accepted"]))
    reads: list[str] = []

    def note(*args: object) -> None:
        if "FROM webhook_endpoints" in str(args[2]):
            reads.append("read")

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        async with sessionmaker.begin() as session:
            first = await emit(session, "document.generated", None, {})
            second = await emit(session, "tier.changed", None, {})
            assert len(reads) == 1
            session.add(_endpoint(["agreement.accepted"]))
            third = await emit(session, "agreement.accepted", None, {})
        async with sessionmaker.begin() as session:
            await emit(session, "tier.changed", None, {})
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
    assert len(reads) == 3
    async with sessionmaker() as session:
        deliveries = list(await session.scalars(select(WebhookDelivery.event_id)))
    assert sorted(map(str, deliveries)) == sorted(map(str, [first.id, third.id, third.id]))
    assert second.id not in deliveries
