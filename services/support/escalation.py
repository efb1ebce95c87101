"""Use cases of the response clock: responses, escalation and overdue incidents (SUP-04/05)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Incident, IncidentEvent, Program
from models.support.queries import incident_ids, incidents_query
from rules.escalation import IncidentClock, escalation_opens_at, is_overdue
from rules.global_ids import global_id
from services.actor import Actor
from services.audit.log import record
from services.errors import UseCaseError, input_error
from services.support.incidents import changeable_incident
from services.support.policy import LONG_MAX, Code, clean_text, policy, window_of
from services.support.times import dated, fact_time
from services.webhooks.outbox import emit


def clock_of(program: Program, incident: Incident, events: list[IncidentEvent]) -> IncidentClock:
    """The escalation clock of an incident from its stored facts."""
    return IncidentClock(
        reported_at=incident.reported_at,
        target_hours=Decimal(incident.target_hours),
        window=window_of(program, incident.window_key),
        clock=incident.clock,
        escalations=sorted(e.at for e in events if e.kind == "escalation"),
        responses=sorted(e.at for e in events if e.kind == "response"),
        max_level=len(policy(program).escalation_levels),
    )


async def respond(
    session: AsyncSession,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    message: str,
    at: datetime | None,
    expected_version: int | None = None,
) -> Incident:
    """Record the program's response to an incident (SUP-05); admins only."""
    if not actor.is_admin:
        raise input_error("incidentId", Code.FORBIDDEN, "responses are recorded by admin keys")
    incident, program, _events = await changeable_incident(
        session, actor, incident_id, expected_version
    )
    when = fact_time(actor, at, incident, "respondedAt")
    session.add(
        IncidentEvent(
            id=uuid.uuid4(),
            incident_id=incident.id,
            kind="response",
            at=when,
            message=clean_text("message", message, LONG_MAX),
            actor_role=actor.role.value,
        )
    )
    incident.version += 1
    await session.flush()
    await record(
        session,
        actor,
        "respondToIncident",
        "Incident",
        incident.id,
        {"responded_at": [None, when.isoformat()]},
        dated=dated(program, when),
    )
    return incident


async def escalate(
    session: AsyncSession,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    at: datetime | None,
    expected_version: int | None = None,
) -> Incident:
    """Escalate one level once a target passed without a response (SUP-05)."""
    incident, program, events = await changeable_incident(
        session, actor, incident_id, expected_version
    )
    when = fact_time(actor, at, incident, "escalatedAt")
    clock = clock_of(program, incident, [e for e in events if e.at <= when])
    opens = escalation_opens_at(clock)
    if opens is None:
        why = (
            "the last escalation level is reached"
            if clock.level >= clock.max_level
            else "the response came within the target time"
        )
        raise input_error("incidentId", Code.ESCALATION_NOT_AVAILABLE, f"no escalation: {why}")
    if when < opens:
        raise UseCaseError.one(
            ["input", "incidentId"],
            Code.ESCALATION_NOT_YET,
            f"escalation becomes possible at {opens.isoformat()} when the target response "
            f"time passes without a response",
        )
    level = clock.level + 1
    session.add(
        IncidentEvent(
            id=uuid.uuid4(),
            incident_id=incident.id,
            kind="escalation",
            level=level,
            at=when,
            actor_role=actor.role.value,
        )
    )
    incident.version += 1
    await session.flush()
    name = policy(program).escalation_levels[level - 1]
    await record(
        session,
        actor,
        "escalateIncident",
        "Incident",
        incident.id,
        {"escalation": [None, name], "at": [None, when.isoformat()]},
        dated=dated(program, when),
    )
    await emit(
        session,
        "incident.escalated",
        incident.partner_id,
        {"incident": global_id("Incident", incident.id), "level": level, "levelName": name},
    )
    return incident


async def narrow_by_overdue(session: AsyncSession, where: Any, overdue: bool, now: datetime) -> Any:
    """`where` narrowed to the incidents whose response is (or is not) late at `now`.

    Lateness depends on support-hours clocks, so it is computed here, not in SQL.
    """
    incidents = list(await session.scalars(incidents_query(replace(where, open=True))))
    programs = {p.id: p for p in await session.scalars(select(Program))}
    events: dict[uuid.UUID, list[IncidentEvent]] = {i.id: [] for i in incidents}
    for event in await session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id.in_(list(events)))
    ):
        events[event.incident_id].append(event)
    late = {
        i.id
        for i in incidents
        if is_overdue(clock_of(programs[i.program_id], i, events[i.id]), now)
    }
    if overdue:
        return replace(where, only_ids=tuple(late))
    return replace(
        where, only_ids=tuple(i for i in await incident_ids(session, where) if i not in late)
    )
