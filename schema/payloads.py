"""Helpers shared by mutations: running a use case and turning refusals into userErrors."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from schema.context import Info
from schema.errors import CodedError
from schema.ids import expect_id
from services.errors import FieldError, UseCaseError

T = TypeVar("T")
E = TypeVar("E")


async def attempt(
    info: Info, use_case: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any
) -> tuple[T | None, list[FieldError]]:
    """The use case's result, or the coded errors it refused with (nothing written then)."""
    try:
        return await info.context.run(use_case, *args, **kwargs), []
    except UseCaseError as refusal:
        return None, refusal.errors


def input_id(value: str, type_name: str, field: str, code: enum.StrEnum) -> uuid.UUID:
    """The database id of an input ID; a coded user error when malformed or of another type."""
    try:
        return expect_id(value, type_name)
    except CodedError as exc:
        raise UseCaseError.one(["input", field], code, f"{field}: {exc}") from exc


def user_errors(errors: list[FieldError], make: Callable[..., E]) -> list[E]:
    """FieldErrors as the domain's GraphQL user error type."""
    return [make(field=list(e.field), code=e.code, message=e.message) for e in errors]
