"""referral keys: every referral of a client, for primacy as of a date (CS-REF-04)

Revision ID: 0019
Revises: 0022b
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0022b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referral_keys",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("client_key", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_referral_keys_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_keys_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "client_key", name=op.f("pk_referral_keys")),
    )
    with op.batch_alter_table("referral_keys", schema=None) as batch_op:
        batch_op.create_index(
            "ix_referral_keys_program_id_client_key", ["program_id", "client_key"], unique=False
        )
    # Existing referrals: their stored keys.
    referrals = sa.table(
        "referrals",
        sa.column("id", sa.Uuid()),
        sa.column("program_id", sa.Uuid()),
        sa.column("client_keys", sa.JSON()),
    )
    keys = sa.table(
        "referral_keys",
        sa.column("referral_id", sa.Uuid()),
        sa.column("client_key", sa.String()),
        sa.column("program_id", sa.Uuid()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(referrals.c.id, referrals.c.program_id, referrals.c.client_keys)
    ).all()
    values = [
        {"referral_id": ident, "client_key": key, "program_id": program_id}
        for ident, program_id, client_keys in rows
        for key in sorted(set(client_keys or []))
    ]
    if values:
        op.bulk_insert(keys, values)


def downgrade() -> None:
    with op.batch_alter_table("referral_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_keys_program_id_client_key")
    op.drop_table("referral_keys")
