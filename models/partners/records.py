"""A partner as a plain record: the columns its API type reads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NamedTuple

from models.partners.tables import Partner
from models.records import Columns


class PartnerRecord(NamedTuple):
    """The columns of a partner (all of them: its API type shows each)."""

    id: uuid.UUID
    legal_name: str
    display_name: str
    country: str
    notice_address: str
    website_domain: str | None
    capacities: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


AnyPartner = Partner | PartnerRecord
"""A partner as read: an ORM object, or a plain record of a list."""

PARTNER_COLUMNS = Columns(Partner, PartnerRecord._fields, PartnerRecord._make)
"""The partner columns of a record."""
