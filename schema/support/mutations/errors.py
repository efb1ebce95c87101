"""Refusals of support mutations: the code enum, the userError type, input-ID decoding."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.payloads import input_id
from services.errors import SupportErrorCode

Code = SupportErrorCode
SupportErrorCodeEnum = strawberry.enum(
    SupportErrorCode, name="SupportErrorCode", description="Why a support action was refused."
)


@strawberry.type(description="A refused support input: the input path, a stable code, a message.")
class SupportUserError:
    field: list[str] | None
    code: SupportErrorCodeEnum  # type: ignore[valid-type]
    message: str


def support_id(value: str | None, type_name: str, field: str) -> Any:
    """The database id of an optional input ID; INVALID_ID when malformed."""
    return input_id(value, type_name, field, Code.INVALID_ID) if value is not None else None
