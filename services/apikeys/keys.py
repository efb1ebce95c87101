"""API keys: made once, shown once, stored as a SHA-256 hash behind a visible prefix."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiKey, Partner, User
from models.base import utcnow
from models.edge.queries import api_key_by_prefix
from rules.enums import ApiKeyRole
from services.actor import Actor
from services.apikeys.recent import KnownKey, RecentKeys, forget_when_committed
from services.audit.log import record

KEY_SCHEME = "pgk"
PREFIX_BYTES = 6
SECRET_BYTES = 32
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX = 254


class ApiKeyError(Exception):
    """An API key could not be created as asked."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class NewApiKey:
    """A freshly made key: `token` is shown to its owner once and never stored."""

    key: ApiKey
    token: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """`pgk_<prefix>_<secret>` into prefix and secret, or None when malformed."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


async def create_api_key(
    session: AsyncSession,
    *,
    name: str,
    role: ApiKeyRole,
    partner_id: uuid.UUID | None,
    actor: Actor,
    owner_email: str | None = None,
) -> NewApiKey:
    """Create a key; a partner key is bound to exactly one existing partner."""
    if not name.strip() or len(name) > 200:
        raise ApiKeyError("INVALID_NAME", "the key name must be 1 to 200 characters")
    if role is ApiKeyRole.PARTNER:
        if partner_id is None:
            raise ApiKeyError("PARTNER_REQUIRED", "a partner key needs the partner it speaks for")
        if await session.get(Partner, partner_id) is None:
            raise ApiKeyError("PARTNER_NOT_FOUND", "no partner has that id")
    elif partner_id is not None:
        raise ApiKeyError("PARTNER_NOT_ALLOWED", "an admin key is not bound to a partner")
    user = await _owner(session, owner_email) if owner_email is not None else None
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(
        id=uuid.uuid4(),
        name=name.strip(),
        prefix=prefix,
        secret_sha256=_hash(secret),
        role=role,
        partner_id=partner_id,
        user_id=user.id if user else None,
        created_at=utcnow(),
    )
    session.add(key)
    await session.flush()
    await record(
        session,
        actor,
        "createApiKey",
        "ApiKey",
        key.id,
        {"name": [None, key.name], "role": [None, role.value], "prefix": [None, prefix]},
    )
    return NewApiKey(key, f"{KEY_SCHEME}_{prefix}_{secret}")


async def _owner(session: AsyncSession, email: str) -> User:
    """The person holding the key, created on first use of their e-mail address."""
    address = email.strip().lower()
    if not EMAIL.match(address) or len(address) > EMAIL_MAX:
        raise ApiKeyError("INVALID_EMAIL", f"{email[:100]!r} is not an e-mail address")
    user = await session.scalar(select(User).where(User.email == address))
    if user is None:
        user = User(id=uuid.uuid4(), email=address, name="", created_at=utcnow())
        session.add(user)
        await session.flush()
    return user


def recent_actor(recent: RecentKeys, token: str) -> Actor | None:
    """The actor behind a token whose key `recent` holds (still checked: secret, expiry); None
    when the key must be read."""
    parts = split_token(token)
    if parts is None:
        return None
    key = recent.get(parts[0])
    return None if key is None else _actor(key, parts[1])


async def authenticate(
    session: AsyncSession, token: str, recent: RecentKeys | None = None
) -> Actor | None:
    """The actor behind a presented token, or None for an unknown, malformed or revoked key;
    a valid key read is kept in `recent`."""
    parts = split_token(token)
    if parts is None:
        return None
    prefix, secret = parts
    row = await api_key_by_prefix(session, prefix)
    if row is None:
        return None
    key = KnownKey.of(row)
    actor = _actor(key, secret)
    if actor is not None and recent is not None:
        recent.put(prefix, key)
    return actor


def _actor(key: KnownKey, secret: str) -> Actor | None:
    """The key's actor if it is in force and `secret` is its own."""
    if key.revoked_at is not None:
        return None
    if key.expires_at is not None and key.expires_at <= utcnow():
        return None
    if not hmac.compare_digest(key.secret_sha256, _hash(secret)):
        return None
    return Actor(role=key.role, key_id=key.id, key_name=key.name, partner_id=key.partner_id)


async def list_api_keys(session: AsyncSession, partner_id: uuid.UUID | None = None) -> list[ApiKey]:
    """Every key (or one partner's), newest first; secrets are never stored, so never shown."""
    query = select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.prefix)
    if partner_id is not None:
        query = query.where(ApiKey.partner_id == partner_id)
    return list((await session.scalars(query)).all())


async def _by_prefix(session: AsyncSession, prefix: str) -> ApiKey:
    key = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise ApiKeyError("KEY_NOT_FOUND", f"no API key has the prefix {prefix[:20]!r}")
    return key


async def revoke_api_key(session: AsyncSession, prefix: str, actor: Actor) -> ApiKey:
    """Revoke a key now (refused from then on); revoking twice changes nothing."""
    key = await _by_prefix(session, prefix)
    forget_when_committed(session, prefix)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await record(session, actor, "revokeApiKey", "ApiKey", key.id, {"revokedAt": [None, "now"]})
    return key


async def expire_api_key(
    session: AsyncSession, prefix: str, expires_at: datetime | None, actor: Actor
) -> ApiKey:
    """Set (or clear, with None) when a key stops working."""
    key = await _by_prefix(session, prefix)
    if key.revoked_at is not None:
        raise ApiKeyError("KEY_REVOKED", "a revoked key cannot be given an expiry")
    if expires_at is not None and expires_at.tzinfo is None:
        raise ApiKeyError("INVALID_EXPIRY", "the expiry needs a time zone offset")
    before = key.expires_at.isoformat() if key.expires_at else None
    forget_when_committed(session, prefix)
    key.expires_at = expires_at
    after = expires_at.isoformat() if expires_at else None
    await record(session, actor, "expireApiKey", "ApiKey", key.id, {"expiresAt": [before, after]})
    return key


async def roll_api_key(
    session: AsyncSession, prefix: str, actor: Actor, old_expires_at: datetime | None = None
) -> NewApiKey:
    """A new key with the same name, role, partner and holder; the old one stops at
    `old_expires_at` (a grace period to deploy the new one) or now."""
    old = await _by_prefix(session, prefix)
    if old.revoked_at is not None:
        raise ApiKeyError("KEY_REVOKED", "a revoked key cannot be rolled")
    new = await create_api_key(
        session, name=old.name, role=old.role, partner_id=old.partner_id, actor=actor
    )
    new.key.user_id = old.user_id
    if old_expires_at is None or old_expires_at <= utcnow():
        await revoke_api_key(session, prefix, actor)
    else:
        await expire_api_key(session, prefix, old_expires_at, actor)
    return new
