"""The append-only audit log: one event per change of state."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, String, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, UTCDateTime, utcnow


class AuditEvent(IdMixin, Base):
    """Who changed what, when, and the fields' old and new values."""

    __tablename__ = "audit_events"

    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    operation: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_partner_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    partner_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True, index=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The date the recorded fact carries, and whether it is before the day of entry (issue 11).
    fact_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    backfilled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
