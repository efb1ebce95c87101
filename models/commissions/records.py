"""A commission as a plain record: the columns its API type and payment rules read."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from models.commissions.tables import Commission
from models.records import Columns


class CommissionRecord(NamedTuple):
    """The columns of a commission its API type, status and blocked reason read."""

    id: uuid.UUID
    partner_id: uuid.UUID
    program_id: uuid.UUID
    year: int
    schedule_version: str
    currency: str
    ncr: Decimal
    amount: Decimal
    lines: list[dict[str, Any]]
    payable_on: date | None
    due_on: date | None
    paid_on: date | None


AnyCommission = Commission | CommissionRecord
"""A commission as read: an ORM object, or a plain record of a list."""

COMMISSION_COLUMNS = Columns(Commission, CommissionRecord._fields, CommissionRecord._make)
"""The commission columns of a record."""
