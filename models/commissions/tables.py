"""Qualified agreements, their revenue and payments, commissions, payouts, tax documents."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, UTCDateTime, utcnow

MONEY = Numeric(20, 4)


class QualifiedAgreement(IdMixin, Base):
    """The client's signed agreement that a referral led to (CS-REF-11)."""

    __tablename__ = "qualified_agreements"

    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), unique=True
    )
    signed_on: Mapped[date] = mapped_column(Date)
    products: Mapped[list[str]] = mapped_column(JSON)
    through_reseller: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_under_other_program: Mapped[bool] = mapped_column(Boolean, default=False)
    order_reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevenueLine(IdMixin, Base):
    """An amount billed or deducted under a Qualified Agreement (CS-REF-13).

    A correction or a void is a new line that supersedes an earlier one from `effective_on`
    (the correction's own date); the superseded line stays on record.
    """

    __tablename__ = "revenue_lines"

    qualified_agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qualified_agreements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("revenue_lines.id"), nullable=True, unique=True
    )
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClientPayment(IdMixin, Base):
    """Money the program received from the client (CS-REF-07, CS-REF-14)."""

    __tablename__ = "client_payments"

    qualified_agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qualified_agreements.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Commission(IdMixin, Base):
    """The commission on a Qualified Agreement, explained line by line.

    Recomputed from revenue while unpaid; frozen once paid.
    """

    __tablename__ = "commissions"

    qualified_agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("qualified_agreements.id", ondelete="CASCADE"), unique=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id"), index=True)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    year: Mapped[int] = mapped_column(Integer)
    schedule_version: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    ncr: Mapped[Decimal] = mapped_column(MONEY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payable_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    paid_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Payout(IdMixin, Base):
    """A payment of a commission to the partner, net of withholding and set-off (CS-AGR-11)."""

    __tablename__ = "payouts"

    commission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commissions.id", ondelete="CASCADE"), unique=True
    )
    paid_on: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    gross: Mapped[Decimal] = mapped_column(MONEY)
    withholding: Mapped[Decimal] = mapped_column(MONEY)
    withholding_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    set_off: Mapped[Decimal] = mapped_column(MONEY)
    set_off_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    adjustments: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    net: Mapped[Decimal] = mapped_column(MONEY)
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaxDocument(IdMixin, Base):
    """The partner's tax documentation on file, and the withholding rate it sets (CS-REF-08)."""

    __tablename__ = "tax_documents"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date] = mapped_column(Date)
    withholding_rate: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PayoutAdjustment(IdMixin, Base):
    """An adjustment of an already paid commission, settled with a later payout."""

    __tablename__ = "payout_adjustments"

    payout_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("payouts.id", ondelete="CASCADE"), index=True
    )
    commission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commissions.id"), index=True)
    cause_kind: Mapped[str] = mapped_column(String(32))
    cause_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    reason: Mapped[str] = mapped_column(Text)


class PartnerPayment(IdMixin, Base):
    """Money the partner paid the operator (the CS-AGR-08 liability cap basis)."""

    __tablename__ = "partner_payments"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
