"""Tier governance records: evidence, invitations, MDF, usage, access requests, notices."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, UTCDateTime, utcnow

MONEY = Numeric(20, 4)


class Evidence(IdMixin, Base):
    """A fact counted by tier requirements (SEG-TIER-04/05/09, CS-AGR-04/05).

    `kind` says which fields matter: success_story (title, url, occurred_on = published),
    joint_solution (title, occurred_on = launched, docs/collateral completed), gtm_plan
    (occurred_on = approved), account_mapping (crossbeam_enabled, occurred_on = enabled),
    influenced_revenue (reference, customer, amount, occurred_on = closed won,
    professional_services), training / certification (title, occurred_on = completed,
    expires_on), engagement_plan (requested_on, due_on, occurred_on = delivered, reviewed_on).
    """

    __tablename__ = "evidence"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    customer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    occurred_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    requested_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reviewed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    flags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(IdMixin, Base):
    """An invitation to an invite-only tier, or to an invite-only benefit at a tier."""

    __tablename__ = "invitations"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    tier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tiers.id"))
    benefit_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    invited_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class MdfRequest(IdMixin, Base):
    """A marketing development funds request and its life (SEG-TIER-08)."""

    __tablename__ = "mdf_requests"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    program_year: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    claim_proof: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reimbursed_amount: Mapped[Decimal | None] = mapped_column(MONEY, nullable=True)
    reimbursed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class UsageReport(IdMixin, Base):
    """A month of non-production usage (SEG-AGR-03); over-cap reports are flagged."""

    __tablename__ = "usage_reports"
    __table_args__ = (UniqueConstraint("partner_id", "program_id", "month"),)

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    month: Mapped[date] = mapped_column(Date)
    monthly_tracked_users: Mapped[int] = mapped_column(Integer)
    api_calls: Mapped[int] = mapped_column(Integer)
    over_cap: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccessRequest(IdMixin, Base):
    """A Developer Center / API access request (SEG-AGR-04)."""

    __tablename__ = "access_requests"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    purpose: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class CompetingProductNotice(IdMixin, Base):
    """A dated notice that the partner will promote a competing product (SEG-AGR-05)."""

    __tablename__ = "competing_product_notices"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    product: Mapped[str] = mapped_column(String(200))
    notified_on: Mapped[date] = mapped_column(Date)
    promotion_starts_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class Notification(IdMixin, Base):
    """An event addressed to a partner (tier changed, usage over cap, ...)."""

    __tablename__ = "notifications"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("programs.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
