"""A database that cannot be reached answers 503 DATABASE_UNAVAILABLE with Retry-After, from
every step (authentication, execution, downloads, /readyz), and never a plain-text 500."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from schema.errors import is_outage

RETRY_AFTER_SECONDS = 5
CODE = "DATABASE_UNAVAILABLE"
MESSAGE = "the database is unavailable; retry shortly"
CODED = re.compile(rb'"code":\s*"DATABASE_UNAVAILABLE"')


def outage_response() -> JSONResponse:
    """The 503 answer."""
    return JSONResponse(
        {"errors": [{"message": MESSAGE, "extensions": {"code": CODE}}]},
        status_code=503,
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )


async def handle(_request: Request, error: Exception) -> Response:
    """Starlette exception handler: 503 for an outage, anything else stays a 500."""
    if is_outage(error):
        return outage_response()
    raise error


def promote(response: Response) -> Response:
    """A GraphQL answer whose execution met an outage becomes a 503 with Retry-After."""
    raw = bytes(response.body) if hasattr(response, "body") else b""
    if CODED.search(raw):
        response.status_code = 503
        response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
    return response
