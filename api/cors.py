"""Cross-origin browser calls: Starlette's CORSMiddleware with the allow-list from settings."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

# What a browser app may send: credentials, content negotiation, idempotency and tracing ids,
# and the header that lets a multipart upload through the CSRF check.
ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "Accept",
    "Idempotency-Key",
    "X-Request-Id",
    "GraphQL-Require-Preflight",
]
# What a browser app may read from our answers.
EXPOSED_HEADERS = [
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Used",
    "X-RateLimit-Reset",
    "Retry-After",
    "Idempotent-Replayed",
    "X-Request-Id",
    "ETag",
    "Content-Disposition",
]
PREFLIGHT_MAX_AGE = 600


def cors_middleware(origins: list[str]) -> list[Middleware]:
    """The CORS middleware for `origins`, or none when the list is empty (same-origin only).

    Credentials travel in the Authorization header, never in cookies, so browsers are not asked
    to send cookies (`allow_credentials` stays off).
    """
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=PREFLIGHT_MAX_AGE,
        )
    ]
