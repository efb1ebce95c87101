"""procrastinate's job queue (PostgreSQL only): the schema of the pinned procrastinate version

Revision ID: 0016b
Revises: 0019
Create Date: 2026-12-01

The periodic jobs (api/jobs.py) run on procrastinate on PostgreSQL; its tables, types and
functions are created here, from the schema.sql shipped with the pinned version (3.10.0), so
`partnergraph db upgrade` is the only setup. Upgrading procrastinate means a new migration that
applies its own migration files from this version on. SQLite has no procrastinate: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016b"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROP_ALL = """
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'procrastinate%'
    LOOP EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.relname); END LOOP;
    FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
    LOOP EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature); END LOOP;
    FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%'
            AND t.typtype IN ('e', 'c')
    LOOP EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname); END LOOP;
END $$;
"""


def _execute(sql: str) -> None:
    # The raw driver connection: the schema is many statements with no parameters.
    connection = op.get_bind().connection.driver_connection
    assert connection is not None
    connection.execute(sql)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    _execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _execute(DROP_ALL)
