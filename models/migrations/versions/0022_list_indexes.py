"""list speed: referrals.stage (generated) and indexes for every referral sort and filter

Revision ID: 0022
Revises: 0016
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the text of models.referrals.tables.STAGE_SQL when this revision was written
STAGE_SQL = (
    "CASE WHEN closed_on IS NOT NULL THEN 'closed'"
    " WHEN qualified_on IS NOT NULL THEN 'qualified'"
    " WHEN rejected_on IS NOT NULL THEN 'rejected'"
    " WHEN not_viable_on IS NOT NULL THEN 'not_viable'"
    " WHEN approved_on IS NOT NULL THEN 'approved'"
    " ELSE 'open' END"
)

INDEXES = (
    ("ix_referrals_submitted_at_id", ["submitted_at", "id"]),
    ("ix_referrals_stage_submitted_at_id", ["stage", "submitted_at", "id"]),
    ("ix_referrals_partner_id_submitted_at_id", ["partner_id", "submitted_at", "id"]),
)


def upgrade() -> None:

    # PostgreSQL stores the generated column; SQLite computes it (an added column cannot be
    # STORED there) and indexes it all the same.
    stored = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "referrals",
        sa.Column(
            "stage", sa.String(length=16), sa.Computed(STAGE_SQL, persisted=stored), nullable=True
        ),
    )
    for name, columns in INDEXES:
        op.create_index(name, "referrals", columns, unique=False)


def downgrade() -> None:

    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="referrals")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("stage")
