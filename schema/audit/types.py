"""The audit log as the API shows it."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from strawberry.scalars import JSON

from models import AuditEvent as AuditRow
from schema.ids import encode_id


@strawberry.type(description="One append-only audit event: who changed what, when, old -> new.")
class AuditEvent:
    id: strawberry.ID
    occurred_at: dt.datetime
    operation: str
    object_type: str
    object_id: strawberry.ID = strawberry.field(description="Global ID of the object changed.")
    actor_role: str
    actor_key_id: strawberry.ID | None
    request_id: str | None
    changes: JSON = strawberry.field(description="Each field as [old, new].")
    fact_date: dt.date | None = strawberry.field(
        description="The date the recorded fact carries (issue 11), when the change records one."
    )
    backfilled: bool = strawberry.field(
        description="The fact is dated before the day it was entered (`occurredAt`)."
    )

    @classmethod
    def from_row(cls, row: AuditRow) -> AuditEvent:
        try:
            object_id = encode_id(row.object_type, uuid.UUID(row.object_id))
        except ValueError:
            object_id = row.object_id
        return cls(
            id=strawberry.ID(encode_id("AuditEvent", row.id)),
            occurred_at=row.occurred_at,
            operation=row.operation,
            object_type=row.object_type,
            object_id=strawberry.ID(object_id),
            actor_role=row.actor_role,
            actor_key_id=strawberry.ID(encode_id("ApiKey", row.actor_key_id))
            if row.actor_key_id
            else None,
            request_id=row.request_id,
            changes=JSON(dict(row.changes)),
            fact_date=row.fact_date,
            backfilled=row.backfilled,
        )
