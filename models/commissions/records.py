"""A commission as a plain record: the columns its API type and payment rules read."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Text, cast

from models.commissions.tables import Commission
from models.records import Columns


class CommissionRecord(NamedTuple):
    """The columns of a commission its API type, status and blocked reason read; the
    explanation lines as their JSON text."""

    id: uuid.UUID
    partner_id: uuid.UUID
    program_id: uuid.UUID
    year: int
    schedule_version: str
    currency: str
    ncr: Decimal
    amount: Decimal
    lines_json: str
    payable_on: date | None
    due_on: date | None
    paid_on: date | None

    @property
    def lines(self) -> list[dict[str, Any]]:
        """The explanation lines, parsed when asked (a dashboard never asks)."""
        lines: list[dict[str, Any]] = json.loads(self.lines_json)
        return lines


AnyCommission = Commission | CommissionRecord
"""A commission as read: an ORM object, or a plain record of a list."""

COMMISSION_COLUMNS = Columns(
    Commission,
    CommissionRecord._fields,
    CommissionRecord._make,
    {"lines_json": lambda: cast(Commission.lines, Text)},
)
"""The commission columns of a record."""
