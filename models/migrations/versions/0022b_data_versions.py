"""data versions for the response cache; indexes for the date-bound referral statuses

Revision ID: 0022b
Revises: 0017
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022b"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "data_versions",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_data_versions")),
    )
    op.create_index(
        "ix_referrals_stage_decision_deadline", "referrals", ["stage", "decision_deadline"]
    )
    op.create_index(
        "ix_referrals_stage_meeting_deadline", "referrals", ["stage", "meeting_deadline"]
    )


def downgrade() -> None:

    op.drop_index("ix_referrals_stage_meeting_deadline", table_name="referrals")
    op.drop_index("ix_referrals_stage_decision_deadline", table_name="referrals")
    op.drop_table("data_versions")
