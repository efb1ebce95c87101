"""Use cases of the support policy (SUP-01..06): hours, support list, incidents, escalation."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Incident,
    IncidentAttachment,
    IncidentEvent,
    Partner,
    Program,
    SupportContact,
    SupportProfile,
)
from models.base import utcnow
from models.documents.blobs import BlobStore
from rules.escalation import IncidentClock, escalation_opens_at, is_overdue
from rules.global_ids import global_id
from rules.support_hours import Window
from services.actor import Actor
from services.audit.log import record
from services.errors import SupportErrorCode, UseCaseError, check_version, input_error
from services.scope import partner_and_program
from services.webhooks.outbox import emit

Code = SupportErrorCode
TEXT_MAX = 200
LONG_MAX = 20_000
ATTACHMENT_MAX = 10 * 1024 * 1024
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{6,40}$")


def policy(program: Program) -> dict[str, Any]:
    """The program's support section."""
    section = program.definition.get("support")
    if section is None:
        raise input_error(
            "programId", Code.NO_SUPPORT_POLICY, f"{program.slug} has no support policy"
        )
    return dict(section)


def window_of(program: Program, key: str) -> Window:
    """A support window of the program by key."""
    for item in policy(program)["windows"]:
        if item["key"] == key:
            return Window.from_program(item)
    raise input_error("window", Code.UNKNOWN_WINDOW, f"unknown support window {key!r}")


def clock_of(program: Program, incident: Incident, events: list[IncidentEvent]) -> IncidentClock:
    """The escalation clock of an incident from its stored facts."""
    return IncidentClock(
        reported_at=incident.reported_at,
        target_hours=Decimal(incident.target_hours),
        window=window_of(program, incident.window_key),
        clock=incident.clock,
        escalations=sorted(e.at for e in events if e.kind == "escalation"),
        responses=sorted(e.at for e in events if e.kind == "response"),
        max_level=len(policy(program)["escalation_levels"]),
    )


async def _scope(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID | None, program_id: uuid.UUID
) -> tuple[Partner, Program]:
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    policy(program)
    return partner, program


def _text(field: str, value: str, limit: int, *, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise input_error(field, Code.REQUIRED, f"{field} is required")
    if len(text) > limit:
        raise input_error(field, Code.TOO_LONG, f"{field} is limited to {limit} characters")
    return text


async def set_support_hours(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    window: str,
) -> SupportProfile:
    """Choose the partner's support-hours window (SUP-01)."""
    partner, program = await _scope(session, actor, partner_id, program_id)
    window_of(program, window)
    profile = await _profile(session, partner, program)
    old = profile.window_key if profile.id else None
    profile.window_key = window
    session.add(profile)
    await session.flush()
    await record(
        session, actor, "setSupportHours", "Partner", partner.id, {"window": [old, window]}
    )
    return profile


async def _profile(session: AsyncSession, partner: Partner, program: Program) -> SupportProfile:
    profile = await session.scalar(
        select(SupportProfile).where(
            SupportProfile.partner_id == partner.id, SupportProfile.program_id == program.id
        )
    )
    return profile or SupportProfile(
        id=uuid.uuid4(), partner_id=partner.id, program_id=program.id, window_key=""
    )


async def assign_csm(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    program_id: uuid.UUID,
    name: str | None,
    email: str | None,
) -> SupportProfile:
    """Assign (or clear) the partner's Customer Success Manager (SUP-05), admins only."""
    if not actor.is_admin:
        raise input_error("partnerId", Code.FORBIDDEN, "only an admin key assigns a CSM")
    partner, program = await _scope(session, actor, partner_id, program_id)
    clean_name = _text("name", name or "", TEXT_MAX, required=False) or None
    clean_email = _text("email", email or "", 254, required=False) or None
    if clean_email and not EMAIL.match(clean_email):
        raise input_error("email", Code.INVALID_EMAIL, "email is not an e-mail address")
    if bool(clean_name) != bool(clean_email):
        raise input_error("name", Code.REQUIRED, "a CSM needs both a name and an e-mail")
    profile = await _profile(session, partner, program)
    profile.csm_name, profile.csm_email = clean_name, clean_email
    session.add(profile)
    await session.flush()
    await record(session, actor, "assignCsm", "Partner", partner.id, {"csm": [None, clean_email]})
    return profile


@dataclass(frozen=True)
class ContactInput:
    """A support-list contact as given."""

    name: str
    email: str
    phone: str
    role: str


async def contacts(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID
) -> list[SupportContact]:
    """The support list in escalation order."""
    return list(
        await session.scalars(
            select(SupportContact)
            .where(SupportContact.partner_id == partner_id, SupportContact.program_id == program_id)
            .order_by(SupportContact.position)
        )
    )


async def add_contact(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    contact: ContactInput,
    position: int | None,
) -> list[SupportContact]:
    """Add a contact at `position` (1 = first asked; default last) (SUP-02)."""
    partner, program = await _scope(session, actor, partner_id, program_id)
    name = _text("name", contact.name, TEXT_MAX)
    email = _text("email", contact.email, 254)
    phone = _text("phone", contact.phone, 40)
    role = _text("role", contact.role, TEXT_MAX)
    if not EMAIL.match(email):
        raise input_error("email", Code.INVALID_EMAIL, "email is not an e-mail address")
    if not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6:
        raise input_error("phone", Code.INVALID_PHONE, "phone is not a phone number")
    current = await contacts(session, partner.id, program.id)
    index = len(current) if position is None else max(0, min(position - 1, len(current)))
    current.insert(
        index,
        SupportContact(
            id=uuid.uuid4(),
            partner_id=partner.id,
            program_id=program.id,
            position=0,
            name=name,
            email=email,
            phone=phone,
            role=role,
        ),
    )
    await _renumber(session, current)
    await record(
        session,
        actor,
        "addSupportContact",
        "Partner",
        partner.id,
        {"contact": [None, email], "position": [None, index + 1]},
    )
    return current


async def _renumber(session: AsyncSession, ordered: list[SupportContact]) -> None:
    for offset, row in enumerate(ordered, start=1):
        row.position = -offset  # park first: positions never collide mid-way
        session.add(row)
    await session.flush()
    for offset, row in enumerate(ordered, start=1):
        row.position = offset
    await session.flush()


async def remove_contact(
    session: AsyncSession, actor: Actor, *, contact_id: uuid.UUID
) -> list[SupportContact]:
    """Remove a contact; the last one cannot go while the list is required (SUP-02)."""
    row = await session.get(SupportContact, contact_id)
    if row is None or not actor.may_see_partner(row.partner_id):
        raise input_error("contactId", Code.CONTACT_NOT_FOUND, "no contact has that id")
    current = await contacts(session, row.partner_id, row.program_id)
    if len(current) == 1:
        raise input_error(
            "contactId",
            Code.LAST_CONTACT,
            "the support list needs at least one contact; add another first",
        )
    await session.delete(row)
    remaining = [c for c in current if c.id != row.id]
    await _renumber(session, remaining)
    await record(
        session,
        actor,
        "removeSupportContact",
        "Partner",
        row.partner_id,
        {"contact": [row.email, None]},
    )
    return remaining


async def reorder_contacts(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    order: list[uuid.UUID],
) -> list[SupportContact]:
    """Put the support list in a new escalation order (every contact exactly once)."""
    partner, program = await _scope(session, actor, partner_id, program_id)
    current = {c.id: c for c in await contacts(session, partner.id, program.id)}
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise input_error(
            "contactIds", Code.NOT_A_PERMUTATION, "give every contact of the list exactly once"
        )
    ordered = [current[i] for i in order]
    await _renumber(session, ordered)
    await record(
        session,
        actor,
        "reorderSupportContacts",
        "Partner",
        partner.id,
        {"order": [None, [str(i) for i in order]]},
    )
    return ordered


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
    partner, program = await _scope(session, actor, partner_id, program_id)
    section = policy(program)
    classes = {c["key"]: c for c in section["classifications"]}
    if report.classification not in classes:
        raise input_error(
            "classification",
            Code.UNKNOWN_CLASSIFICATION,
            f"classification is one of {', '.join(classes)}",
        )
    fields = {
        name: _text(camel, getattr(report, name), LONG_MAX)
        for name, camel in (
            ("affected_aspects", "affectedAspects"),
            ("user_impact", "userImpact"),
            ("steps_to_reproduce", "stepsToReproduce"),
            ("error_message", "errorMessage"),
        )
    }
    logs = _text("logs", report.logs, LONG_MAX, required=False)
    now = utcnow()
    reported = report.reported_at or now
    if report.reported_at is not None and not actor.is_admin:
        raise input_error("reportedAt", Code.FORBIDDEN, "only admin keys record past reports")
    if reported > now or report.started_at > now or report.started_at.tzinfo is None:
        raise input_error(
            "startedAt", Code.INVALID_DATE, "times must be in the past, with an offset"
        )
    profile = await _profile(session, partner, program)
    if not profile.window_key:
        raise input_error(
            "programId", Code.NO_SUPPORT_HOURS, "choose a support-hours window first (SUP-01)"
        )
    if not await contacts(session, partner.id, program.id):
        raise input_error(
            "programId",
            Code.NO_SUPPORT_CONTACT,
            "add at least one contact to the support list first (SUP-02)",
        )
    reference = _text("reference", report.reference or "", 64, required=False) or None
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
        clock=section["clock"],
        target_hours=Decimal(str(classes[report.classification]["target_response_hours"])),
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


def _when(actor: Actor, at: datetime | None, incident: Incident, field: str) -> datetime:
    now = utcnow()
    if at is None:
        return now
    if not actor.is_admin:
        raise input_error(field, Code.FORBIDDEN, "only admin keys record past events")
    if at.tzinfo is None or at > now or at < incident.reported_at:
        raise input_error(field, Code.INVALID_DATE, f"{field} is between the report and now")
    return at


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
    incident, _program, _events = await load_incident(session, actor, incident_id)
    check_version(incident.version, expected_version, Code)
    if incident.closed_at is not None:
        raise input_error("incidentId", Code.INCIDENT_CLOSED, "the incident is closed")
    when = _when(actor, at, incident, "respondedAt")
    session.add(
        IncidentEvent(
            id=uuid.uuid4(),
            incident_id=incident.id,
            kind="response",
            at=when,
            message=_text("message", message, LONG_MAX),
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
    incident, program, events = await load_incident(session, actor, incident_id)
    check_version(incident.version, expected_version, Code)
    if incident.closed_at is not None:
        raise input_error("incidentId", Code.INCIDENT_CLOSED, "the incident is closed")
    when = _when(actor, at, incident, "escalatedAt")
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
    name = policy(program)["escalation_levels"][level - 1]
    await record(
        session,
        actor,
        "escalateIncident",
        "Incident",
        incident.id,
        {"escalation": [None, name], "at": [None, when.isoformat()]},
    )
    await emit(
        session,
        "incident.escalated",
        incident.partner_id,
        {"incident": global_id("Incident", incident.id), "level": level, "levelName": name},
    )
    return incident


async def close_incident(
    session: AsyncSession,
    actor: Actor,
    *,
    incident_id: uuid.UUID,
    excluded: bool,
    exclusion_reason: str | None,
    note: str,
    expected_version: int | None = None,
) -> Incident:
    """Close an incident as resolved, or as excluded with one of the policy's reasons (SUP-06)."""
    if not actor.is_admin:
        raise input_error("incidentId", Code.FORBIDDEN, "incidents are closed by admin keys")
    incident, program, _events = await load_incident(session, actor, incident_id)
    check_version(incident.version, expected_version, Code)
    if incident.closed_at is not None:
        raise input_error("incidentId", Code.INCIDENT_CLOSED, "the incident is already closed")
    reasons = policy(program)["exclusion_reasons"]
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
    incident.closed_at = utcnow()
    incident.close_reason = "excluded" if excluded else "resolved"
    incident.exclusion_reason = exclusion_reason
    incident.close_note = _text("note", note, LONG_MAX, required=False) or None
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


async def narrow_by_overdue(session: AsyncSession, where: Any, overdue: bool, now: datetime) -> Any:
    """`where` narrowed to the incidents whose response is (or is not) late at `now`.

    Lateness depends on support-hours clocks, so it is computed here, not in SQL.
    """
    from dataclasses import replace

    from models.support.queries import incident_ids, incidents_query

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
