"""GraphQL-level errors: every error in a response carries `extensions.code`."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from graphql.error import GraphQLError
from sqlalchemy import exc as sa_exc
from strawberry.extensions import MaskErrors

log = logging.getLogger("partnergraph.errors")


class CodedError(Exception):
    """An expected failure of a query (bad ID, bad cursor, page size): a code and a message."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        self.code = code
        self.details = details
        super().__init__(message)


def invalid_id(value: str) -> CodedError:
    """A global ID that is not one of ours."""
    return CodedError("INVALID_ID", f"{value[:80]!r} is not a valid global ID")


class ErrorCodes(MaskErrors):
    """Give every error a code; mask unexpected exceptions behind an error id that is logged."""

    def __init__(self, suggestions: bool = True) -> None:
        super().__init__(should_mask_error=lambda _e: True)
        self.suggestions = suggestions

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        extensions = dict(error.extensions or {})
        message = error.message
        if isinstance(original, CodedError):
            extensions = {"code": original.code, **original.details}
        elif is_outage(original):
            message = "the database is unavailable; retry shortly"
            extensions = {"code": "DATABASE_UNAVAILABLE"}
        elif original is None or error.path is None:
            # Parse, validation and variable-coercion errors happen before any resolver runs.
            extensions.setdefault("code", _code_for_validation(error.message))
            if not self.suggestions:
                message = re.sub(r" Did you mean .*\?$", "", message)
        else:
            error_id = uuid.uuid4().hex[:16]
            log.error(
                "unexpected error %s at %s",
                error_id,
                error.path,
                exc_info=original,
                extra={"errorId": error_id, "path": error.path},
            )
            message = f"Internal error. Quote error id {error_id} when reporting it."
            extensions = {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}
        return GraphQLError(
            message=message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    ConnectionError,
)


_INVALIDATED = "8s2b"
"""SQLAlchemy's code for "Can't reconnect until invalid transaction is rolled back": the
request's connection was invalidated (the database went away) while a read was under way."""


def is_outage(error: BaseException | None) -> bool:
    """Whether `error` (or its cause) means the database could not be reached."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, sa_exc.PendingRollbackError) and error.code == _INVALIDATED:
            return True  # a connection lost mid-transaction, used again by another read
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _code_for_validation(message: str) -> str:
    if re.search(r"contains more than \d+ tokens", message):
        return "QUERY_TOO_LARGE"
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if message.startswith("Variable"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"
