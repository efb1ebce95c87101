"""ledger facts: revenue corrections and voids, payout adjustments, partner payments

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("revenue_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supersedes_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("voided", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("effective_on", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_revenue_lines_supersedes_id"), ["supersedes_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_revenue_lines_supersedes_id_revenue_lines"),
            "revenue_lines",
            ["supersedes_id"],
            ["id"],
        )
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "adjustments", sa.Numeric(precision=20, scale=4), nullable=False, server_default="0"
            )
        )
    op.create_table(
        "payout_adjustments",
        sa.Column("payout_id", sa.Uuid(), nullable=False),
        sa.Column("commission_id", sa.Uuid(), nullable=False),
        sa.Column("cause_kind", sa.String(length=32), nullable=False),
        sa.Column("cause_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["commissions.id"],
            name=op.f("fk_payout_adjustments_commission_id_commissions"),
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"],
            ["payouts.id"],
            name=op.f("fk_payout_adjustments_payout_id_payouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payout_adjustments")),
    )
    with op.batch_alter_table("payout_adjustments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payout_adjustments_commission_id"), ["commission_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payout_adjustments_payout_id"), ["payout_id"], unique=False
        )
    op.create_table(
        "partner_payments",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_partner_payments_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_partner_payments_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_payments")),
    )
    with op.batch_alter_table("partner_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_payments_partner_id"), ["partner_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("partner_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_payments_partner_id"))
    op.drop_table("partner_payments")
    with op.batch_alter_table("payout_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payout_adjustments_payout_id"))
        batch_op.drop_index(batch_op.f("ix_payout_adjustments_commission_id"))
    op.drop_table("payout_adjustments")
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.drop_column("adjustments")
    with op.batch_alter_table("revenue_lines", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_revenue_lines_supersedes_id_revenue_lines"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_revenue_lines_supersedes_id"), type_="unique")
        batch_op.drop_column("effective_on")
        batch_op.drop_column("voided")
        batch_op.drop_column("supersedes_id")
