"""Alembic migrations, run programmatically (`partnergraph db upgrade`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import URL

from models.db import make_sync_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def is_ours(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic `include_name`: procrastinate's tables (PostgreSQL job queue, created by a
    migration from its own schema) are not compared with our models."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate"))


def alembic_config(url: str | URL) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


class ForeignKeyViolationError(RuntimeError):
    """A migration left rows that reference a missing row (SQLite's foreign_key_check)."""


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    # Batch mode rebuilds a table on SQLite (copy, drop the old one, rename the copy); with
    # foreign keys on, the drop deletes or nulls every row referencing the table. The pragma
    # only takes effect outside a transaction, so it is set as the connection opens.
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _migration_engine(url: str | URL) -> Engine:
    engine = make_sync_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _foreign_keys_off)
    return engine


def _run(url: str | URL, step: Callable[[Config, str], None], revision: str) -> None:
    engine = _migration_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            step(config, revision)
            if connection.dialect.name == "sqlite":
                broken = connection.execute(text("PRAGMA foreign_key_check")).all()
                if broken:  # rolls the migration back
                    raise ForeignKeyViolationError(f"rows with a missing parent: {broken[:5]}")
    finally:
        engine.dispose()


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database up to `revision`."""
    _run(url, command.upgrade, revision)


def downgrade(url: str | URL, revision: str = "base") -> None:
    """Migrate the database down to `revision`."""
    _run(url, command.downgrade, revision)
