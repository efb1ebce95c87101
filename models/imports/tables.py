"""The source system's identifiers of imported records (issue 11, history import)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ExternalId(Base):
    """One imported record: its `externalId` in a program's import files of one kind, and the
    row it became (`entity_id`, the id of the kind's table)."""

    __tablename__ = "external_ids"
    __table_args__ = (Index("ix_external_ids_entity_id", "entity_id"),)

    program_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
