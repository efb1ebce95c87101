"""One authentication hook for every endpoint: an API key or an OIDC access token."""

from __future__ import annotations

import uuid

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.jwt import TokenRejectedError, TokenUser, TokenVerifier, looks_like_jwt
from api.key_usage import KeyUsage
from models import Partner
from schema.errors import CodedError
from schema.ids import expect_id
from services.actor import Actor
from services.apikeys.keys import authenticate, recent_actor
from services.apikeys.recent import RecentKeys

UNKNOWN_KEY = "the API key is unknown, revoked or expired"


class AuthenticationError(Exception):
    """The presented credential is refused; the message is safe to show (401)."""


class Authenticator:
    """API keys always; access tokens when an issuer is configured."""

    def __init__(
        self,
        verifier: TokenVerifier | None = None,
        usage: KeyUsage | None = None,
        recent: RecentKeys | None = None,
    ) -> None:
        self.verifier = verifier
        self.usage = usage
        self.recent = recent

    async def identify(self, session: AsyncSession, token: str) -> Actor:
        """The caller behind `token`; AuthenticationError when refused."""
        if self.verifier is not None and looks_like_jwt(token):
            try:
                user = await anyio.to_thread.run_sync(self.verifier.verify, token)
            except TokenRejectedError as exc:
                raise AuthenticationError(str(exc)) from exc
            return await _token_actor(session, user)
        actor = None if self.recent is None else recent_actor(self.recent, token)
        if actor is None:
            actor = await self._read_key(session, token)
        if self.usage is not None and actor.key_id is not None:
            self.usage.touch(actor.key_id)  # written later, never by this request
        return actor

    async def _read_key(self, session: AsyncSession, token: str) -> Actor:
        """The actor of an API key read now (and kept in `recent`)."""
        actor = await authenticate(session, token, self.recent)
        if actor is None:
            raise AuthenticationError(UNKNOWN_KEY)
        return actor


async def _token_actor(session: AsyncSession, user: TokenUser) -> Actor:
    partner_id = None
    if user.partner_ref is not None:
        partner_id = _partner_id(user.partner_ref)
        if partner_id is None or await session.get(Partner, partner_id) is None:
            raise AuthenticationError("the access token's partner is unknown")
    return Actor(
        role=user.role,
        key_id=user.credential_id,
        key_name=f"oidc:{user.subject}"[:200],
        partner_id=partner_id,
    )


def _partner_id(reference: str) -> uuid.UUID | None:
    """A Partner global ID or a bare UUID."""
    try:
        return expect_id(reference, "Partner")
    except CodedError:
        pass
    try:
        return uuid.UUID(reference)
    except ValueError:
        return None
