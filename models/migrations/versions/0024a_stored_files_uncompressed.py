"""stored files: PostgreSQL keeps their bytes out of line without trying to compress them

A stored file is a DOCX (a zip) or a PDF: already compressed. PostgreSQL's default TOAST
storage (EXTENDED) runs pglz over every value above 2 kB before moving it out of line; on a
rendered agreement (46 kB) pglz finds nothing to gain and the attempt cost about 1 ms of the
signature's single write statement (issue 14). EXTERNAL keeps the out-of-line storage and skips
the compression. Rows already stored keep their form; SQLite has no such setting.

Revision ID: 0024a
Revises: 0023l
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024a"
down_revision: str | None = "0023l"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_files ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_files ALTER COLUMN data SET STORAGE EXTENDED")
