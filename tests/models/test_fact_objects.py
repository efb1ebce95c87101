"""Fact objects made from their rows (models/fact_objects.py): the same row as the mapped
constructor gives, written in a batch or by the ORM alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Integer, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models import Agreement, AuditEvent, OutboxEvent, TierChange, fact_objects, facts
from models.base import Base
from models.fact_objects import new, row_of
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.api import create_partner, enroll, program

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


def test_a_new_fact_holds_its_values_and_python_defaults_as_the_constructor_writes_them() -> None:
    values = _values()
    made = new(AuditEvent, **values)
    held = dict(made.__dict__)  # before row_of, which fills what is missing
    assert {k: held[k] for k in values} == values
    assert held["changes"] == {} and held["backfilled"] is False  # scalar and callable defaults
    assert isinstance(held["occurred_at"], datetime)
    assert "request_id" not in held and "fact_date" not in held  # no default: left unset
    built = AuditEvent(**values)
    expected, got = row_of(built), row_of(made)
    assert abs(got.pop("occurred_at") - expected.pop("occurred_at")).total_seconds() < 5
    assert got == expected
    assert made.changes is not new(AuditEvent, **_values()).changes  # called per fact


def test_a_new_fact_refuses_a_name_that_is_not_a_column() -> None:
    with pytest.raises(TypeError, match="colour is not a column of AuditEvent"):
        new(AuditEvent, **_values(), colour="blue")


def test_a_class_with_its_own_constructor_is_refused() -> None:
    """An agreement's constructor also marks its notices loaded: skipping it would lose that."""
    with pytest.raises(TypeError, match="Agreement has its own __init__"):
        new(Agreement, id=uuid.uuid4(), kind="k", version=1)


def test_a_class_listening_to_its_attributes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """An attribute event (a validator, a listener) would not hear a value `new` puts."""

    def heard(*_: Any) -> None:
        return None

    monkeypatch.setattr(fact_objects, "_PLANS", {})
    event.listen(AuditEvent.operation, "set", heard)
    try:
        with pytest.raises(TypeError, match="AuditEvent listens to attribute sets"):
            new(AuditEvent, **_values())
    finally:
        event.remove(AuditEvent.operation, "set", heard)
    monkeypatch.setattr(fact_objects, "_PLANS", {})
    assert new(AuditEvent, **_values()).operation == "agreement.accepted"


class _Other(DeclarativeBase):
    pass


class _Counted(_Other):
    __tablename__ = "counted"
    id: Mapped[int] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, server_default=text("0"))


def test_row_of_refuses_to_write_null_over_a_default_only_the_database_applies() -> None:
    """The batch's INSERT names every column: a missing value would be NULL, not the default."""
    with pytest.raises(TypeError, match=r"_Counted\.hits has a default only the database applies"):
        row_of(cast(Base, _Counted(id=1)))
    assert row_of(cast(Base, _Counted(id=1, hits=3))) == {"id": 1, "hits": 3}


def test_row_of_sets_the_defaults_it_applies_on_the_object() -> None:
    event_ = OutboxEvent(id=uuid.uuid4(), event_type="tier.changed", partner_id=None, payload={})
    row = row_of(event_)
    assert row["created_at"] is event_.created_at and event_.created_at is not None


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
    assert (stored.occurred_at, stored.changes, stored.backfilled, stored.fact_date) == (
        WHEN,
        {"status": [None, "active"]},
        False,
        None,
    )


async def test_an_unset_json_column_is_sql_null_on_every_path(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A tier change without a basis is SQL NULL whether the enrolment ran alone (the unit of
    work writes it) or in a signature's batch (its JSON parameter), so `basis IS NULL` finds
    both."""
    segment = await program(api, "segment-technology")
    alone = await create_partner(api, displayName="Enrolled alone")
    await enroll(api, alone["id"], segment["id"])  # outside a batch
    _, key = await partner_key(api, displayName="Enrolled by signing")
    assert (await accept_segment(api, key))["userErrors"] == []  # in the signature's batch
    async with sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(TierChange))
        unset = await session.scalar(
            select(func.count()).select_from(TierChange).where(TierChange.basis.is_(None))
        )
    assert total == unset == 2
