"""Rate-limit buckets: query cost spent per API key per time window, shared by every process."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class RateBucket(Base):
    """Points an API key spent in one window."""

    __tablename__ = "rate_buckets"

    api_key_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)
