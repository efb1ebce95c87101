"""Migrations: empty -> head -> base on both databases, and models equal the migrated schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import models
from models import migrate
from models.db import make_sync_engine


def _tables(url: str) -> set[str]:
    engine = make_sync_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {n for n in names if migrate.is_ours(n, "table", {})}
    finally:
        engine.dispose()


def test_upgrade_then_downgrade(fresh_database_url: str) -> None:
    assert _tables(fresh_database_url) == set()
    migrate.upgrade(fresh_database_url)
    assert _tables(fresh_database_url) == set(models.Base.metadata.tables)
    migrate.downgrade(fresh_database_url)
    assert _tables(fresh_database_url) == set()


def test_procrastinate_tables_come_with_the_migrations_on_postgresql(
    fresh_database_url: str,
) -> None:
    migrate.upgrade(fresh_database_url)
    engine = make_sync_engine(fresh_database_url)
    try:
        names = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    queue = {n for n in names if n.startswith("procrastinate")}
    expected = {"procrastinate_jobs", "procrastinate_periodic_defers", "procrastinate_workers"}
    if engine.dialect.name == "postgresql":
        assert expected <= queue
    else:
        assert queue == set()  # SQLite runs the jobs in-process
    migrate.downgrade(fresh_database_url)
    engine = make_sync_engine(fresh_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_models_match_migrated_schema(fresh_database_url: str) -> None:
    migrate.upgrade(fresh_database_url)
    engine = make_sync_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": migrate.is_ours}
            )
            diff = compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_stored_file_bytes_are_kept_uncompressed_on_postgresql(database_url: str) -> None:
    """Migration 0024a (issue 14): DOCX and PDF bytes are compressed already; PostgreSQL moves
    them out of line without running pglz over them (storage EXTERNAL, not EXTENDED)."""
    engine = make_sync_engine(database_url)
    try:
        if engine.dialect.name != "postgresql":
            pytest.skip("TOAST storage is PostgreSQL's")
        with engine.connect() as conn:
            storage = conn.scalar(
                text(
                    "SELECT attstorage FROM pg_attribute "
                    "WHERE attrelid = 'stored_files'::regclass AND attname = 'data'"
                )
            )
    finally:
        engine.dispose()
    assert storage == "e"
