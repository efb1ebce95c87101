"""Mutations of incidents: open, respond, escalate, close, attach (SUP-03..06)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from models import Incident as IncidentRow
from models.documents.blobs import BlobStore
from schema.context import Info
from schema.payloads import attempt, user_errors
from schema.support.mutations.errors import Code, SupportUserError, support_id
from schema.support.types import Incident
from services.actor import Actor
from services.errors import FieldError, input_error
from services.support import escalation, incidents


@strawberry.input(description="An incident report (SUP-03); texts up to 20,000 characters.")
class OpenIncidentInput:
    program_id: strawberry.ID
    classification: str = strawberry.field(description="Key from the program's classifications.")
    affected_aspects: str
    user_impact: str
    started_at: dt.datetime = strawberry.field(description="With a UTC offset.")
    steps_to_reproduce: str
    error_message: str
    logs: str = ""
    reference: str | None = strawberry.field(default=None, description="Support's incident id.")
    reported_at: dt.datetime | None = strawberry.field(
        default=None,
        description="Admin keys: when a report received elsewhere came in (not in the future: "
        "DATE_IN_FUTURE; a partner key giving it: BACKDATING_FORBIDDEN). The response clock "
        "runs from it.",
    )
    partner_id: strawberry.ID | None = None


@strawberry.input(description="Record a response (admin keys).")
class RespondToIncidentInput:
    incident_id: strawberry.ID
    message: str
    responded_at: dt.datetime | None = strawberry.field(default=None, description="Admin keys.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="Escalate one level once the target passed unanswered (SUP-05).")
class EscalateIncidentInput:
    incident_id: strawberry.ID
    escalated_at: dt.datetime | None = strawberry.field(
        default=None, description="Admin keys: record an escalation made by phone."
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(
    description="Close an incident; excluded needs a reason (SUP-06): "
    "unauthorized_use, internet_or_force_majeure, customer_infrastructure, "
    "third_party_systems."
)
class CloseIncidentInput:
    incident_id: strawberry.ID
    excluded: bool = False
    exclusion_reason: str | None = None
    note: str = ""
    closed_at: dt.datetime | None = strawberry.field(
        default=None,
        description="Admin keys: when it was closed (with an offset); not in the future "
        "(DATE_IN_FUTURE), not before the report or its last event (DATE_OUT_OF_ORDER).",
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="Attach a log file or data (at most 10 MiB, multipart upload).")
class AttachToIncidentInput:
    incident_id: strawberry.ID
    file: Upload


@strawberry.type(description="Result of an incident mutation.")
class IncidentPayload:
    incident: Incident | None
    user_errors: list[SupportUserError]


def _incident(row: IncidentRow | None, errors: list[FieldError]) -> IncidentPayload:
    return IncidentPayload(
        incident=Incident.from_row(row) if row else None,
        user_errors=user_errors(errors, SupportUserError),
    )


async def _open(session: AsyncSession, actor: Actor, data: OpenIncidentInput) -> IncidentRow:
    return await incidents.open_incident(
        session,
        actor,
        partner_id=support_id(data.partner_id, "Partner", "partnerId"),
        program_id=support_id(data.program_id, "Program", "programId"),
        report=incidents.IncidentInput(
            classification=data.classification,
            affected_aspects=data.affected_aspects,
            user_impact=data.user_impact,
            started_at=data.started_at,
            steps_to_reproduce=data.steps_to_reproduce,
            error_message=data.error_message,
            logs=data.logs,
            reference=data.reference,
            reported_at=data.reported_at,
        ),
    )


async def _respond(
    session: AsyncSession, actor: Actor, data: RespondToIncidentInput
) -> IncidentRow:
    return await escalation.respond(
        session,
        actor,
        incident_id=support_id(data.incident_id, "Incident", "incidentId"),
        message=data.message,
        at=data.responded_at,
        expected_version=data.expected_version,
    )


async def _escalate(
    session: AsyncSession, actor: Actor, data: EscalateIncidentInput
) -> IncidentRow:
    return await escalation.escalate(
        session,
        actor,
        incident_id=support_id(data.incident_id, "Incident", "incidentId"),
        at=data.escalated_at,
        expected_version=data.expected_version,
    )


async def _close(session: AsyncSession, actor: Actor, data: CloseIncidentInput) -> IncidentRow:
    return await incidents.close_incident(
        session,
        actor,
        incident_id=support_id(data.incident_id, "Incident", "incidentId"),
        excluded=data.excluded,
        exclusion_reason=data.exclusion_reason,
        note=data.note,
        expected_version=data.expected_version,
        closed_at=data.closed_at,
    )


async def _attach(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    data: AttachToIncidentInput,
    upload: tuple[str, str, bytes],
) -> IncidentRow:
    filename, content_type, content = upload
    return await incidents.attach(
        session,
        actor,
        store,
        incident_id=support_id(data.incident_id, "Incident", "incidentId"),
        filename=filename,
        content_type=content_type,
        data=content,
    )


@strawberry.type
class IncidentMutations:
    """Incidents and their response clock."""

    @strawberry.mutation(
        description="Open an incident (SUP-03); needs a support window and a support-list contact."
    )
    async def open_incident(self, info: Info, input: OpenIncidentInput) -> IncidentPayload:
        row, errors = await attempt(info, _open, input)
        return _incident(row, errors)

    @strawberry.mutation(description="Record a response to an incident (admin keys).")
    async def respond_to_incident(
        self, info: Info, input: RespondToIncidentInput
    ) -> IncidentPayload:
        row, errors = await attempt(info, _respond, input)
        return _incident(row, errors)

    @strawberry.mutation(
        description="Escalate an incident one level; refused early with "
        "ESCALATION_NOT_YET saying when it becomes possible (SUP-05)."
    )
    async def escalate_incident(self, info: Info, input: EscalateIncidentInput) -> IncidentPayload:
        row, errors = await attempt(info, _escalate, input)
        return _incident(row, errors)

    @strawberry.mutation(description="Close an incident as resolved or excluded (SUP-06).")
    async def close_incident(self, info: Info, input: CloseIncidentInput) -> IncidentPayload:
        row, errors = await attempt(info, _close, input)
        return _incident(row, errors)

    @strawberry.mutation(description="Attach logs or data to an incident.")
    async def attach_to_incident(self, info: Info, input: AttachToIncidentInput) -> IncidentPayload:
        upload = input.file
        if not isinstance(upload, UploadFile):
            refusal = input_error("file", Code.REQUIRED, "send the file as a multipart upload")
            return _incident(None, refusal.errors)
        data = await upload.read(incidents.ATTACHMENT_MAX + 1)
        meta = (upload.filename or "attachment", upload.content_type or "", data)
        row, errors = await attempt(info, _attach, info.context.store, input, meta)
        return _incident(row, errors)
