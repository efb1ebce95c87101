"""A migration that rebuilds a table on SQLite (batch mode copies it, drops the old one and
renames the copy) keeps the rows that reference it: foreign keys are switched off while the
migrations run and checked once they are done."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from models import migrate
from models.db import make_sync_engine
from tests.databases import sqlite_database
from tests.models.test_notice_migration import DAY, _insert

ORPHANS_ALLOWED = "PRAGMA foreign_keys=OFF"


def _count(url: str, table: str) -> int:
    engine = make_sync_engine(url)
    try:
        with engine.connect() as conn:
            rows = sa.select(sa.func.count()).select_from(sa.table(table))
            return int(conn.execute(rows).scalar_one())
    finally:
        engine.dispose()


def test_rebuilding_agreements_keeps_their_acceptances(fresh_database_url: str) -> None:
    """0018b's downgrade drops columns of `agreements` (a table rebuild on SQLite); with
    foreign keys on, dropping the old table deleted every acceptance by cascade."""
    migrate.upgrade(fresh_database_url, "0018b")
    engine = make_sync_engine(fresh_database_url)
    partner_id, program_id, agreement_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    try:
        meta = sa.MetaData()
        meta.reflect(engine, only=["partners", "programs", "agreements", "acceptances"])
        with engine.begin() as conn:
            _insert(conn, meta.tables["partners"], id=partner_id)
            _insert(conn, meta.tables["programs"], id=program_id, slug="p")
            _insert(
                conn,
                meta.tables["agreements"],
                id=agreement_id,
                kind="a",
                partner_id=partner_id,
                program_id=program_id,
                effective_on=DAY,
            )
            _insert(conn, meta.tables["acceptances"], agreement_id=agreement_id)
    finally:
        engine.dispose()
    migrate.downgrade(fresh_database_url, "0016b")
    assert _count(fresh_database_url, "acceptances") == 1
    migrate.upgrade(fresh_database_url)
    assert (
        _count(fresh_database_url, "agreements"),
        _count(fresh_database_url, "acceptances"),
    ) == (
        1,
        1,
    )


def test_a_migration_that_leaves_orphans_is_rolled_back(tmp_path: Path) -> None:
    """The check after the migrations: rows whose parent is gone refuse the whole run (SQLite
    only; PostgreSQL keeps its constraints on during DDL)."""
    with sqlite_database(tmp_path) as url:
        migrate.upgrade(url, "0018b")
        engine = make_sync_engine(url)
        event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute(ORPHANS_ALLOWED))
        try:
            meta = sa.MetaData()
            meta.reflect(engine, only=["acceptances"])
            with engine.begin() as conn:
                _insert(conn, meta.tables["acceptances"], agreement_id=uuid.uuid4())
        finally:
            engine.dispose()
        with pytest.raises(migrate.ForeignKeyViolationError, match="acceptances"):
            migrate.upgrade(url)
        engine = make_sync_engine(url)
        try:
            with engine.connect() as conn:
                version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        finally:
            engine.dispose()
        assert version == "0018b"
