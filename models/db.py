"""Engines and sessions: an async engine for the app, a sync one for migrations and the CLI."""

from __future__ import annotations

import select
import uuid
from pathlib import Path
from typing import Any

from psycopg.adapt import PyFormat
from psycopg.types.array import BaseListDumper, ListBinaryDumper, ListDumper
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
SYNC_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}


class UnsupportedDatabaseError(ValueError):
    """The URL names a database PartnerGraph does not run on."""


def _with_driver(url: str | URL, drivers: dict[str, str]) -> URL:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in drivers:
        raise UnsupportedDatabaseError(
            f"unsupported database {backend!r}: use sqlite:///path or postgresql://..."
        )
    return parsed.set(drivername=drivers[backend])


def async_url(url: str | URL) -> URL:
    """The URL with the async driver PartnerGraph uses for its backend."""
    return _with_driver(url, ASYNC_DRIVERS)


def sync_url(url: str | URL) -> URL:
    """The URL with the sync driver used by migrations and the CLI."""
    return _with_driver(url, SYNC_DRIVERS)


def ensure_sqlite_folder(url: str | URL) -> None:
    """Create the folder of an SQLite database file, so a fresh clone can start."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


WRITE_OPTIONS = {"sqlite_begin": "IMMEDIATE"}


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is switched off; _sqlite_begin emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Write transactions take the write lock up front (BEGIN IMMEDIATE), so two writers queue
    # on busy_timeout instead of failing when both read first and then write.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _prepare(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)


def _pool_options(url: str | URL) -> dict[str, Any]:
    """Pooled connections are checked before use (a restarted or failed-over database is
    reconnected to without a restart; PostgreSQL's are checked by `_check_idle`, without a
    round trip); PostgreSQL connects give up after 5 seconds, and their sessions run in UTC
    (the server's default may differ; psycopg then hands back timestamps in `datetime.UTC`,
    which `models.base.UTCDateTime` keeps as they are)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        connect: dict[str, Any] = {"connect_timeout": 5}
        if "options" not in parsed.query:  # the operator's own options win
            connect["options"] = "-c TimeZone=UTC"
        return {"connect_args": connect}
    return {"pool_pre_ping": True}


def _check_idle(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled PostgreSQL connection is usable unless the server has closed or written to it
    while it sat idle (a restart, failover or `pg_terminate_backend` sends its FATAL message
    and closes the socket): the pool then replaces it. Checked on the socket, instead of
    the round trip of a pre-ping on every checkout (issue 14)."""
    connection = dbapi_connection.driver_connection
    if connection.closed or connection.broken:
        raise DisconnectionError("the database connection is closed")
    poller = select.poll()  # not select(): descriptors above 1023 are fine
    poller.register(connection.fileno(), select.POLLIN)
    if poller.poll(0):  # readable, hung up or in error
        raise DisconnectionError("the database closed or wrote to an idle connection")


class BinaryListDumper(ListDumper):
    """psycopg's list dumper (text, any element type), except that a list of UUIDs (a batch
    read's keys, a LATERAL page's parents) or of bytes (the files of a facts statement,
    models/fact_rows.py) goes in binary (issue 14). UUIDs: 41 us instead of 156 us for 50, the
    text dumper searching each element with a regular expression. Bytes: as they are, instead
    of hex-escaped and quoted into the array's text. Same parameter types (uuid[], bytea[]),
    so the statements' plans are unchanged."""

    def upgrade(self, obj: list[Any], format: PyFormat) -> BaseListDumper:
        """The binary list dumper for UUIDs and bytes, else the text one."""
        item = self._find_list_element(obj, format) if format is PyFormat.AUTO else None
        if not self.oid and isinstance(item, uuid.UUID | bytes):
            return ListBinaryDumper(self.cls, self._tx).upgrade(obj, format)
        return super().upgrade(obj, format)


def _binary_lists(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.driver_connection.adapters.register_dumper(list, BinaryListDumper)


def make_async_engine(url: str | URL, *, echo: bool = False) -> AsyncEngine:
    """An async engine for the service."""
    ensure_sqlite_folder(url)
    engine = create_async_engine(async_url(url), echo=echo, **_pool_options(url))
    _prepare(engine.sync_engine)
    if engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "checkout", _check_idle)
        event.listen(engine.sync_engine, "connect", _binary_lists)
    return engine


def make_sync_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """A sync engine for migrations, the CLI and tests."""
    ensure_sqlite_folder(url)
    engine = create_engine(sync_url(url), echo=echo)
    _prepare(engine)
    return engine


def make_sessionmaker(
    engine: AsyncEngine, *, write: bool = True
) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit.

    Write sessions begin with the write lock on SQLite (no effect on PostgreSQL). Read
    sessions (`write=False`, a request's reads) never write: on SQLite they begin deferred,
    so readers never block writers; on PostgreSQL they run in autocommit, each statement on
    its own snapshot as at PostgreSQL's default isolation (READ COMMITTED), without the BEGIN
    and ROLLBACK round trips a transaction costs every request (issue 14). A stricter default
    isolation set by an operator so applies to writes only.
    """
    if write:
        bind = engine.execution_options(**WRITE_OPTIONS)
    elif engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
    else:
        bind = engine
    return async_sessionmaker(bind, expire_on_commit=False)
