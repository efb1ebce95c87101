"""Facts written together: the append-only rows of a use case in one statement (issue 14).

Facts (audit events, documents, acceptances, outbox events and their deliveries, tier history,
stored blobs) are written once and never changed, so they need no unit of work. Inside
`batched`, `add` and `put` queue them and the end of the block writes them: on PostgreSQL in
one statement (each row a one-row INSERT, joined as WITH clauses: SQLAlchemy caches their
compiled form, not a multi-row VALUES; foreign keys are checked at the end of the statement),
elsewhere one INSERT per table in foreign-key order, run for each of its rows.
Outside a batch they are written as before (`session.add`, or `put`'s INSERT at once).
The rows are complete (ids and defaults filled in), so the queued objects show what was written.
A statement is built once per shape (tables, row counts, dialect) and reused, its values bound.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Insert, Table, bindparam, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import Base
from models.versions import note_written, raise_versions, take_written
from rules.bounded_cache import BoundedCache

FACTS = "partnergraph.facts"
"""Session.info key of the batch being collected: (table, row, idempotent, object) in order."""
Row = dict[str, Any]
Shape = tuple[str, tuple[tuple[str, int, bool], ...], bool]
_SHAPES: BoundedCache[Shape, list[Insert]] = BoundedCache(256)
_ORDER: dict[Table, int] = {}


def batching(session: AsyncSession) -> bool:
    """Whether facts added to `session` now wait for the end of a batch."""
    return FACTS in session.info


def add(session: AsyncSession, fact: Base) -> None:
    """Add an append-only row: queued in a batch, else to the session."""
    queued = session.info.get(FACTS)
    if queued is None:
        session.add(fact)
    else:
        queued.append((fact.__table__, _row(fact), False, fact))


async def put(session: AsyncSession, table: Table, row: Row) -> None:
    """Write an immutable row unless its key is there (ON CONFLICT DO NOTHING): queued in a
    batch, else at once."""
    queued = session.info.get(FACTS)
    if queued is None:
        await _execute(session, [(table, [row], True)])
    else:
        queued.append((table, row, True, None))


@asynccontextmanager
async def batched(session: AsyncSession, *, last: bool = False) -> AsyncIterator[None]:
    """Collect the facts added in the block and write them when it ends without an error.

    `last`: the transaction writes nothing after the block, so on PostgreSQL the same statement
    raises the data versions of every table it wrote (models/versions.py; one statement less).
    """
    if batching(session):  # nested: the outer batch writes them
        yield
        return
    session.info[FACTS] = []
    try:
        yield
        await _write(session, session.info.pop(FACTS), last)
    finally:
        session.info.pop(FACTS, None)


def _row(fact: Base) -> Row:
    """Every column of an ORM object, its Python-side defaults applied (and set on it)."""
    values = inspect(fact).dict
    row: Row = {}
    for prop in inspect(type(fact)).column_attrs:
        column = prop.columns[0]
        default = column.default
        if prop.key in values:
            value = values[prop.key]
        elif default is not None and (default.is_callable or default.is_scalar):
            arg = default.arg
            value = arg(None) if default.is_callable else arg
            setattr(fact, prop.key, value)
        else:
            value = None
        row[column.key] = value
    return row


def _order(table: Table) -> int:
    if not _ORDER:
        _ORDER.update({t: n for n, t in enumerate(Base.metadata.sorted_tables)})
    return _ORDER[table]


async def _write(
    session: AsyncSession, queued: list[tuple[Table, Row, bool, Any]], last: bool
) -> None:
    groups: dict[tuple[Table, bool], list[Row]] = {}
    for table, row, idempotent, _ in queued:
        rows = groups.setdefault((table, idempotent), [])
        if not idempotent or row not in rows:
            rows.append(row)
    ordered = sorted(groups.items(), key=lambda g: (_order(g[0][0]), not g[0][1]))
    await session.flush()  # the state rows the facts name (agreement, membership)
    if ordered:
        await _execute(session, [(t, rows, idem) for (t, idem), rows in ordered], last)
    connection = (await session.connection()).sync_connection
    for *_, fact in queued:  # listeners of inserts hear of these too (metrics)
        mapper = inspect(type(fact)) if fact is not None else None
        if mapper is not None and mapper.dispatch.after_insert:
            mapper.dispatch.after_insert(mapper, connection, inspect(fact))


def _insert(table: Table, idempotent: bool, prefix: str) -> Insert:
    """A PostgreSQL INSERT of one row of `table`, every value a parameter named after `prefix`
    (one row: SQLAlchemy cannot cache a multi-row VALUES, and compiled the batch every time)."""
    row = {c.key: bindparam(f"{prefix}{c.key}", type_=c.type) for c in table.columns}
    pg = postgresql.insert(table).values(row)
    return pg.on_conflict_do_nothing() if idempotent else pg


def _statements(dialect: str, shape: Shape) -> list[Insert]:
    """The statements of a batch's shape: on PostgreSQL one (each row an INSERT in a WITH
    clause), elsewhere one per table (executed for each of its rows)."""
    found = _SHAPES.entries.get(shape)
    if found is None:
        tables = Base.metadata.tables
        if dialect == "postgresql":
            found = [
                _insert(tables[name], idempotent, f"f{n}_{r}_")
                for n, (name, count, idempotent) in enumerate(shape[1])
                for r in range(count)
            ]
        else:  # the values of each row name its columns
            found = [
                sqlite.insert(tables[name]).on_conflict_do_nothing()
                if idempotent
                else sqlite.insert(tables[name])
                for name, _, idempotent in shape[1]
            ]
        if shape[2]:
            found.append(raise_versions(dialect, [])[0])
        if dialect == "postgresql" and len(found) > 1:
            last = found[-1].add_cte(*(s.cte(f"fact_{n}") for n, s in enumerate(found[:-1])))
            found = [last]
        _SHAPES.put(shape, found)
    return found


async def _execute(
    session: AsyncSession, groups: list[tuple[Table, list[Row], bool]], last: bool = False
) -> None:
    dialect = session.get_bind().dialect.name
    note_written(session.sync_session, [table.name for table, _, _ in groups])
    versions = take_written(session.sync_session) if last and dialect == "postgresql" else []
    parts = tuple((table.name, len(rows), idem) for table, rows, idem in groups)
    statements = _statements(dialect, (dialect, parts, bool(versions)))
    if dialect != "postgresql":  # one statement per table, run for each of its rows
        for statement, (_, rows, _) in zip(statements, groups, strict=True):
            await session.execute(statement, rows if len(rows) > 1 else rows[0])
        return
    params: Row = {
        f"f{n}_{r}_{k}": v
        for n, (_, rows, _) in enumerate(groups)
        for r, row in enumerate(rows)
        for k, v in row.items()
    }
    if versions:  # raised in this statement: the transaction's last write
        values = raise_versions(dialect, versions)[1]
        assert isinstance(values, dict)
        params.update(values)
    (statement,) = statements
    await session.execute(statement, params)
