"""Support: each partner's support window and list, incidents and what happened to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin, UTCDateTime, utcnow


class SupportProfile(IdMixin, TimestampMixin, Base):
    """The support-hours window a partner chose (SUP-01) and its CSM, if any (SUP-05)."""

    __tablename__ = "support_profiles"
    __table_args__ = (UniqueConstraint("partner_id", "program_id"),)

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    window_key: Mapped[str] = mapped_column(String(64))
    csm_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    csm_email: Mapped[str | None] = mapped_column(String(254), nullable=True)


class SupportContact(IdMixin, Base):
    """A contact of the support list; `position` 1 is asked first (SUP-02)."""

    __tablename__ = "support_contacts"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Incident(IdMixin, TimestampMixin, Base):
    """An incident report (SUP-03) with the terms that applied when it was opened."""

    __tablename__ = "incidents"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    classification: Mapped[str] = mapped_column(String(64))
    affected_aspects: Mapped[str] = mapped_column(Text)
    user_impact: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    steps_to_reproduce: Mapped[str] = mapped_column(Text)
    error_message: Mapped[str] = mapped_column(Text)
    logs: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    window_key: Mapped[str] = mapped_column(String(64))
    clock: Mapped[str] = mapped_column(String(16))
    target_hours: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    close_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    exclusion_reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    close_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class IncidentEvent(IdMixin, Base):
    """A response or an escalation of an incident (SUP-05)."""

    __tablename__ = "incident_events"

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text, default="")
    actor_role: Mapped[str] = mapped_column(String(16))


class IncidentAttachment(IdMixin, Base):
    """A log file or data attached to an incident, stored by SHA-256 like documents."""

    __tablename__ = "incident_attachments"

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
