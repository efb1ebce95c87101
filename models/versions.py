"""Data versions: a counter per table, raised in the transaction of every write to it.

A cached read is valid while the versions of the tables it read are unchanged. Every ORM
session counts the tables it writes (flushed objects and bulk INSERT/UPDATE/DELETE) and, just
before COMMIT, raises their versions in one statement, in table-name order (the last lock the
transaction takes, so writers never deadlock on it). Writes made outside an ORM session (raw
connections, COPY) are not counted: the benchmark's generator is the only such writer.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Insert, Integer, String, Table, bindparam, event, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, UOWTransaction, mapped_column
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from models.base import Base

UNVERSIONED = frozenset({"data_versions", "rate_buckets", "idempotency_keys"})
"""Bookkeeping of the edge that no answer shows (a version bump there would only churn)."""
WRITTEN = "partnergraph.written_tables"
READ_TABLES = "partnergraph.read_tables"
"""Session.info key of the set collecting the tables a cached request reads ("*": unknown)."""


class DataVersion(Base):
    """How many committed transactions wrote a table."""

    __tablename__ = "data_versions"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def note_written(session: Session, tables: Iterable[str]) -> None:
    """Count `tables` as written by the session's transaction (its versions are raised)."""
    written = {t for t in tables if t not in UNVERSIONED}
    if written:
        session.info.setdefault(WRITTEN, set()).update(written)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    tables = []
    for obj in [*session.new, *session.dirty, *session.deleted]:
        table = getattr(obj, "__table__", None)
        if table is not None:
            tables.append(table.name)
    note_written(session, tables)


def note_read(session: Session, statement: object, is_select: bool = True) -> None:
    """Count the tables `statement` reads, when the session collects them (READ_TABLES):
    every ORM execution does (below); so must a read run on the session's connection."""
    read = session.info.get(READ_TABLES)
    if read is not None:
        names: set[str] = set()
        if is_select and isinstance(statement, ClauseElement):
            found = find_tables(
                statement, include_aliases=True, include_joins=True, include_selects=True
            )
            names = {t.name for t in found if isinstance(t, Table)}
        read.update(names or {"*"})  # "*": a statement whose tables are unknown


def note_tables_read(session: Session, tables: Iterable[str]) -> None:
    """Count `tables` as read, when the session collects them (READ_TABLES): for a statement
    written as text, whose tables its builder knows."""
    read = session.info.get(READ_TABLES)
    if read is not None:
        read.update(tables)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    note_read(state.session, state.statement, state.is_select)
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None:
            note_written(state.session, [table.name])


def take_written(session: Session) -> list[str]:
    """The tables written and not counted yet, in name order; the caller raises their versions
    (`raise_versions`) as the transaction's last write."""
    return sorted(session.info.pop(WRITTEN, ()))


_RAISES: dict[str, Insert] = {}
Values = dict[str, object] | list[dict[str, object]]


def raise_versions(dialect: str, tables: list[str]) -> tuple[Insert, Values]:
    """The statement raising the versions of `tables` (in name order), and its values; built
    once per dialect and cacheable (a multi-row VALUES is not: SQLAlchemy compiled it again on
    every execution). PostgreSQL: one INSERT of the unnested names, whatever their count;
    SQLite: one row's upsert, executed for each name."""
    statement = _RAISES.get(dialect)
    if statement is None:
        table: Table = DataVersion.__table__  # type: ignore[assignment]
        if dialect == "postgresql":
            names = func.unnest(
                bindparam("version_tables", type_=postgresql.ARRAY(String(64)))
            ).table_valued("name")
            source = select(names.c.name, literal(1, Integer)).order_by(names.c.name)
            pg = postgresql.insert(table).from_select(["table_name", "version"], source)
            statement = pg.on_conflict_do_update(
                index_elements=["table_name"], set_={"version": table.c.version + 1}
            )
        else:
            row = {"table_name": bindparam("version_table", type_=String(64)), "version": 1}
            statement = (
                sqlite.insert(table)
                .values(row)
                .on_conflict_do_update(
                    index_elements=["table_name"], set_={"version": table.c.version + 1}
                )
            )
        _RAISES[dialect] = statement
    if dialect == "postgresql":
        return statement, {"version_tables": sorted(tables)}
    return statement, [{"version_table": name} for name in sorted(tables)]


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()
    written = take_written(session)
    if not written:
        return
    connection = session.connection()
    connection.execute(*raise_versions(connection.dialect.name, written))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(WRITTEN, None)


async def read_versions(session: AsyncSession) -> dict[str, int]:
    """The current version of every table written so far (absent: never written, 0)."""
    rows = await session.execute(select(DataVersion.table_name, DataVersion.version))
    return {name: int(version) for name, version in rows}
