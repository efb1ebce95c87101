"""Agreements, their acceptances, and the facts the term engine reads."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Agreement(IdMixin, TimestampMixin, Base):
    """One agreement kind of a program, between the program and one partner.

    Only facts are stored (dates in the program's time zone); status, terms and deadlines are
    computed from them as of any date (rules.agreement_terms).
    """

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("partner_id", "program_id", "kind"),)

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id"))
    kind: Mapped[str] = mapped_column(String(64))
    applied_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    rejected_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    non_renewal_notice_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    non_renewal_notice_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    termination_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    termination_cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    termination_notice_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # The notices' own facts (issue 11, SEG-AGR-13): dispatch day, delivery method and the
    # recorded receipt; `*_notice_on` above is the day each notice counts as given.
    non_renewal_notice_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    non_renewal_notice_method: Mapped[str | None] = mapped_column(String(64), nullable=True)
    non_renewal_notice_received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_notice_sent_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    termination_notice_method: Mapped[str | None] = mapped_column(String(64), nullable=True)
    termination_notice_received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The day a breach under a breach notice was cured (a dated fact; issue 12).
    cured_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Acceptance(IdMixin, Base):
    """A signature: who accepted which template version, when and from where (SEG-AGR-01)."""

    __tablename__ = "acceptances"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(200))
    signer_email: Mapped[str] = mapped_column(String(254))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_ip: Mapped[str | None] = mapped_column(String(45), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(500), nullable=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    document_sha256: Mapped[str] = mapped_column(String(64))
