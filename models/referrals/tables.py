"""Referrals, the client registry that decides conflicts, and the active-opportunity registry."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin, UTCDateTime, utcnow

STAGE_SQL = (
    "CASE WHEN closed_on IS NOT NULL THEN 'closed'"
    " WHEN qualified_on IS NOT NULL THEN 'qualified'"
    " WHEN rejected_on IS NOT NULL THEN 'rejected'"
    " WHEN not_viable_on IS NOT NULL THEN 'not_viable'"
    " WHEN approved_on IS NOT NULL THEN 'approved'"
    " ELSE 'open' END"
)
"""`referrals.stage`: the last decisive fact (generated; see models/referrals/stages.py)."""


class Referral(IdMixin, TimestampMixin, Base):
    """A referral application form (CS-REF-01) and what happened to it (facts only)."""

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_program_id_submitted_at", "program_id", "submitted_at"),
        Index("ix_referrals_submitted_at_id", "submitted_at", "id"),
        Index("ix_referrals_stage_submitted_at_id", "stage", "submitted_at", "id"),
        Index("ix_referrals_partner_id_submitted_at_id", "partner_id", "submitted_at", "id"),
        Index("ix_referrals_stage_decision_deadline", "stage", "decision_deadline"),
        Index("ix_referrals_stage_meeting_deadline", "stage", "meeting_deadline"),
    )

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    client_name: Mapped[str] = mapped_column(String(200))
    client_website: Mapped[str | None] = mapped_column(String(253), nullable=True)
    client_keys: Mapped[list[str]] = mapped_column(JSON)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_role: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    opportunity_kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The program's opportunity kind (SEG-TIER-11); null where the program lists none."""
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_on: Mapped[date] = mapped_column(Date)
    decision_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    meeting_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    undecided_outcome: Mapped[str] = mapped_column(String(32))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    conflicts_with_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("referrals.id"), nullable=True
    )
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rejected_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    meeting_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    not_viable_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    not_viable_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    qualified_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    deemed_rejected_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lapsed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    stage: Mapped[str] = mapped_column(
        String(16), Computed(STAGE_SQL, persisted=True), nullable=True
    )


class ClientClaim(Base):
    """Which referral holds a client key in a program: the database arbiter of CS-REF-04."""

    __tablename__ = "client_claims"

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    client_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    primary_referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referrals.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReferralKey(Base):
    """A client key of a referral: finds every referral of a client (CS-REF-04 primacy)."""

    __tablename__ = "referral_keys"
    __table_args__ = (Index("ix_referral_keys_program_id_client_key", "program_id", "client_key"),)

    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True
    )
    client_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))


class ActiveOpportunity(IdMixin, Base):
    """A client the program already pursues; referrals of it are refused (CS-REF-03)."""

    __tablename__ = "active_opportunities"

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"), index=True)
    client_name: Mapped[str] = mapped_column(String(200))
    client_website: Mapped[str | None] = mapped_column(String(253), nullable=True)
    client_keys: Mapped[list[str]] = mapped_column(JSON)
    active_from: Mapped[date] = mapped_column(Date)
    active_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OpportunityKey(Base):
    """A client key of an active opportunity, for lookups."""

    __tablename__ = "opportunity_keys"

    opportunity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("active_opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    client_key: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
