"""API key use cases for the GraphQL API: admins manage every key, a partner's key holder the
keys of that partner only (never an admin key)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey
from models.base import utcnow
from rules.enums import ApiKeyRole
from services.actor import Actor
from services.apikeys import keys
from services.errors import ApiKeyErrorCode, UseCaseError, input_error

Code = ApiKeyErrorCode
_FIELDS = {
    "INVALID_NAME": "name",
    "INVALID_EMAIL": "ownerEmail",
    "INVALID_EXPIRY": "expiresAt",
    "PARTNER_REQUIRED": "partnerId",
    "PARTNER_NOT_FOUND": "partnerId",
    "PARTNER_NOT_ALLOWED": "partnerId",
    "KEY_NOT_FOUND": "keyId",
    "KEY_REVOKED": "keyId",
}


def _refusal(exc: keys.ApiKeyError) -> UseCaseError:
    return input_error(_FIELDS.get(exc.code, "keyId"), Code(exc.code.lower()), str(exc))


def _check_expiry(expires_at: datetime | None, field: str) -> None:
    if expires_at is not None and expires_at <= utcnow():
        raise input_error(field, Code.INVALID_EXPIRY, f"{field} must be in the future")


async def _held(session: AsyncSession, actor: Actor, key_id: uuid.UUID) -> ApiKey:
    """A key the caller may manage; another partner's key reads as not found."""
    key = await session.get(ApiKey, key_id)
    mine = key is not None and key.partner_id is not None and key.partner_id == actor.partner_id
    if key is None or not (actor.is_admin or mine):
        raise input_error("keyId", Code.KEY_NOT_FOUND, "no API key you manage has that id")
    return key


async def list_keys(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID | None
) -> list[ApiKey]:
    """Admins: every key, or one partner's; a partner: its own keys only."""
    if not actor.is_admin:
        if actor.partner_id is None:
            return []
        partner_id = actor.partner_id
    return await keys.list_api_keys(session, partner_id)


async def create_key(
    session: AsyncSession,
    actor: Actor,
    *,
    name: str,
    role: ApiKeyRole,
    partner_id: uuid.UUID | None,
    expires_at: datetime | None,
) -> keys.NewApiKey:
    """A new key; a partner's key holder makes partner keys for its own partner only."""
    if not actor.is_admin:
        if role is not ApiKeyRole.PARTNER:
            raise input_error("role", Code.FORBIDDEN, "a partner can only make partner keys")
        if partner_id is not None and partner_id != actor.partner_id:
            raise input_error("partnerId", Code.FORBIDDEN, "a partner makes keys for itself only")
        partner_id = actor.partner_id
    _check_expiry(expires_at, "expiresAt")
    try:
        new = await keys.create_api_key(
            session, name=name, role=role, partner_id=partner_id, actor=actor
        )
    except keys.ApiKeyError as exc:
        raise _refusal(exc) from exc
    new.key.expires_at = expires_at
    return new


async def revoke_key(session: AsyncSession, actor: Actor, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key now; revoking twice changes nothing."""
    key = await _held(session, actor, key_id)
    return await keys.revoke_api_key(session, key.prefix, actor)


async def expire_key(
    session: AsyncSession, actor: Actor, key_id: uuid.UUID, expires_at: datetime | None
) -> ApiKey:
    """Set when a key stops working, or clear it with null."""
    key = await _held(session, actor, key_id)
    _check_expiry(expires_at, "expiresAt")
    try:
        return await keys.expire_api_key(session, key.prefix, expires_at, actor)
    except keys.ApiKeyError as exc:
        raise _refusal(exc) from exc


async def roll_key(
    session: AsyncSession, actor: Actor, key_id: uuid.UUID, old_key_expires_at: datetime | None
) -> keys.NewApiKey:
    """A replacement key; the old one stops now, or at `old_key_expires_at` (a grace period)."""
    key = await _held(session, actor, key_id)
    _check_expiry(old_key_expires_at, "oldKeyExpiresAt")
    try:
        return await keys.roll_api_key(session, key.prefix, actor, old_key_expires_at)
    except keys.ApiKeyError as exc:
        raise _refusal(exc) from exc
