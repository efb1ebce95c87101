"""Test databases: a fresh SQLite file, or a throwaway PostgreSQL database, per need."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def in_ci() -> bool:
    """CI sets CI=true; there PostgreSQL is required, never skipped."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_admin_url() -> str | None:
    """Where to create throwaway databases, or None when PostgreSQL tests are not asked for."""
    url = os.environ.get("PARTNERGRAPH_TEST_DATABASE_URL")
    if url:
        return url
    return DEFAULT_POSTGRES if in_ci() else None


def _conninfo(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def check_postgres(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else the reason it does not."""
    try:
        with psycopg.connect(_conninfo(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc).strip() or exc.__class__.__name__
    return None


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; yields its URL."""
    name = f"partnergraph_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield (
            make_url(admin_url)
            .set(drivername="postgresql", database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    """A new SQLite file in `folder`; yields its URL."""
    path = folder / f"partnergraph-{uuid.uuid4().hex[:8]}.db"
    yield f"sqlite:///{path}"
    path.unlink(missing_ok=True)
