"""referrals: the opportunity kind of the program's list (SEG-TIER-11, issue 12)

Revision ID: 0023d
Revises: 0018b
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023d"
down_revision: str | None = "0018b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases: a batch (copy-and-move) rebuild of `referrals` on SQLite
# would re-create its generated `stage` column from reflection, which SQLite cannot parse back.


def upgrade() -> None:
    op.add_column("referrals", sa.Column("opportunity_kind", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("referrals", "opportunity_kind")
