"""Backfill marks of an import (issue 11): every imported fact gets its own audit event, as the
dated mutations write one (`services/audit/log.record(..., dated=...)`): the mutation's
operation, who entered it (the importing key), when (one entered-at for the whole import), the
date the fact carries, and `backfilled` when that date is before the day of entry.

The marks are rows of `audit_events` written in batches with the rest of the import (COPY on
PostgreSQL, `services/imports/bulk.py`), so they cost no query per fact.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.actor import Actor
from services.fact_dates import FactDate


@dataclass(frozen=True)
class Mark:
    """One imported fact: the mutation that records it, its object, partner and date; `source`
    is the file and externalId of the row it came from, `field` the dated column."""

    operation: str
    object_type: str
    object_id: uuid.UUID
    partner_id: uuid.UUID | None
    day: date
    source: str
    field: str


def audit_rows(actor: Actor, today: date, now: datetime, marks: list[Mark]) -> list[dict[str, Any]]:
    """The audit events of an import's marks, entered by `actor` at `now` (program's `today`)."""
    common = {
        "occurred_at": now,
        "actor_key_id": actor.key_id,
        "actor_role": actor.role.value,
        "actor_partner_id": actor.partner_id,
        "request_id": actor.request_id,
    }
    return [
        {
            **common,
            "id": uuid.uuid4(),
            "operation": m.operation,
            "object_type": m.object_type,
            "object_id": str(m.object_id),
            "partner_id": m.partner_id,
            "changes": {"imported": [None, m.source], m.field: [None, m.day.isoformat()]},
            "fact_date": m.day,
            "backfilled": FactDate(m.day, today).backfilled,
        }
        for m in marks
    ]
