"""referrals and commissions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "active_opportunities",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("client_website", sa.String(length=253), nullable=True),
        sa.Column("client_keys", sa.JSON(), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_active_opportunities_program_id_programs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_active_opportunities")),
    )
    with op.batch_alter_table("active_opportunities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_active_opportunities_program_id"), ["program_id"], unique=False
        )

    op.create_table(
        "referrals",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("client_name", sa.String(length=200), nullable=False),
        sa.Column("client_website", sa.String(length=253), nullable=True),
        sa.Column("client_keys", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_role", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decision_deadline", sa.Date(), nullable=True),
        sa.Column("meeting_deadline", sa.Date(), nullable=True),
        sa.Column("undecided_outcome", sa.String(length=32), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("conflicts_with_id", sa.Uuid(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("meeting_on", sa.Date(), nullable=True),
        sa.Column("not_viable_on", sa.Date(), nullable=True),
        sa.Column("not_viable_reason", sa.Text(), nullable=True),
        sa.Column("qualified_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("deemed_rejected_on", sa.Date(), nullable=True),
        sa.Column("lapsed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conflicts_with_id"],
            ["referrals.id"],
            name=op.f("fk_referrals_conflicts_with_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_referrals_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_referrals_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(
            "ix_referrals_program_id_submitted_at", ["program_id", "submitted_at"], unique=False
        )

    op.create_table(
        "tax_documents",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("withholding_rate", sa.Numeric(precision=8, scale=6), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_tax_documents_partner_id_partners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_documents")),
    )
    with op.batch_alter_table("tax_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tax_documents_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "client_claims",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("client_key", sa.String(length=200), nullable=False),
        sa.Column("primary_referral_id", sa.Uuid(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["primary_referral_id"],
            ["referrals.id"],
            name=op.f("fk_client_claims_primary_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_client_claims_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("program_id", "client_key", name=op.f("pk_client_claims")),
    )
    op.create_table(
        "opportunity_keys",
        sa.Column("opportunity_id", sa.Uuid(), nullable=False),
        sa.Column("client_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["active_opportunities.id"],
            name=op.f("fk_opportunity_keys_opportunity_id_active_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("opportunity_id", "client_key", name=op.f("pk_opportunity_keys")),
    )
    with op.batch_alter_table("opportunity_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_keys_client_key"), ["client_key"], unique=False
        )

    op.create_table(
        "qualified_agreements",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("through_reseller", sa.Boolean(), nullable=False),
        sa.Column("paid_under_other_program", sa.Boolean(), nullable=False),
        sa.Column("order_reference", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_qualified_agreements_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualified_agreements")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_qualified_agreements_referral_id")),
    )
    op.create_table(
        "client_payments",
        sa.Column("qualified_agreement_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["qualified_agreement_id"],
            ["qualified_agreements.id"],
            name=op.f("fk_client_payments_qualified_agreement_id_qualified_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_payments")),
    )
    with op.batch_alter_table("client_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_payments_qualified_agreement_id"),
            ["qualified_agreement_id"],
            unique=False,
        )

    op.create_table(
        "commissions",
        sa.Column("qualified_agreement_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("schedule_version", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("ncr", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payable_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_commissions_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_commissions_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["qualified_agreement_id"],
            ["qualified_agreements.id"],
            name=op.f("fk_commissions_qualified_agreement_id_qualified_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissions")),
        sa.UniqueConstraint(
            "qualified_agreement_id", name=op.f("uq_commissions_qualified_agreement_id")
        ),
    )
    with op.batch_alter_table("commissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commissions_partner_id"), ["partner_id"], unique=False)

    op.create_table(
        "revenue_lines",
        sa.Column("qualified_agreement_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["qualified_agreement_id"],
            ["qualified_agreements.id"],
            name=op.f("fk_revenue_lines_qualified_agreement_id_qualified_agreements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_lines")),
    )
    with op.batch_alter_table("revenue_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_revenue_lines_qualified_agreement_id"),
            ["qualified_agreement_id"],
            unique=False,
        )

    op.create_table(
        "payouts",
        sa.Column("commission_id", sa.Uuid(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("withholding", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("withholding_rate", sa.Numeric(precision=8, scale=6), nullable=False),
        sa.Column("set_off", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("set_off_reason", sa.Text(), nullable=True),
        sa.Column("net", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["commissions.id"],
            name=op.f("fk_payouts_commission_id_commissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payouts")),
        sa.UniqueConstraint("commission_id", name=op.f("uq_payouts_commission_id")),
    )


def downgrade() -> None:

    op.drop_table("payouts")
    with op.batch_alter_table("revenue_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revenue_lines_qualified_agreement_id"))

    op.drop_table("revenue_lines")
    with op.batch_alter_table("commissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commissions_partner_id"))

    op.drop_table("commissions")
    with op.batch_alter_table("client_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_payments_qualified_agreement_id"))

    op.drop_table("client_payments")
    op.drop_table("qualified_agreements")
    with op.batch_alter_table("opportunity_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunity_keys_client_key"))

    op.drop_table("opportunity_keys")
    op.drop_table("client_claims")
    with op.batch_alter_table("tax_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tax_documents_partner_id"))

    op.drop_table("tax_documents")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_program_id_submitted_at")
        batch_op.drop_index(batch_op.f("ix_referrals_partner_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("active_opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_active_opportunities_program_id"))

    op.drop_table("active_opportunities")
