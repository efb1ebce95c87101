"""agreement facts: notice dispatch, delivery method and receipt; the cure of a breach

Revision ID: 0018b
Revises: 0016b
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018b"
down_revision: str | None = "0016b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("non_renewal_notice_sent_on", sa.Date()),
    ("non_renewal_notice_method", sa.String(length=64)),
    ("non_renewal_notice_received_on", sa.Date()),
    ("termination_notice_sent_on", sa.Date()),
    ("termination_notice_method", sa.String(length=64)),
    ("termination_notice_received_on", sa.Date()),
    ("cured_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)
