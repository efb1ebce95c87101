"""Notices on an agreement as dated facts (issue 11/12, SEG-AGR-07/08/09/13, CS-AGR-06).

One row per notice given: non-renewal, termination (convenience or immediate) or breach. Each
keeps its own facts: who gave it, when it was dispatched and how, when it was received, the day
it counts as given (null while a notice given on receipt awaits its receipt) and, for a breach
notice, the day the breach was cured. A later notice never replaces an earlier one.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin


class AgreementNotice(IdMixin, TimestampMixin, Base):
    """A notice given under an agreement, with its own dates (program time zone)."""

    __tablename__ = "agreement_notices"

    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    # non_renewal | termination | breach
    kind: Mapped[str] = mapped_column(String(16))
    # termination and breach notices: convenience | immediate | breach
    reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # operator | partner: the party that gave the notice
    party: Mapped[str] = mapped_column(String(16))
    cause: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    given_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    cured_on: Mapped[date | None] = mapped_column(Date, nullable=True)


NON_RENEWAL, TERMINATION, BREACH = "non_renewal", "termination", "breach"
"""The kinds of notice."""
OPERATOR, PARTNER = "operator", "partner"
"""The parties that give notices."""
