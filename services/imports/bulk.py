"""Batched inserts of an import: COPY on PostgreSQL (the driver would parse every placeholder
of a multi-row INSERT), executemany elsewhere (SQLite runs it in C)."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from functools import partial
from typing import Any

from psycopg import sql
from sqlalchemy import JSON, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession


def _defaults(table: Table, keys: set[str]) -> dict[str, Callable[[], Any]]:
    """The Python-side defaults of the columns a row leaves out (COPY would not apply them)."""
    out: dict[str, Callable[[], Any]] = {}
    for column in table.columns:
        default: Any = column.default
        if column.key in keys or default is None:
            continue
        if default.is_callable:
            out[column.key] = partial(default.arg, None)
        elif default.is_scalar:
            out[column.key] = partial(lambda v: v, default.arg)
    return out


def _value(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, JSON):
        return json.dumps(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


async def insert_rows(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys) into a table in one batch."""
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await session.execute(insert(table), rows)
        return
    defaults = _defaults(table, set(rows[0]))
    names = [*rows[0], *defaults]
    columns = [table.c[name] for name in names]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c.name) for c in columns)
    )
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            full = {**{k: make() for k, make in defaults.items()}, **row}
            await copy.write_row([_value(c, full[c.key]) for c in columns])
