"""Mutations of a partner's support profile: support hours, CSM, support list (SUP-01/02/05)."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import SupportContact, SupportProfile
from schema.context import Info
from schema.payloads import attempt, user_errors
from schema.support.mutations.errors import SupportUserError, support_id
from schema.support.types import SupportSettings
from services.actor import Actor
from services.errors import FieldError
from services.support import profiles


@strawberry.input(description="Choose a support-hours window (SUP-01).")
class SetSupportHoursInput:
    program_id: strawberry.ID
    window: str = strawberry.field(description="Window key, e.g. pacific, gmt.")
    partner_id: strawberry.ID | None = None


@strawberry.input(description="Assign or clear a CSM (admin keys; both fields or neither).")
class AssignCsmInput:
    program_id: strawberry.ID
    partner_id: strawberry.ID
    name: str | None = None
    email: str | None = None


@strawberry.input(description="Add a support-list contact (SUP-02).")
class AddSupportContactInput:
    program_id: strawberry.ID
    name: str
    email: str
    phone: str
    role: str
    position: int | None = strawberry.field(
        default=None, description="1 = asked first; default: last."
    )
    partner_id: strawberry.ID | None = None


@strawberry.input(description="Remove a support-list contact (the last one stays).")
class RemoveSupportContactInput:
    contact_id: strawberry.ID


@strawberry.input(description="Reorder the support list: every contact exactly once.")
class ReorderSupportContactsInput:
    program_id: strawberry.ID
    contact_ids: list[strawberry.ID]
    partner_id: strawberry.ID | None = None


@strawberry.type(description="Result of a support-settings mutation.")
class SupportSettingsPayload:
    support: SupportSettings | None
    user_errors: list[SupportUserError]


def _settings(
    result: tuple[uuid.UUID, uuid.UUID] | None, errors: list[FieldError]
) -> SupportSettingsPayload:
    return SupportSettingsPayload(
        support=SupportSettings(partner_id=result[0], program_id=result[1]) if result else None,
        user_errors=user_errors(errors, SupportUserError),
    )


def _owner(row: SupportProfile | SupportContact) -> tuple[uuid.UUID, uuid.UUID]:
    return row.partner_id, row.program_id


async def _hours(
    session: AsyncSession, actor: Actor, data: SetSupportHoursInput
) -> tuple[uuid.UUID, uuid.UUID]:
    profile = await profiles.set_support_hours(
        session,
        actor,
        partner_id=support_id(data.partner_id, "Partner", "partnerId"),
        program_id=support_id(data.program_id, "Program", "programId"),
        window=data.window,
    )
    return _owner(profile)


async def _csm(
    session: AsyncSession, actor: Actor, data: AssignCsmInput
) -> tuple[uuid.UUID, uuid.UUID]:
    profile = await profiles.assign_csm(
        session,
        actor,
        partner_id=support_id(data.partner_id, "Partner", "partnerId"),
        program_id=support_id(data.program_id, "Program", "programId"),
        name=data.name,
        email=data.email,
    )
    return _owner(profile)


async def _add(
    session: AsyncSession, actor: Actor, data: AddSupportContactInput
) -> tuple[uuid.UUID, uuid.UUID]:
    rows = await profiles.add_contact(
        session,
        actor,
        partner_id=support_id(data.partner_id, "Partner", "partnerId"),
        program_id=support_id(data.program_id, "Program", "programId"),
        contact=profiles.ContactInput(data.name, data.email, data.phone, data.role),
        position=data.position,
    )
    return _owner(rows[0])


async def _remove(
    session: AsyncSession, actor: Actor, data: RemoveSupportContactInput
) -> tuple[uuid.UUID, uuid.UUID]:
    rows = await profiles.remove_contact(
        session, actor, contact_id=support_id(data.contact_id, "SupportContact", "contactId")
    )
    return _owner(rows[0])


async def _reorder(
    session: AsyncSession, actor: Actor, data: ReorderSupportContactsInput
) -> tuple[uuid.UUID, uuid.UUID]:
    rows = await profiles.reorder_contacts(
        session,
        actor,
        partner_id=support_id(data.partner_id, "Partner", "partnerId"),
        program_id=support_id(data.program_id, "Program", "programId"),
        order=[support_id(i, "SupportContact", "contactIds") for i in data.contact_ids],
    )
    return _owner(rows[0])


@strawberry.type
class SupportProfileMutations:
    """Support hours, the CSM and the support list."""

    @strawberry.mutation(description="Choose the partner's support-hours window (SUP-01).")
    async def set_support_hours(
        self, info: Info, input: SetSupportHoursInput
    ) -> SupportSettingsPayload:
        result, errors = await attempt(info, _hours, input)
        return _settings(result, errors)

    @strawberry.mutation(description="Assign or clear the partner's CSM (admin keys).")
    async def assign_csm(self, info: Info, input: AssignCsmInput) -> SupportSettingsPayload:
        result, errors = await attempt(info, _csm, input)
        return _settings(result, errors)

    @strawberry.mutation(description="Add a contact to the support list (SUP-02).")
    async def add_support_contact(
        self, info: Info, input: AddSupportContactInput
    ) -> SupportSettingsPayload:
        result, errors = await attempt(info, _add, input)
        return _settings(result, errors)

    @strawberry.mutation(description="Remove a contact; the list keeps at least one.")
    async def remove_support_contact(
        self, info: Info, input: RemoveSupportContactInput
    ) -> SupportSettingsPayload:
        result, errors = await attempt(info, _remove, input)
        return _settings(result, errors)

    @strawberry.mutation(description="Put the support list in a new escalation order.")
    async def reorder_support_contacts(
        self, info: Info, input: ReorderSupportContactsInput
    ) -> SupportSettingsPayload:
        result, errors = await attempt(info, _reorder, input)
        return _settings(result, errors)
