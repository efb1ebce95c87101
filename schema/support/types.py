"""Support: hours, support list, incidents with live response clocks (SUP-01..06)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models import Incident as IncidentRow
from models import SupportContact as ContactRow
from models.base import utcnow
from rules.escalation import escalation_opens_at, is_overdue, response_due_at
from schema.common import Node, present
from schema.context import Info
from schema.ids import encode_id
from schema.programs.types import Program
from services.programs.definition import ProgramDefinition
from services.programs.typed import spec_of
from services.support.escalation import clock_of
from services.support.policy import policy

if TYPE_CHECKING:
    from schema.partners.types import Partner


@strawberry.type(description="A support-hours window (SUP-01).")
class SupportWindow:
    key: str
    name: str
    timezone: str = strawberry.field(description="IANA time zone.")
    opens: dt.time
    closes: dt.time
    days: list[str]


@strawberry.type(description="An incident classification and its target response time.")
class IncidentClassification:
    key: str
    name: str
    description: str
    target_response_hours: Decimal


@strawberry.type(description="A contact of the support list, in escalation order (SUP-02).")
class SupportContact:
    id: strawberry.ID
    position: int = strawberry.field(description="1 is asked first.")
    name: str
    email: str
    phone: str
    role: str

    @classmethod
    def from_row(cls, row: ContactRow) -> SupportContact:
        return cls(
            id=strawberry.ID(encode_id("SupportContact", row.id)),
            position=row.position,
            name=row.name,
            email=row.email,
            phone=row.phone,
            role=row.role,
        )


@strawberry.enum(description="Who the primary contact is.")
class PrimaryContactKind(enum.Enum):
    CSM = "csm"
    SUPPORT_LIST = "support_list"


@strawberry.type(
    description="The incident's primary contact: the assigned CSM, else the first "
    "contact of the support list (SUP-05)."
)
class PrimaryContact:
    kind: PrimaryContactKind
    name: str
    email: str


@strawberry.type(description="A partner's support settings in one program.")
class SupportSettings:
    partner_id: strawberry.Private[uuid.UUID]
    program_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The chosen window; null until chosen.")
    async def window(self, info: Info) -> SupportWindow | None:
        profile = await info.context.loaders.support_profile.load(
            (self.partner_id, self.program_id)
        )
        program = present(await info.context.loaders.program.load(self.program_id))
        if profile is None or not profile.window_key:
            return None
        return _window(spec_of(program), profile.window_key)

    @strawberry.field(description="The contacts, in escalation order.")
    async def contacts(self, info: Info) -> list[SupportContact]:
        rows = await info.context.loaders.support_list.load((self.partner_id, self.program_id))
        return [SupportContact.from_row(r) for r in rows]

    @strawberry.field(description="The primary contact for every incident.")
    async def primary_contact(self, info: Info) -> PrimaryContact | None:
        return await _primary(info, self.partner_id, self.program_id)


def support_windows(definition: ProgramDefinition) -> list[SupportWindow]:
    """The program's support windows."""
    support = definition.support
    return [
        SupportWindow(
            key=item.key,
            name=item.name,
            timezone=item.timezone,
            opens=item.opens,
            closes=item.closes,
            days=list(item.days),
        )
        for item in (support.windows if support else [])
    ]


def classifications(definition: ProgramDefinition) -> list[IncidentClassification]:
    """The program's incident classifications."""
    support = definition.support
    return [
        IncidentClassification(
            key=c.key,
            name=c.name,
            description=c.description,
            target_response_hours=c.target_response_hours,
        )
        for c in (support.classifications if support else [])
    ]


def _window(definition: ProgramDefinition, key: str) -> SupportWindow | None:
    return next((w for w in support_windows(definition) if w.key == key), None)


async def _primary(
    info: Info, partner_id: uuid.UUID, program_id: uuid.UUID
) -> PrimaryContact | None:
    profile = await info.context.loaders.support_profile.load((partner_id, program_id))
    if profile is not None and profile.csm_email:
        return PrimaryContact(
            kind=PrimaryContactKind.CSM, name=profile.csm_name or "", email=profile.csm_email
        )
    contacts = await info.context.loaders.support_list.load((partner_id, program_id))
    if not contacts:
        return None
    return PrimaryContact(
        kind=PrimaryContactKind.SUPPORT_LIST, name=contacts[0].name, email=contacts[0].email
    )


@strawberry.type(description="A response or escalation of an incident.")
class IncidentEvent:
    kind: str = strawberry.field(description="response or escalation.")
    level: int | None = strawberry.field(description="Escalation level (1, 2).")
    level_name: str | None
    at: dt.datetime
    message: str


@strawberry.type(description="A log file or data attached to an incident.")
class IncidentAttachment:
    filename: str
    content_type: str
    size: int
    sha256: str


@strawberry.enum(description="Whether an incident is open.")
class IncidentStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


@strawberry.type(description="An incident report and its response clock (SUP-03..06).")
class Incident(Node):
    row: strawberry.Private[IncidentRow]
    reference: str | None = strawberry.field(description="Support's incident id, if given.")
    affected_aspects: str
    user_impact: str
    started_at: dt.datetime
    steps_to_reproduce: str
    error_message: str
    logs: str
    reported_at: dt.datetime = strawberry.field(description="Start of the response clock.")
    clock: str = strawberry.field(description="support_hours or calendar (program data).")
    close_reason: str | None
    exclusion_reason: str | None
    closed_at: dt.datetime | None
    version: int = strawberry.field(description="Increases with every change.")

    @classmethod
    def from_row(cls, row: IncidentRow) -> Incident:
        return cls(
            id=strawberry.ID(encode_id("Incident", row.id)),
            row=row,
            reference=row.reference,
            affected_aspects=row.affected_aspects,
            user_impact=row.user_impact,
            started_at=row.started_at,
            steps_to_reproduce=row.steps_to_reproduce,
            error_message=row.error_message,
            logs=row.logs,
            reported_at=row.reported_at,
            clock=row.clock,
            close_reason=row.close_reason,
            exclusion_reason=row.exclusion_reason,
            closed_at=row.closed_at,
            version=row.version,
        )

    async def _clock(self, info: Info) -> Any:
        program = present(await info.context.loaders.program.load(self.row.program_id))
        events = await info.context.loaders.events_of_incident.load(self.row.id)
        return clock_of(program, self.row, list(events))

    @strawberry.field
    def status(self) -> IncidentStatus:
        return IncidentStatus.CLOSED if self.row.closed_at else IncidentStatus.OPEN

    @strawberry.field(description="Classification and its target response time (SUP-04).")
    async def classification(self, info: Info) -> IncidentClassification:
        program = present(await info.context.loaders.program.load(self.row.program_id))
        item = next(c for c in policy(program).classifications if c.key == self.row.classification)
        return IncidentClassification(
            key=item.key,
            name=item.name,
            description=item.description,
            target_response_hours=Decimal(self.row.target_hours),
        )

    @strawberry.field(description="The support window the clock runs in.")
    async def support_window(self, info: Info) -> SupportWindow | None:
        program = present(await info.context.loaders.program.load(self.row.program_id))
        return _window(spec_of(program), self.row.window_key)

    @strawberry.field(
        description="When the current stage's response is due; null once it "
        "has a response or the incident is closed. Right as of now, no job needed."
    )
    async def response_due_at(self, info: Info) -> dt.datetime | None:
        if self.row.closed_at is not None:
            return None
        return response_due_at(await self._clock(info))

    @strawberry.field(description="A response is due and late, as of now.")
    async def overdue(self, info: Info) -> bool:
        return self.row.closed_at is None and is_overdue(await self._clock(info), utcnow())

    @strawberry.field(description="Escalation level reached: 0 none, 1, 2 (SUP-05).")
    async def escalation_level(self, info: Info) -> int:
        return int((await self._clock(info)).level)

    @strawberry.field(description="When the next escalation becomes possible; null if never.")
    async def escalation_available_at(self, info: Info) -> dt.datetime | None:
        if self.row.closed_at is not None:
            return None
        return escalation_opens_at(await self._clock(info))

    @strawberry.field(description="Responses and escalations, in time order.")
    async def events(self, info: Info) -> list[IncidentEvent]:
        program = present(await info.context.loaders.program.load(self.row.program_id))
        levels = policy(program).escalation_levels
        rows = await info.context.loaders.events_of_incident.load(self.row.id)
        return [
            IncidentEvent(
                kind=e.kind,
                level=e.level,
                at=e.at,
                message=e.message,
                level_name=levels[e.level - 1] if e.level else None,
            )
            for e in rows
        ]

    @strawberry.field
    async def attachments(self, info: Info) -> list[IncidentAttachment]:
        rows = await info.context.loaders.attachments_of_incident.load(self.row.id)
        return [
            IncidentAttachment(
                filename=r.filename, content_type=r.content_type, size=r.size, sha256=r.sha256
            )
            for r in rows
        ]

    @strawberry.field(description="The CSM if assigned, else the first support-list contact.")
    async def primary_contact(self, info: Info) -> PrimaryContact | None:
        return await _primary(info, self.row.partner_id, self.row.program_id)

    @strawberry.field
    async def program(self, info: Info) -> Program:
        return Program.from_row(
            present(await info.context.loaders.program.load(self.row.program_id))
        )

    @strawberry.field
    async def partner(
        self, info: Info
    ) -> Annotated[Partner, strawberry.lazy("schema.partners.types")]:
        from schema.partners.types import Partner

        return Partner.from_row(
            present(await info.context.loaders.partner.load(self.row.partner_id))
        )
