"""Use cases of incidents: open, attach, close as resolved or excluded (SUP-03/04/06)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Incident, IncidentAttachment, IncidentEvent, Program
from models.documents.blobs import BlobStore
from rules.citations import cited_in
from services.actor import Actor
from services.audit.log import record
from services.errors import check_version, input_error
from services.support.policy import LONG_MAX, Code, clean_text, policy, scope
from services.support.profiles import contacts, profile_of
from services.support.times import closed_time, dated, reported_at

ATTACHMENT_MAX = 10 * 1024 * 1024


@dataclass(frozen=True)
class IncidentInput:
    """An incident report (SUP-03)."""

    classification: str
    affected_aspects: str
    user_impact: str
    started_at: datetime
    steps_to_reproduce: str
    error_message: str
    logs: str = ""
    reference: str | None = None
    reported_at: datetime | None = None


async def open_incident(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    report: IncidentInput,
) -> Incident:
    """Open an incident; its response clock starts at the report (SUP-03/04)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    section = policy(program)
    classes = {c.key: c for c in section.classifications}
    if report.classification not in classes:
        raise input_error(
            "classification",
            Code.UNKNOWN_CLASSIFICATION,
            f"classification is one of {', '.join(classes)}",
        )
    fields = {
        name: clean_text(camel, getattr(report, name), LONG_MAX)
        for name, camel in (
            ("affected_aspects", "affectedAspects"),
            ("user_impact", "userImpact"),
            ("steps_to_reproduce", "stepsToReproduce"),
            ("error_message", "errorMessage"),
        )
    }
    logs = clean_text("logs", report.logs, LONG_MAX, required=False)
    reported = reported_at(actor, report.reported_at, report.started_at)
    profile = await profile_of(session, partner, program)
    cites = policy(program).cites
    if not profile.window_key:
        raise input_error(
            "programId",
            Code.NO_SUPPORT_HOURS,
            f"choose a support-hours window first{cited_in(cites.get('windows', []))}",
        )
    if not await contacts(session, partner.id, program.id):
        raise input_error(
            "programId",
            Code.NO_SUPPORT_CONTACT,
            "add at least one contact to the support list first"
            f"{cited_in(cites.get('contacts', []))}",
        )
    reference = clean_text("reference", report.reference or "", 64, required=False) or None
    incident = Incident(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        reference=reference,
        classification=report.classification,
        started_at=report.started_at,
        reported_at=reported,
        logs=logs,
        window_key=profile.window_key,
        clock=section.clock,
        target_hours=classes[report.classification].target_response_hours,
        version=1,
        **fields,
    )
    session.add(incident)
    await session.flush()
    await record(
        session,
        actor,
        "openIncident",
        "Incident",
        incident.id,
        {
            "classification": [None, incident.classification],
            "reported_at": [None, reported.isoformat()],
        },
        dated=dated(program, reported),
    )
    return incident


async def load_incident(
    session: AsyncSession, actor: Actor, incident_id: uuid.UUID
) -> tuple[Incident, Program, list[IncidentEvent]]:
    """An incident the caller may see, locked, with its program and events."""
    incident = await session.get(Incident, incident_id, with_for_update=True)
    if incident is None or not actor.may_see_partner(incident.partner_id):
        raise input_error("incidentId", Code.INCIDENT_NOT_FOUND, "no incident has that id")
    program = await session.get(Program, incident.program_id)
    assert program is not None
    events = list(
        await session.scalars(
            select(IncidentEvent)
            .where(IncidentEvent.incident_id == incident.id)
            .order_by(IncidentEvent.at)
        )
    )
    return incident, program, events


async def changeable_incident(
    session: AsyncSession,
    actor: Actor,
    incident_id: uuid.UUID,
    expected_version: int | None,
    closed_message: str = "the incident is closed",
) -> tuple[Incident, Program, list[IncidentEvent]]:
    """An incident the caller may change: visible, locked, open and at the expected version."""
    incident, program, events = await load_incident(session, actor, incident_id)
    check_version(incident.version, expected_version, Code)
    if incident.closed_at is not None:
        raise input_error("incidentId", Code.INCIDENT_CLOSED, closed_message)
    return incident, program, events


async def close_incident(
    session: AsyncSession,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    excluded: bool,
    exclusion_reason: str | None,
    note: str,
    expected_version: int | None = None,
    closed_at: datetime | None = None,
) -> Incident:
    """Close an incident as resolved, or as excluded with one of the policy's reasons (SUP-06),
    now or at a past time an admin key gives (never before the report or its last event)."""
    if not actor.is_admin:
        raise input_error("incidentId", Code.FORBIDDEN, "incidents are closed by admin keys")
    incident, program, events = await changeable_incident(
        session, actor, incident_id, expected_version, "the incident is already closed"
    )
    reasons = policy(program).exclusion_reasons
    if excluded and not exclusion_reason:
        raise input_error(
            "exclusionReason",
            Code.EXCLUSION_REASON_REQUIRED,
            f"an excluded incident names one of: {', '.join(reasons)}",
        )
    if exclusion_reason and (not excluded or exclusion_reason not in reasons):
        raise input_error(
            "exclusionReason",
            Code.UNKNOWN_EXCLUSION_REASON,
            f"exclusionReason is one of {', '.join(reasons)}, for excluded incidents",
        )
    incident.closed_at = closed_time(actor, closed_at, incident, events)
    incident.close_reason = "excluded" if excluded else "resolved"
    incident.exclusion_reason = exclusion_reason
    incident.close_note = clean_text("note", note, LONG_MAX, required=False) or None
    incident.version += 1
    await session.flush()
    await record(
        session,
        actor,
        "closeIncident",
        "Incident",
        incident.id,
        {
            "close_reason": [None, incident.close_reason],
            "exclusion_reason": [None, exclusion_reason],
        },
        dated=dated(program, incident.closed_at),
    )
    return incident


async def attach(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    incident_id: uuid.UUID,
    filename: str,
    content_type: str,
    data: bytes,
) -> Incident:
    """Attach a log file or data to an incident (stored by SHA-256)."""
    incident, _program, _events = await load_incident(session, actor, incident_id)
    if len(data) > ATTACHMENT_MAX:
        raise input_error(
            "file",
            Code.FILE_TOO_LARGE,
            f"an attachment is limited to {ATTACHMENT_MAX // (1024 * 1024)} MiB",
        )
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-")[:120] or "attachment"
    digest = store.put(data)
    session.add(
        IncidentAttachment(
            id=uuid.uuid4(),
            incident_id=incident.id,
            filename=name,
            content_type=(content_type or "application/octet-stream")[:128],
            size=len(data),
            sha256=digest,
        )
    )
    incident.version += 1
    await session.flush()
    count = await session.scalar(
        select(func.count())
        .select_from(IncidentAttachment)
        .where(IncidentAttachment.incident_id == incident.id)
    )
    await record(
        session,
        actor,
        "attachToIncident",
        "Incident",
        incident.id,
        {"attachment": [None, name], "sha256": [None, digest], "attachments": [None, count]},
    )
    return incident
