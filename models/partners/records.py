"""A partner and a membership as plain records: the columns their API types read."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Text, cast

from models.partners.tables import Membership, Partner
from models.records import Columns
from rules.enums import MembershipStatus


class PartnerRecord(NamedTuple):
    """The columns of a partner (all of them: its API type shows each); the capacities as
    their JSON text."""

    id: uuid.UUID
    legal_name: str
    display_name: str
    country: str
    notice_address: str
    website_domain: str | None
    capacities_json: str
    version: int
    created_at: datetime
    updated_at: datetime

    @property
    def capacities(self) -> list[str]:
        """The capacities, parsed when asked (a dashboard never asks)."""
        capacities: list[str] = json.loads(self.capacities_json)
        return capacities


AnyPartner = Partner | PartnerRecord
"""A partner as read: an ORM object, or a plain record of a list."""

PARTNER_COLUMNS = Columns(
    Partner,
    PartnerRecord._fields,
    PartnerRecord._make,
    {"capacities_json": lambda: cast(Partner.capacities, Text)},
)
"""The partner columns of a record."""


class MembershipRecord(NamedTuple):
    """The columns of a membership (all of them but its timestamps)."""

    id: uuid.UUID
    partner_id: uuid.UUID
    program_id: uuid.UUID
    tier_id: uuid.UUID
    status: MembershipStatus
    joined_on: date
    status_reason: str
    version: int


AnyMembership = Membership | MembershipRecord
"""A membership as read: an ORM object, or a plain record of a list."""

MEMBERSHIP_COLUMNS = Columns(Membership, MembershipRecord._fields, MembershipRecord._make)
"""The membership columns of a record."""
