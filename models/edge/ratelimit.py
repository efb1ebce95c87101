"""Rate-limit buckets shared by server processes that lease blocks of points from them."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RateLimitState(Base):
    """One key's GCRA bucket: `tat` is when it is full again (microseconds since the epoch)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tat: Mapped[int] = mapped_column(BigInteger, default=0)
