"""OpenID Connect / OAuth 2 access tokens (JWT), verified against the issuer's JWKS.

The token's signature, issuer, audience and expiry are checked with PyJWT; signing keys come
from the issuer's JWKS through PyJWKClient, which fetches the set again when a token names a key
id it has not seen (key rotation). Two configurable claims give the caller's role and, for
partner users, the partner they act for: a partner user's token then sees exactly what a partner
API key sees.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from rules.enums import ApiKeyRole

JWKS_CACHE_SECONDS = 300
# A token naming an unknown key id makes the JWKS be fetched again, at most this often (so a
# flood of made-up key ids cannot hammer the issuer); a rotated key is picked up within it.
JWKS_REFRESH_COOLDOWN_SECONDS = 30.0
LEEWAY_SECONDS = 30
FETCH_TIMEOUT_SECONDS = 10


class TokenRejectedError(Exception):
    """The access token is not acceptable; the message says why (safe to show)."""


@dataclass(frozen=True)
class TokenUser:
    """What a verified access token says about its holder."""

    issuer: str
    subject: str
    role: ApiKeyRole
    partner_ref: str | None

    @property
    def credential_id(self) -> uuid.UUID:
        """A stable id for this user (audit, rate limits and idempotency keys are per id)."""
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}#{self.subject}")


def looks_like_jwt(token: str) -> bool:
    """A compact JWS: three base64url segments joined by dots."""
    return token.count(".") == 2 and token.startswith("eyJ")


def discover_jwks_url(issuer: str) -> str:
    """The `jwks_uri` of the issuer's OpenID Connect discovery document."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    if not url.startswith(("https://", "http://")):
        raise TokenRejectedError("the configured issuer is not an http(s) URL")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
        document: dict[str, Any] = json.load(response)
    jwks_uri = document.get("jwks_uri")
    if not isinstance(jwks_uri, str):
        raise TokenRejectedError("the issuer's discovery document names no jwks_uri")
    return jwks_uri


class TokenVerifier:
    """Verifies access tokens of one issuer (blocking: the JWKS may be fetched)."""

    def __init__(
        self,
        issuer: str,
        audience: str | None,
        jwks_url: str | None,
        role_claim: str,
        partner_claim: str,
        algorithms: list[str],
        refresh_cooldown: float = JWKS_REFRESH_COOLDOWN_SECONDS,
    ) -> None:
        self.issuer = issuer
        self.refresh_cooldown = refresh_cooldown
        self.audience = audience
        self.role_claim = role_claim
        self.partner_claim = partner_claim
        self.algorithms = algorithms
        self._jwks_url = jwks_url
        self._client: jwt.PyJWKClient | None = None

    def _keys(self) -> jwt.PyJWKClient:
        if self._client is None:
            url = self._jwks_url or discover_jwks_url(self.issuer)
            self._client = jwt.PyJWKClient(
                url,
                cache_keys=False,  # the JWK set cache (lifespan) is enough; retired keys leave it
                lifespan=JWKS_CACHE_SECONDS,
                timeout=FETCH_TIMEOUT_SECONDS,
                cooldown_duration=self.refresh_cooldown,
            )
        return self._client

    def verify(self, token: str) -> TokenUser:
        """The token's user; TokenRejectedError when anything does not hold."""
        try:
            key = self._keys().get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=self.algorithms,
                issuer=self.issuer,
                audience=self.audience,
                leeway=LEEWAY_SECONDS,
                options={
                    "require": ["exp", "iss", "sub"],
                    "verify_aud": self.audience is not None,
                },
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenRejectedError("the access token has expired") from exc
        except jwt.PyJWKClientError as exc:
            raise TokenRejectedError(f"the access token's signing key is unknown: {exc}") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenRejectedError(f"the access token is invalid: {exc}") from exc
        return self._user(claims)

    def _user(self, claims: Mapping[str, Any]) -> TokenUser:
        role = _role(claims.get(self.role_claim))
        if role is None:
            raise TokenRejectedError(
                f"the access token grants no PartnerGraph role (claim {self.role_claim!r})"
            )
        partner = claims.get(self.partner_claim)
        if role is ApiKeyRole.PARTNER and not (isinstance(partner, str) and partner):
            raise TokenRejectedError(
                f"a partner user's token needs the partner in claim {self.partner_claim!r}"
            )
        return TokenUser(
            issuer=str(claims["iss"]),
            subject=str(claims["sub"]),
            role=role,
            partner_ref=partner if role is ApiKeyRole.PARTNER else None,
        )


def _role(value: object) -> ApiKeyRole | None:
    """admin or partner, from a string, a space-separated string or a list of strings."""
    values = value.split() if isinstance(value, str) else value
    if not isinstance(values, list):
        return None
    names = {v for v in values if isinstance(v, str)}
    if ApiKeyRole.ADMIN.value in names:
        return ApiKeyRole.ADMIN
    if ApiKeyRole.PARTNER.value in names:
        return ApiKeyRole.PARTNER
    return None
