"""Queries of support: the incident list (with the overdue filter) and an incident by ID."""

from __future__ import annotations

import strawberry

from models import Incident as IncidentRow
from models.base import utcnow
from models.support.queries import IncidentFilter as IncidentQuery
from models.support.queries import incidents_query
from schema.context import Info
from schema.ids import expect_id
from schema.listing import time_connection
from schema.node import resolve_node
from schema.pagination import Connection, check_slice
from schema.support.types import Incident, IncidentStatus
from services.support.escalation import narrow_by_overdue


@strawberry.input(description="Narrow the incident list.")
class IncidentFilterInput:
    program: strawberry.ID | None = None
    partner: strawberry.ID | None = strawberry.field(default=None, description="Admin keys.")
    status: IncidentStatus | None = None
    classification: str | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="Only incidents whose response is (or is not) late now."
    )


async def _incident_filter(info: Info, data: IncidentFilterInput) -> IncidentQuery:
    actor = info.context.actor
    partner = expect_id(data.partner, "Partner") if data.partner else None
    if not actor.is_admin:
        partner = actor.partner_id
    where = IncidentQuery(
        program_id=expect_id(data.program, "Program") if data.program else None,
        partner_id=partner,
        open=None if data.status is None else data.status is IncidentStatus.OPEN,
        classification=data.classification,
    )
    if data.overdue is None:
        return where
    overdue, now = data.overdue, utcnow()
    narrowed: IncidentQuery = await info.context.loaders.read(
        lambda s: narrow_by_overdue(s, where, overdue, now)
    )
    return narrowed


@strawberry.type
class SupportQueries:
    """Incidents."""

    @strawberry.field(
        description="Incidents, newest first; a partner key sees only its own. "
        "`overdue` is evaluated as of now."
    )
    async def incidents(
        self,
        info: Info,
        filter: IncidentFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Incident]:
        page_args = check_slice(first, after, last, before)
        where = await _incident_filter(info, filter or IncidentFilterInput())
        return await time_connection(
            info,
            page_args,
            incidents_query(where),
            IncidentRow.reported_at,
            IncidentRow.id,
            Incident.from_row,
        )

    @strawberry.field(description="An incident by ID; null if absent or not yours.")
    async def incident(self, info: Info, id: strawberry.ID) -> Incident | None:
        node = await resolve_node(info, id)
        return node if isinstance(node, Incident) else None
