"""Mutations on partners: createPartner, updatePartner."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner as PartnerRow
from rules import partner_fields as pf
from schema.context import Info
from schema.partners.types import Partner
from schema.payloads import attempt, input_id, user_errors
from services.actor import Actor
from services.errors import PartnerErrorCode
from services.partners import registration as use_cases

PartnerErrorCodeEnum = strawberry.enum(
    PartnerErrorCode, name="PartnerErrorCode", description="Why a partner mutation was refused."
)


@strawberry.type(description="A refused partner input: the input path, a stable code, a message.")
class PartnerUserError:
    field: list[str] | None
    code: PartnerErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.input(description="A new partner. Names are 1..200 characters, the address 1..1000.")
class CreatePartnerInput:
    legal_name: str = strawberry.field(
        description=f"Registered legal name, 1..{pf.NAME_MAX} characters."
    )
    display_name: str | None = strawberry.field(
        default=None,
        description=f"Name shown in lists, 1..{pf.NAME_MAX}; defaults to the legal name.",
    )
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    notice_address: str = strawberry.field(
        description=f"Address for formal notices, 1..{pf.ADDRESS_MAX} characters."
    )
    website_domain: str | None = strawberry.field(
        default=None, description="Website domain or URL; kept as the bare domain (example.com)."
    )
    capacities: list[str] = strawberry.field(
        default_factory=list,
        description="Capacities the partner acts in, case-insensitive; each must be listed by a "
        "loaded program's `membership.capacities`, else UNKNOWN_CAPACITY.",
    )


@strawberry.input(description="Changes to a partner; omitted fields stay as they are.")
class UpdatePartnerInput:
    id: strawberry.ID = strawberry.field(description="The partner's ID.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the partner is at this version."
    )
    legal_name: str | None = strawberry.field(
        default=None, description=f"1..{pf.NAME_MAX} characters."
    )
    display_name: str | None = strawberry.field(
        default=None, description=f"1..{pf.NAME_MAX} characters."
    )
    country: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2 code.")
    notice_address: str | None = strawberry.field(
        default=None, description=f"1..{pf.ADDRESS_MAX} characters."
    )
    website_domain: str | None = strawberry.field(
        default=None, description="Website domain or URL; an empty string clears it."
    )
    capacities: list[str] | None = strawberry.field(
        default=None,
        description="Replaces the partner's capacities; each must be listed by a loaded "
        "program's `membership.capacities`, else UNKNOWN_CAPACITY.",
    )


@strawberry.type(description="Result of createPartner.")
class CreatePartnerPayload:
    partner: Partner | None
    user_errors: list[PartnerUserError]


@strawberry.type(description="Result of updatePartner.")
class UpdatePartnerPayload:
    partner: Partner | None
    user_errors: list[PartnerUserError]


def _fields(data: CreatePartnerInput | UpdatePartnerInput) -> use_cases.PartnerFields:
    return use_cases.PartnerFields(
        legal_name=data.legal_name,
        display_name=data.display_name,
        country=data.country,
        notice_address=data.notice_address,
        website_domain=data.website_domain,
        capacities=data.capacities,
    )


async def _update(session: AsyncSession, actor: Actor, data: UpdatePartnerInput) -> PartnerRow:
    ident = input_id(data.id, "Partner", "id", PartnerErrorCode.INVALID_ID)
    return await use_cases.update_partner(
        session, actor, ident, _fields(data), data.expected_version
    )


@strawberry.type
class PartnerMutations:
    @strawberry.mutation(description="Create a partner (admin keys only).")
    async def create_partner(self, info: Info, input: CreatePartnerInput) -> CreatePartnerPayload:
        row, errors = await attempt(info, use_cases.create_partner, _fields(input))
        return CreatePartnerPayload(
            partner=Partner.from_row(row) if row else None,
            user_errors=user_errors(errors, PartnerUserError),
        )

    @strawberry.mutation(description="Change a partner (admin keys, or the partner's own key).")
    async def update_partner(self, info: Info, input: UpdatePartnerInput) -> UpdatePartnerPayload:
        row, errors = await attempt(info, _update, input)
        return UpdatePartnerPayload(
            partner=Partner.from_row(row) if row else None,
            user_errors=user_errors(errors, PartnerUserError),
        )
