"""Plain records: the columns a read needs as named tuples, without building ORM objects.

A hot read path (the dashboard's nested lists, issue 14) selects a model's columns through
`Columns` and gets tuples named like the model's attributes: no identity map, no instance
state, no instrumented attribute on every read. A record declares only the attributes its
readers use, with the model's types (tests/models/test_records.py compares them), so type checking
proves that no reader needs a column the record does not carry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Result, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models.versions import note_read

R = TypeVar("R")


@dataclass(frozen=True, eq=False)
class Columns(Generic[R]):
    """Which attributes of `model` to read, and the record each result row makes: for a
    NamedTuple `Record`, `Columns(Model, Record._fields, Record._make)`. `computed` reads a
    field that is not an attribute from an SQL expression (e.g. a JSON column as its text, for
    the record to parse only when asked)."""

    model: type[Any]
    names: tuple[str, ...]
    make: Callable[[Iterable[Any]], R]
    computed: Mapping[str, Callable[[], ColumnElement[Any]]] = field(default_factory=dict)

    @property
    def attributes(self) -> list[QueryableAttribute[Any] | ColumnElement[Any]]:
        """The model's attributes (or computed expressions), in the record's field order."""
        return [
            self.computed[name]().label(name)
            if name in self.computed
            else getattr(self.model, name)
            for name in self.names
        ]

    def narrow(self, query: Select[Any]) -> Select[Any]:
        """`query` selecting only these columns (same FROM, WHERE and ORDER BY)."""
        return query.with_only_columns(*self.attributes)

    def require(self, attributes: Sequence[QueryableAttribute[Any]]) -> None:
        """Fail early when a caller groups or sorts by an attribute the record lacks."""
        missing = [a.key for a in attributes if a.key not in self.names]
        assert not missing, f"{self.model.__name__} record lacks {missing}"


async def read_rows(
    session: AsyncSession, stmt: Select[Any], params: Mapping[str, Any] | None = None
) -> Result[Any]:
    """The rows of a column SELECT, run on the session's connection in its transaction: the
    same rows as `session.execute`, without the ORM's execution and row processing (about a
    third of a 300-row read's CPU, issue 14). What the session does around an execution
    still happens: pending changes are flushed first, and the tables read are noted for the
    response cache (`models.versions.note_read`)."""
    sync = session.sync_session
    if sync.autoflush and (sync.new or sync.dirty or sync.deleted):
        await session.flush()
    note_read(sync, stmt)
    connection = await session.connection()
    result: Result[Any] = await connection.execute(stmt, params)
    return result


async def read_records(
    session: AsyncSession,
    shape: Columns[R],
    stmt: Select[Any],
    params: Mapping[str, Any] | None = None,
) -> list[R]:
    """The records of a statement selecting `shape`'s columns in order."""
    make = shape.make
    return [make(row) for row in await read_rows(session, stmt, params)]
