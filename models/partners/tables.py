"""Partners, their memberships in programs, and each membership's tier history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin, UTCDateTime, enum_column, utcnow
from rules.enums import MembershipStatus


class Partner(IdMixin, TimestampMixin, Base):
    """An organisation taking part in one or more programs."""

    __tablename__ = "partners"

    legal_name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), index=True)
    country: Mapped[str] = mapped_column(String(2))
    notice_address: Mapped[str] = mapped_column(Text)
    website_domain: Mapped[str | None] = mapped_column(String(253), nullable=True)
    capacities: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Membership(IdMixin, TimestampMixin, Base):
    """A partner's place in one program: its tier and status."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("partner_id", "program_id"),
        Index("ix_memberships_program_id_status", "program_id", "status"),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    tier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tiers.id"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status")
    )
    joined_on: Mapped[date] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class TierChange(IdMixin, Base):
    """One entry of a membership's tier history, with its reason (SEG-TIER-06)."""

    __tablename__ = "tier_changes"

    membership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    from_tier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tiers.id"), nullable=True)
    to_tier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tiers.id"))
    reason: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    # none as SQL NULL on every path (a batch's JSON parameter wrote JSON null, the ORM NULL)
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
