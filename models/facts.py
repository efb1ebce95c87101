"""Facts written together: the append-only rows of a use case in one statement (issue 14).

Facts (audit events, documents, acceptances, outbox events and their deliveries, tier history,
stored blobs) are written once and never changed, so they need no unit of work. Inside
`batched`, `add` and `put` queue them and the end of the block writes them: on PostgreSQL in
one statement (an INSERT per table, joined as WITH clauses, its rows one JSON parameter:
models/fact_rows.py; foreign keys are checked at the end of the statement), elsewhere one
INSERT per table in foreign-key order, run for each of its rows.
Outside a batch they are written as before (`session.add`, or `put`'s INSERT at once).
New rows of state tables made by the same use case (an agreement, a membership: `add_new`) are
written with them, as they are when the batch ends, then kept by the session as loaded.
The rows are complete (ids and defaults filled in), so the queued objects show what was written.
A statement is built once per shape (dialect, tables) and reused, its values bound.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from sqlalchemy import Insert, Table, inspect
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from models.base import Base
from models.fact_objects import row_of
from models.fact_rows import encode, insert_rows
from models.versions import note_written, raise_versions, take_written
from rules.bounded_cache import BoundedCache

FACTS = "partnergraph.facts"
"""Session.info key of the batch being collected: (table, row, idempotent, object) in order; a
new state row (add_new) has no row yet (None): it is read from its object at the end."""
CONFLICTS = "partnergraph.facts.conflicts"
"""Session.info key of the errors a unique-key violation of a new state row's table raises."""
Row = dict[str, Any]
Shape = tuple[str, tuple[tuple[str, bool], ...], bool]
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
        queued.append((fact.__table__, row_of(fact), False, fact))


def add_new(session: AsyncSession, obj: Base, conflict: Exception | None = None) -> None:
    """Add a new row of a state table (an agreement, a membership) made by this transaction.

    In a batch it is written with the facts, as it is when the batch ends (on PostgreSQL in
    their statement: no flush of its own), then kept by the session as loaded, so a later
    change is an UPDATE; a violation of a unique key of its table raises `conflict` (None: the
    IntegrityError). When the batch also writes new rows of other tables, the first added is
    written first, so its key decides which violation a race reports. Outside a batch it is
    added to the session (the caller flushes it to check its keys).
    """
    queued = session.info.get(FACTS)
    if queued is None:
        session.add(obj)
        return
    table = cast(Table, obj.__table__)
    queued.append((table, None, False, obj))
    if conflict is not None:
        session.info.setdefault(CONFLICTS, {})[table.name] = conflict


def queued_new(session: AsyncSession, model: type[Base], ident: object) -> Base | None:
    """A new state row of `model` with this id waiting in the batch (add_new), else None."""
    for _, row, _, fact in session.info.get(FACTS, ()):
        if row is None and type(fact) is model and getattr(fact, "id", None) == ident:
            return fact
    return None


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
        await _write(session, session.info.pop(FACTS), last, session.info.pop(CONFLICTS, {}))
    finally:
        session.info.pop(FACTS, None)
        session.info.pop(CONFLICTS, None)


def _order(table: Table) -> int:
    if not _ORDER:
        _ORDER.update({t: n for n, t in enumerate(Base.metadata.sorted_tables)})
    return _ORDER[table]


async def _write(
    session: AsyncSession,
    queued: list[tuple[Table, Row | None, bool, Any]],
    last: bool,
    conflicts: dict[str, Exception],
) -> None:
    groups: dict[tuple[Table, bool], list[Row]] = {}
    new: list[Base] = []  # new state rows, in the order added
    states: list[Table] = []
    for table, row, idempotent, fact in queued:
        if row is None:
            row = row_of(fact)
            new.append(fact)
            states.append(table)
        rows = groups.setdefault((table, idempotent), [])
        if not idempotent or row not in rows:
            rows.append(row)
    ordered = sorted(
        groups.items(),
        key=lambda g: (_rank(g[0][0], states), _order(g[0][0]), not g[0][1]),
    )
    if states and session.get_bind().dialect.name == "postgresql":
        # WITH clauses run after the main statement, the last first: the first added is last
        ordered = [g for g in ordered if g[0][0] not in states] + [
            g for g in reversed(ordered) if g[0][0] in states
        ]
    await session.flush()  # the state rows the facts name (an agreement changed)
    if ordered:
        try:
            await _execute(session, [(t, rows, idem) for (t, idem), rows in ordered], last)
        except IntegrityError as exc:
            conflict = conflicts.get(_violated_table(exc) or "")
            if conflict is None:
                raise
            raise conflict from exc
    for fact in new:  # written: the session keeps them as loaded
        make_transient_to_detached(fact)
        session.add(fact)
    connection = (await session.connection()).sync_connection
    for *_, fact in queued:  # listeners of inserts hear of these too (metrics)
        mapper = inspect(type(fact)) if fact is not None else None
        if mapper is not None and mapper.dispatch.after_insert:
            mapper.dispatch.after_insert(mapper, connection, inspect(fact))


def _rank(table: Table, states: list[Table]) -> int:
    """New state rows before the facts that name them (on SQLite, one INSERT per table), in
    the order they were added."""
    return states.index(table) if table in states else len(states)


def _violated_table(exc: IntegrityError) -> str | None:
    """The table whose constraint a write violated: PostgreSQL names it, SQLite says
    `UNIQUE constraint failed: table.column, ...`."""
    table = getattr(getattr(exc.orig, "diag", None), "table_name", None)
    if isinstance(table, str):
        return table
    found = re.search(r"constraint failed: (\w+)\.", str(exc.orig))
    return found.group(1) if found else None


def _statements(dialect: str, shape: Shape) -> list[Insert]:
    """The statements of a batch's shape: on PostgreSQL one (an INSERT per table in a WITH
    clause, its rows one parameter), elsewhere one per table (executed for each of its rows)."""
    found = _SHAPES.entries.get(shape)
    if found is None:
        tables = Base.metadata.tables
        if dialect == "postgresql":
            found = [
                insert_rows(tables[name], idempotent, f"f{n}")
                for n, (name, idempotent) in enumerate(shape[1])
            ]
        else:  # the values of each row name its columns
            found = [
                sqlite.insert(tables[name]).on_conflict_do_nothing()
                if idempotent
                else sqlite.insert(tables[name])
                for name, idempotent in shape[1]
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
    bind = session.get_bind().dialect
    dialect = bind.name
    note_written(session.sync_session, [table.name for table, _, _ in groups])
    versions = take_written(session.sync_session) if last and dialect == "postgresql" else []
    parts = tuple((table.name, idem) for table, _, idem in groups)
    statements = _statements(dialect, (dialect, parts, bool(versions)))
    if dialect != "postgresql":  # one statement per table, run for each of its rows
        for statement, (_, rows, _) in zip(statements, groups, strict=True):
            await session.execute(statement, rows if len(rows) > 1 else rows[0])
        return
    params: Row = {}
    for n, (table, rows, _) in enumerate(groups):
        params.update(encode(table, rows, bind, f"f{n}"))
    if versions:  # raised in this statement: the transaction's last write
        values = raise_versions(dialect, versions)[1]
        assert isinstance(values, dict)
        params.update(values)
    (statement,) = statements
    await session.execute(statement, params)
