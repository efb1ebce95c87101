"""Rows bound as one JSON parameter (models/fact_rows.py) are stored exactly as single-row
INSERTs of their values store them, whatever the column type (PostgreSQL only)."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
    insert,
    null,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine

from models.base import UTCDateTime, enum_column
from models.fact_rows import encode, insert_rows

pytestmark = pytest.mark.anyio


class Colour(enum.Enum):
    RED = "red"
    DARK_BLUE = "dark blue"


class Shade(enum.StrEnum):
    LIGHT = "light"


SCRATCH = Table(
    "fact_rows_scratch",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("uid", Uuid),
    Column("at", UTCDateTime),
    Column("on", Date),
    Column("amount", Numeric(20, 4)),
    Column("doc", JSON),
    Column("doc_null", JSON(none_as_null=True)),
    Column("data", LargeBinary),
    Column("flag", Boolean),
    Column("colour", enum_column(Colour, "colour")),
    Column("code", String(8)),
    Column("note", Text),
    Column("big", BigInteger),
    Column("ratio", Float),
)

ROWS: list[dict[str, Any]] = [
    {
        "uid": uuid.UUID(int=7),
        "at": datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2))),
        "on": date(1999, 12, 31),
        "amount": Decimal("1E+2"),
        "doc": {"b": [1, 2.5, None], "a": 'é "quoted" \\ \n', "n": 10**20},
        "doc_null": {"x": None},
        "data": b"\x00\xffPK\x03\x04\\x",
        "flag": True,
        "colour": Colour.DARK_BLUE,
        "code": "o'k; --",
        "note": "line\nbreak\ttab \u2603 \U0001f600",
        "big": 2**62,
        "ratio": 0.1,
    },
    {  # JSON null (None) and SQL NULL (none_as_null, null()) kept apart
        "uid": None,
        "at": datetime(2026, 1, 1, tzinfo=UTC),
        "on": None,
        "amount": Decimal("-0.0001"),
        "doc": None,
        "doc_null": None,
        "data": None,
        "flag": False,
        "colour": Colour.RED,
        "code": Shade.LIGHT,
        "note": "",
        "big": -1,
        "ratio": float("-inf"),
    },
    {**dict.fromkeys(SCRATCH.columns.keys()), "doc": null(), "doc_null": "a string"},
]


async def test_rows_as_one_json_parameter_are_stored_as_single_row_inserts(
    engine: AsyncEngine, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the JSON parameter is PostgreSQL's")
    async with engine.begin() as connection:
        await connection.run_sync(SCRATCH.create)
        try:
            for n, row in enumerate(ROWS):  # ids 0.. written one row at a time
                await connection.execute(insert(SCRATCH).values({**row, "id": n}))
            rows = [{**row, "id": 100 + n} for n, row in enumerate(ROWS)]
            statement = insert_rows(SCRATCH, False, "rows")
            await connection.execute(statement, encode(SCRATCH, rows, engine.dialect, "rows"))
            texts = text(
                'SELECT id, to_jsonb(array[uid::text, at::text, "on"::text, amount::text,'
                " doc::text, doc_null::text, data::text, flag::text, colour::text, code::text,"
                " note::text, big::text, ratio::text, pg_typeof(doc)::text, (doc IS NULL)::text,"
                " (doc_null IS NULL)::text])"
                " FROM fact_rows_scratch ORDER BY id"
            )
            stored = {n: values for n, values in await connection.execute(texts)}
            again = await connection.execute(select(SCRATCH.c.doc).where(SCRATCH.c.id == 101))
        finally:
            await connection.run_sync(SCRATCH.drop)
    for n in range(len(ROWS)):
        assert stored[100 + n] == stored[n], n
    assert stored[1][4] == "null" and stored[1][5] is None  # JSON null, SQL NULL
    assert stored[2][4] is None and stored[2][5] == '"a string"'
    assert stored[0][12] == "0.1" and stored[1][12] == "-Infinity" and stored[1][9] == "light"
    assert again.scalar() is None


def test_a_value_without_a_json_form_is_refused() -> None:
    dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
    table = Table("t", MetaData(), Column("id", Integer), Column("when", String))
    with pytest.raises(TypeError):
        encode(table, [{"id": 1, "when": object()}], dialect, "rows")
