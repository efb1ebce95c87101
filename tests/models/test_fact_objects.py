"""Fact objects made from their rows (models/fact_objects.py): the same row as the mapped
constructor gives, written in a batch or by the ORM alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Agreement, AuditEvent, OutboxEvent, facts
from models.fact_objects import new, row_of

pytestmark = pytest.mark.anyio
WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _values() -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "operation": "agreement.accepted",
        "object_type": "Agreement",
        "object_id": str(uuid.uuid4()),
        "actor_role": "admin",
    }


def test_a_new_fact_holds_the_row_the_constructor_and_its_defaults_give() -> None:
    values = _values()
    made = new(AuditEvent, **values)
    built = AuditEvent(**values)
    expected = row_of(built)  # the constructor's object, its defaults applied by row_of
    got = row_of(made)
    assert got.keys() == expected.keys()
    assert abs(got.pop("occurred_at") - expected.pop("occurred_at")).total_seconds() < 5
    assert got == expected
    assert made.changes == {} and made.backfilled is False and made.request_id is None
    assert made.changes is not built.changes  # a callable default is called per fact


def test_a_new_fact_refuses_a_name_that_is_not_a_column() -> None:
    with pytest.raises(TypeError, match="colour is not a column of AuditEvent"):
        new(AuditEvent, **_values(), colour="blue")


def test_a_class_with_its_own_constructor_is_refused() -> None:
    """An agreement's constructor also marks its notices loaded: skipping it would lose that."""
    with pytest.raises(TypeError, match="Agreement has its own __init__"):
        new(Agreement, id=uuid.uuid4(), kind="k", version=1)


def test_row_of_sets_the_defaults_it_applies_on_the_object() -> None:
    event = OutboxEvent(id=uuid.uuid4(), event_type="tier.changed", partner_id=None, payload={})
    row = row_of(event)
    assert row["created_at"] is event.created_at and event.created_at is not None


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "orm"])
async def test_a_new_fact_is_written_as_it_holds(
    sessionmaker: async_sessionmaker[AsyncSession], batched: bool
) -> None:
    values = {**_values(), "occurred_at": WHEN, "changes": {"status": [None, "active"]}}
    async with sessionmaker.begin() as session:
        if batched:
            async with facts.batched(session):
                facts.add(session, new(AuditEvent, **values))
        else:  # outside a batch the session's unit of work inserts it
            session.add(new(AuditEvent, **values))
    async with sessionmaker() as session:
        stored = await session.scalar(select(AuditEvent).where(AuditEvent.id == values["id"]))
    assert stored is not None
    assert (stored.occurred_at, stored.changes, stored.backfilled) == (
        WHEN,
        {"status": [None, "active"]},
        False,
    )
