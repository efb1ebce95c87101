"""A referral as a plain record: the columns its API type and status rules read."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Text, cast

from models.records import Columns
from models.referrals.tables import Referral


class ReferralRecord(NamedTuple):
    """The columns of a referral its API type, status and primacy read (not its bookkeeping:
    timestamps, stage, stored primacy); the client keys as their JSON text."""

    id: uuid.UUID
    program_id: uuid.UUID
    partner_id: uuid.UUID
    client_name: str
    client_website: str | None
    client_keys_json: str
    contact_name: str
    contact_role: str
    contact_email: str
    contact_phone: str
    description: str
    opportunity_kind: str | None
    submitted_at: datetime
    submitted_on: date
    decision_deadline: date | None
    meeting_deadline: date | None
    undecided_outcome: str
    approved_on: date | None
    rejected_on: date | None
    decision_reason: str | None
    meeting_on: date | None
    not_viable_on: date | None
    not_viable_reason: str | None
    qualified_on: date | None
    closed_on: date | None
    close_reason: str | None
    version: int

    @property
    def client_keys(self) -> list[str]:
        """The client keys, parsed when asked (a dashboard never asks)."""
        keys: list[str] = json.loads(self.client_keys_json)
        return keys


AnyReferral = Referral | ReferralRecord
"""A referral as read: an ORM object, or a plain record of a list."""

REFERRAL_COLUMNS = Columns(
    Referral,
    ReferralRecord._fields,
    ReferralRecord._make,
    {"client_keys_json": lambda: cast(Referral.client_keys, Text)},
)
"""The referral columns of a record."""
