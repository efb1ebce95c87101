"""Programs and their tiers, benefits and requirements, as loaded from program definition files."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Program(IdMixin, TimestampMixin, Base):
    """A partner program; `definition` keeps the whole validated program file."""

    __tablename__ = "programs"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    definition_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Tier(IdMixin, Base):
    """A tier (membership level) of a program; `rank` orders them, lowest first."""

    __tablename__ = "tiers"
    __table_args__ = (
        UniqueConstraint("program_id", "key"),
        UniqueConstraint("program_id", "rank"),
    )

    program_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(Integer)
    invite_only: Mapped[bool] = mapped_column(Boolean, default=False)


class Benefit(IdMixin, Base):
    """A benefit as granted at one tier; `invite_only` when that tier gets it by invitation."""

    __tablename__ = "benefits"
    __table_args__ = (UniqueConstraint("tier_id", "key"),)

    tier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tiers.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    invite_only: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_active_agreement: Mapped[bool] = mapped_column(Boolean, default=False)


class Requirement(IdMixin, Base):
    """A requirement of one tier: a kind and its threshold (a count, money, or a flag)."""

    __tablename__ = "requirements"
    __table_args__ = (UniqueConstraint("tier_id", "key"),)

    tier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tiers.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[Decimal | None] = mapped_column(Numeric(20, 4), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    invited_only: Mapped[bool] = mapped_column(Boolean, default=False)
    rule_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
