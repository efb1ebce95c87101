"""Queries of the audit log: the filtered, newest-first event list."""

from __future__ import annotations

import datetime as dt

import strawberry

from models import AuditEvent as AuditRow
from models.audit.queries import AuditFilter as AuditQuery
from models.audit.queries import audit_query
from schema.audit.types import AuditEvent
from schema.context import Info
from schema.ids import decode_id
from schema.listing import time_connection
from schema.pagination import Connection, check_slice


@strawberry.input(description="Narrow the audit log.")
class AuditFilterInput:
    object: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of an object."
    )
    object_type: str | None = None
    operation: str | None = strawberry.field(default=None, description="e.g. changeTier.")
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@strawberry.type
class AuditQueries:
    """The audit log."""

    @strawberry.field(
        description="The audit log, newest first: admin keys see every event, "
        "partner keys the events on their own objects. Nothing can change it."
    )
    async def audit_events(
        self,
        info: Info,
        filter: AuditFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEvent]:
        page_args = check_slice(first, after, last, before)
        data = filter or AuditFilterInput()
        actor = info.context.actor
        object_id = None
        if data.object is not None:
            object_id = str(decode_id(data.object)[1])
        where = AuditQuery(
            partner_id=None if actor.is_admin else actor.partner_id,
            object_type=data.object_type,
            object_id=object_id,
            operation=data.operation,
            since=data.since,
            until=data.until,
        )
        return await time_connection(
            info,
            page_args,
            audit_query(where),
            AuditRow.occurred_at,
            AuditRow.id,
            AuditEvent.from_row,
        )
