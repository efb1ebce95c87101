"""Batch reads of support: incident events and attachments, support profiles and lists, the
filtered incident list.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Incident, IncidentAttachment, IncidentEvent, SupportContact, SupportProfile
from models.batch import grouped


async def events_of_incidents(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[IncidentEvent]]:
    """Each incident's responses and escalations, in time order."""
    return await grouped(
        session, IncidentEvent, IncidentEvent.incident_id, ids, IncidentEvent.at, IncidentEvent.id
    )


async def attachments_of_incidents(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[IncidentAttachment]]:
    """Each incident's attachments."""
    return await grouped(
        session,
        IncidentAttachment,
        IncidentAttachment.incident_id,
        ids,
        IncidentAttachment.created_at,
        IncidentAttachment.id,
    )


async def support_profiles(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> list[SupportProfile | None]:
    """The support profile of each (partner, program)."""
    partners = list({p for p, _ in keys})
    rows = {
        (r.partner_id, r.program_id): r
        for r in await session.scalars(
            select(SupportProfile).where(SupportProfile.partner_id.in_(partners))
        )
    }
    return [rows.get(k) for k in keys]


async def support_lists(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> list[list[SupportContact]]:
    """The support list of each (partner, program), in escalation order."""
    partners = list({p for p, _ in keys})
    groups: dict[tuple[uuid.UUID, uuid.UUID], list[SupportContact]] = defaultdict(list)
    for row in await session.scalars(
        select(SupportContact)
        .where(SupportContact.partner_id.in_(partners))
        .order_by(SupportContact.position)
    ):
        groups[(row.partner_id, row.program_id)].append(row)
    return [groups.get(k, []) for k in keys]


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents to list."""

    program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    open: bool | None = None
    classification: str | None = None
    only_ids: tuple[uuid.UUID, ...] | None = None


def incidents_query(where: IncidentFilter) -> Select[Incident]:
    """The SELECT of incidents matching a filter."""
    stmt = select(Incident)
    if where.program_id is not None:
        stmt = stmt.where(Incident.program_id == where.program_id)
    if where.partner_id is not None:
        stmt = stmt.where(Incident.partner_id == where.partner_id)
    if where.open is not None:
        stmt = stmt.where(
            Incident.closed_at.is_(None) if where.open else Incident.closed_at.is_not(None)
        )
    if where.classification is not None:
        stmt = stmt.where(Incident.classification == where.classification)
    if where.only_ids is not None:
        stmt = stmt.where(Incident.id.in_(where.only_ids or [uuid.UUID(int=0)]))
    return stmt


async def incident_ids(session: AsyncSession, where: IncidentFilter) -> list[uuid.UUID]:
    """Ids of the incidents matching a filter."""
    stmt = incidents_query(where).with_only_columns(Incident.id)
    return list(await session.scalars(stmt))
