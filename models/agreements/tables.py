"""Agreements, their acceptances, and the facts the term engine reads."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.agreements.notices import AgreementNotice
from models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Agreement(IdMixin, TimestampMixin, Base):
    """One agreement kind of a program, between the program and one partner.

    Only facts are stored (dates in the program's time zone), its notices in their own table;
    status, terms and deadlines are computed from them as of any date (rules.agreement_terms).
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
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Its notices, oldest dispatch first, loaded with the agreement (states read them).
    notices: Mapped[list[AgreementNotice]] = relationship(
        lazy="selectin",
        order_by=(AgreementNotice.sent_on, AgreementNotice.created_at),
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __init__(self, **fields: Any) -> None:
        # A new agreement has no notices: loaded, so reading them never queries.
        fields.setdefault("notices", [])
        super().__init__(**fields)


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
