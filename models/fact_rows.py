"""A table's rows as one JSON parameter of an INSERT on PostgreSQL (issue 14).

The facts statement (models/facts.py) had a parameter for every value of every row: over 80
for an acceptance, in 4.7 KB of text, so psycopg parsed the query again on every run (it keeps
the parsed form only of queries up to 4096 bytes with at most 50 parameters) and dumped each
value apart. Here each table's rows are one `json` parameter read with
`json_populate_recordset(NULL::table, ...)`: the statement is short, has a parameter per table
whatever the row count, and psycopg keeps it parsed (it prepares it either way).

Each value goes through its column type's bind processing as before (a UTC timestamp, an
enum's value, JSON serialised by the engine's serializer), then into JSON that PostgreSQL
reads with the column's own input function: timestamps, dates, UUIDs, numerics and floats as
strings. A JSON column's value is its serialised text as a JSON string, cast back in the
statement: the text is kept as written, and a JSON `null` stays JSON `null` (populate would
read it as SQL NULL). A bytes column's values are a parameter of their own, one `bytea[]`
that psycopg sends in binary (models/db.BinaryListDumper), indexed by the JSON row's ordinality.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Insert,
    LargeBinary,
    Table,
    bindparam,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Null
from sqlalchemy.types import TypeDecorator, TypeEngine

from rules.bounded_cache import BoundedCache

Row = dict[str, Any]
_Column = tuple[str, str, Callable[[Any], Any] | None]
"""A column's row key, name and bind processor (None: none)."""
_Columns = tuple[list[_Column], list[tuple[str, str]]]
"""A table's columns read from the JSON rows, and its bytes columns (key, name)."""
_COLUMNS: BoundedCache[tuple[Table, str], _Columns] = BoundedCache(256)
_PLAIN = frozenset({str, int, bool})
_TEXT: dict[type, Callable[[Any], str]] = {
    UUID: str,
    datetime: datetime.isoformat,
    date: date.isoformat,
    time: time.isoformat,
    Decimal: str,
    float: repr,  # inf and nan too, which JSON has not
}
_DIALECT = PGDialect()  # type: ignore[no-untyped-call]
_QUOTE = _DIALECT.identifier_preparer


def insert_rows(table: Table, idempotent: bool, param: str) -> Insert:
    """An INSERT of the rows of `table` bound as one JSON parameter named `param` (`encode`
    makes its values), its columns in the table's order; ON CONFLICT DO NOTHING if
    `idempotent`. A bytes column's values are one `bytea[]` parameter (`{param}_{name}`), the
    n-th row's at n: as hex in the JSON they would cost milliseconds more. The SELECT is text:
    SQLAlchemy would label every column in a WITH clause, and the statement must stay under
    psycopg's 4096 bytes to be kept parsed."""
    names = [c.name for c in table.columns]
    binds = [bindparam(param, type_=JSON)]
    values = []
    for column in table.columns:
        name = _QUOTE.quote(column.name)
        if isinstance(column.type, JSON):  # its text, a JSON string: cast back
            kind = column.type.compile(dialect=_DIALECT)
            values.append(f"CAST({name} #>> '{{}}' AS {kind})")
        elif _binary(column.type):
            files = f"{param}_{column.name}"
            binds.append(bindparam(files))  # a list of bytes, dumped by psycopg as it is
            values.append(f"(CAST(:{files} AS BYTEA[]))[ordinality]")
        else:
            values.append(name)
    rowtype = _QUOTE.format_table(table)
    rows = text(  # names from the table's metadata, quoted; the values are bound
        f"SELECT {', '.join(values)} FROM json_populate_recordset(NULL::{rowtype}, :{param})"  # noqa: S608
        " WITH ORDINALITY"
    )
    source = rows.bindparams(*binds).columns()
    statement = postgresql.insert(table).from_select(names, source)
    return statement.on_conflict_do_nothing() if idempotent else statement


def encode(table: Table, rows: list[Row], dialect: Dialect, param: str) -> Row:
    """The parameters of `insert_rows(table, ..., param)` for `rows` (keyed by column key,
    every column)."""
    found = _COLUMNS.entries.get((table, dialect.name))
    if found is None:
        found = _COLUMNS.put((table, dialect.name), _columns(table, dialect))
    columns, binary = found
    encoded = []
    for row in rows:
        out: Row = {}
        for key, name, process in columns:
            value = row[key]
            if process is not None:  # JSON's too: None may be JSON null
                value = process(value)
            if value is not None and type(value) not in _PLAIN:
                value = _plain(value)
            out[name] = value
        encoded.append(out)
    params: Row = {param: encoded}
    for key, name in binary:
        params[f"{param}_{name}"] = [row[key] for row in rows]
    return params


def _binary(kind: TypeEngine[Any]) -> bool:
    return isinstance(kind, LargeBinary) or (
        isinstance(kind, TypeDecorator) and isinstance(kind.impl_instance, LargeBinary)
    )


def _columns(table: Table, dialect: Dialect) -> _Columns:
    columns: list[_Column] = []
    binary: list[tuple[str, str]] = []
    for column in table.columns:
        kind = column.type
        if _binary(kind):
            binary.append((column.key, column.name))
            continue
        process: Callable[[Any], Any] | None
        if isinstance(kind, JSON):
            process = _json_text(kind, getattr(dialect, "_json_serializer", None) or json.dumps)
        else:
            process = kind.dialect_impl(dialect).bind_processor(dialect)
        columns.append((column.key, column.name, process))
    return columns, binary


def _json_text(kind: JSON, serialize: Callable[[Any], str]) -> Callable[[Any], str | None]:
    """A JSON column's text as psycopg sends it (the engine's serializer, else json.dumps),
    None for SQL NULL (`null()`, or None when the column's `none_as_null`)."""

    def text(value: Any) -> str | None:
        if value is JSON.NULL:
            value = None
        elif isinstance(value, Null) or (value is None and kind.none_as_null):
            return None
        return serialize(value)

    return text


def _plain(value: object) -> object:
    """A bound value as JSON that PostgreSQL reads with the column's input function."""
    found = _TEXT.get(type(value))
    if found is None:
        if isinstance(value, str | int):  # a subclass (StrEnum, IntEnum, bool): JSON's own
            return value
        found = next((form for kind, form in _TEXT.items() if isinstance(value, kind)), None)
        if found is None:
            raise TypeError(f"no JSON form for a bound {type(value).__name__}")
    return found(value)
