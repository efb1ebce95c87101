"""Reads of the audit log: the filtered, newest-first event list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    """Which audit events to list."""

    partner_id: uuid.UUID | None = None
    object_type: str | None = None
    object_id: str | None = None
    operation: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_query(where: AuditFilter) -> Select[AuditEvent]:
    """The SELECT of audit events matching a filter."""
    stmt = select(AuditEvent)
    if where.partner_id is not None:
        stmt = stmt.where(AuditEvent.partner_id == where.partner_id)
    if where.object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == where.object_type)
    if where.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == where.object_id)
    if where.operation is not None:
        stmt = stmt.where(AuditEvent.operation == where.operation)
    if where.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= where.since)
    if where.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < where.until)
    return stmt
