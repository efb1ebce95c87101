"""A tier as a plain record: the columns its API type reads."""

from __future__ import annotations

import uuid
from typing import NamedTuple

from models.programs.tables import Tier
from models.records import Columns


class TierRecord(NamedTuple):
    """The columns of a tier (all of them)."""

    id: uuid.UUID
    program_id: uuid.UUID
    key: str
    name: str
    description: str
    rank: int
    invite_only: bool


AnyTier = Tier | TierRecord
"""A tier as read: an ORM object, or a plain record of a list."""

TIER_COLUMNS = Columns(Tier, TierRecord._fields, TierRecord._make)
"""The tier columns of a record."""
