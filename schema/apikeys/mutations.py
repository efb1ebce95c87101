"""API key mutations: create, revoke, roll (the new token shown once) and expire."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey as ApiKeyRow
from schema.apikeys.types import ApiKey, ApiKeyRoleEnum
from schema.context import Info
from schema.payloads import attempt, input_id, user_errors
from services.actor import Actor
from services.apikeys import manage
from services.apikeys.keys import NewApiKey
from services.errors import ApiKeyErrorCode, FieldError

Code = ApiKeyErrorCode
ApiKeyErrorCodeEnum = strawberry.enum(
    ApiKeyErrorCode, name="ApiKeyErrorCode", description="Why an API key action was refused."
)


@strawberry.type(description="A refused API key input: the input path, a stable code, a message.")
class ApiKeyUserError:
    field: list[str] | None
    code: ApiKeyErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.input(
    description="Make a key. A partner's key holder makes PARTNER keys for its own partner "
    "only (partnerId may be left out); admins make any key."
)
class CreateApiKeyInput:
    name: str
    role: ApiKeyRoleEnum  # type: ignore[valid-type]
    partner_id: strawberry.ID | None = None
    expires_at: dt.datetime | None = None


@strawberry.input(description="Revoke a key now; it is refused from the next request on.")
class RevokeApiKeyInput:
    key_id: strawberry.ID


@strawberry.input(
    description="Replace a key with a new one of the same name, role and partner. The old key "
    "stops now, or at oldKeyExpiresAt to leave time to deploy the new one."
)
class RollApiKeyInput:
    key_id: strawberry.ID
    old_key_expires_at: dt.datetime | None = None


@strawberry.input(description="Set when a key stops working (null: never).")
class ExpireApiKeyInput:
    key_id: strawberry.ID
    expires_at: dt.datetime | None = None


@strawberry.type(description="Result of createApiKey and rollApiKey; the token is shown this once.")
class NewApiKeyPayload:
    api_key: ApiKey | None
    token: str | None = strawberry.field(
        description="The secret token (pgk_...): store it now, it is never shown again."
    )
    user_errors: list[ApiKeyUserError]


@strawberry.type(description="Result of revokeApiKey and expireApiKey.")
class ApiKeyPayload:
    api_key: ApiKey | None
    user_errors: list[ApiKeyUserError]


def _new(new: NewApiKey | None, errors: list[FieldError]) -> NewApiKeyPayload:
    return NewApiKeyPayload(
        api_key=ApiKey.from_row(new.key) if new else None,
        token=new.token if new else None,
        user_errors=user_errors(errors, ApiKeyUserError),
    )


def _one(row: ApiKeyRow | None, errors: list[FieldError]) -> ApiKeyPayload:
    return ApiKeyPayload(
        api_key=ApiKey.from_row(row) if row else None,
        user_errors=user_errors(errors, ApiKeyUserError),
    )


async def _create(session: AsyncSession, actor: Actor, data: CreateApiKeyInput) -> NewApiKey:
    partner = (
        input_id(data.partner_id, "Partner", "partnerId", Code.INVALID_ID)
        if data.partner_id is not None
        else None
    )
    return await manage.create_key(
        session,
        actor,
        name=data.name,
        role=data.role,
        partner_id=partner,
        expires_at=data.expires_at,
    )


async def _revoke(session: AsyncSession, actor: Actor, data: RevokeApiKeyInput) -> ApiKeyRow:
    key_id = input_id(data.key_id, "ApiKey", "keyId", Code.INVALID_ID)
    return await manage.revoke_key(session, actor, key_id)


async def _roll(session: AsyncSession, actor: Actor, data: RollApiKeyInput) -> NewApiKey:
    key_id = input_id(data.key_id, "ApiKey", "keyId", Code.INVALID_ID)
    return await manage.roll_key(session, actor, key_id, data.old_key_expires_at)


async def _expire(session: AsyncSession, actor: Actor, data: ExpireApiKeyInput) -> ApiKeyRow:
    key_id = input_id(data.key_id, "ApiKey", "keyId", Code.INVALID_ID)
    return await manage.expire_key(session, actor, key_id, data.expires_at)


@strawberry.type
class ApiKeyMutations:
    @strawberry.mutation(description="Make an API key; its token is shown once.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> NewApiKeyPayload:
        return _new(*await attempt(info, _create, input))

    @strawberry.mutation(description="Revoke an API key now.")
    async def revoke_api_key(self, info: Info, input: RevokeApiKeyInput) -> ApiKeyPayload:
        return _one(*await attempt(info, _revoke, input))

    @strawberry.mutation(description="Replace an API key; the new token is shown once.")
    async def roll_api_key(self, info: Info, input: RollApiKeyInput) -> NewApiKeyPayload:
        return _new(*await attempt(info, _roll, input))

    @strawberry.mutation(description="Set or clear when an API key stops working.")
    async def expire_api_key(self, info: Info, input: ExpireApiKeyInput) -> ApiKeyPayload:
        return _one(*await attempt(info, _expire, input))
