"""Batch reads (models/batch.py): one bound array of keys, whatever their count or repeats."""

from __future__ import annotations

import uuid

import pytest
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from sqlalchemy import Uuid, bindparam, event, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from benchmarks import dataset
from models import Agreement, Partner
from models.agreements.queries import agreements_of_partners
from models.batch import keyed, keys_of
from models.partners.queries import memberships_and_tiers_of_partners

pytestmark = pytest.mark.anyio


async def test_a_batch_read_finds_each_key_once_whatever_repeats_or_misses(
    sessionmaker: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    seeded: None,
    database_url: str,
) -> None:
    """Repeated and unknown keys: each key gets its own rows, in one statement."""
    dataset.load(database_url, partners=3, referrals=6)
    async with sessionmaker() as session:
        first, second = (await session.scalars(select(Partner.id).limit(2))).all()
        unknown = uuid.uuid4()
        keys = [first, second, first, unknown]
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            agreements = await agreements_of_partners(session, keys)
            memberships = await memberships_and_tiers_of_partners(session, keys)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 2
    assert agreements[0] and agreements[0] == agreements[2] and agreements[3] == []
    assert {a.partner_id for a in agreements[1]} == {second}
    assert memberships[0] and memberships[0] == memberships[2] and memberships[3] == []
    assert {m.partner_id for m, _tier in memberships[1]} == {second}
    assert keys_of(keys) == {"batch_keys": keys}


def test_postgresql_batch_keys_are_one_array_parameter_not_a_cast_text() -> None:
    """A cast in the statement (text to uuid[]) is evaluated again for every row a generic
    plan compares (a prepared statement's, after five runs): the dashboard's commissions took
    22 ms instead of 3. The keys are one parameter of the array type."""
    column = Agreement.partner_id
    dialect = PGDialect_psycopg()  # type: ignore[no-untyped-call]
    sql = str(keyed(column, "postgresql").compile(dialect=dialect))
    assert sql == "agreements.partner_id = ANY (%(batch_keys)s::UUID[])"


async def test_postgresql_sends_a_list_of_uuids_in_binary(engine: AsyncEngine) -> None:
    """Batch keys and page parents (lists of UUIDs) are dumped in binary, a quarter of the
    text dumper's CPU (issue 14), still as one uuid[] parameter; so are lists of bytes, as one
    bytea[] (models/db.BinaryListDumper); other lists stay text."""
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's parameter formats")
    keys = [uuid.uuid4(), None, uuid.uuid4()]
    async with engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        transformer = Transformer(driver)
        dumper = transformer.get_dumper(keys, PyFormat.AUTO)
        assert dumper.format == pq.Format.BINARY
        assert dumper.oid == driver.adapters.types["uuid"].array_oid
        assert transformer.get_dumper(keys, PyFormat.TEXT).format == pq.Format.TEXT
        files = [b"PK\x03\x04", None, b'\x00{},"']  # a facts statement's (models/fact_rows.py)
        dumper = transformer.get_dumper(files, PyFormat.AUTO)
        assert dumper.format == pq.Format.BINARY
        assert dumper.oid == driver.adapters.types["bytea"].array_oid
        assert transformer.get_dumper(["a"], PyFormat.AUTO).format == pq.Format.TEXT
        assert transformer.get_dumper([], PyFormat.AUTO).format == pq.Format.TEXT
        stmt = select(Partner.id).where(keyed(Partner.id, "postgresql"))
        assert (await conn.execute(stmt, keys_of(keys))).all() == []
        echoed = await conn.scalar(select(bindparam("k", type_=ARRAY(Uuid()))), {"k": keys})
        stored = await conn.scalar(text("SELECT CAST(:f AS BYTEA[])"), {"f": files})
    assert echoed == keys
    assert stored == files
