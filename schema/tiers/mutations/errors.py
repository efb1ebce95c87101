"""Refusals of tier-governance mutations: the code enum, the userError type, input IDs."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.payloads import input_id, user_errors
from services.errors import FieldError, GovernanceErrorCode

Code = GovernanceErrorCode
GovernanceErrorCodeEnum = strawberry.enum(
    GovernanceErrorCode,
    name="GovernanceErrorCode",
    description="Why a tier-governance action was refused.",
)


@strawberry.type(description="A refused input: the input path, a stable code, a message.")
class GovernanceUserError:
    field: list[str] | None
    code: GovernanceErrorCodeEnum  # type: ignore[valid-type]
    message: str


def governance_errors(errors: list[FieldError]) -> list[GovernanceUserError]:
    """FieldErrors as GovernanceUserErrors."""
    return user_errors(errors, GovernanceUserError)


def governance_id(value: str | None, type_name: str, field: str) -> Any:
    """The database id of an optional input ID; INVALID_ID when malformed."""
    return input_id(value, type_name, field, Code.INVALID_ID) if value is not None else None
