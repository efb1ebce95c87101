"""Alembic migrations, run programmatically (`partnergraph db upgrade`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
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


def _run(url: str | URL, step: Callable[[Config, str], None], revision: str) -> None:
    engine = make_sync_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            step(config, revision)
    finally:
        engine.dispose()


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Migrate the database up to `revision`."""
    _run(url, command.upgrade, revision)


def downgrade(url: str | URL, revision: str = "base") -> None:
    """Migrate the database down to `revision`."""
    _run(url, command.downgrade, revision)
