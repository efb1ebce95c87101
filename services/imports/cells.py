"""The cells of import files: a column's type, how its text is read, and its one canonical
spelling (`Column.show`): export writes it, and an import compares an already imported row with
the file's row through it, so importing the same files twice changes nothing (docs/import.md).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from services.errors import ImportErrorCode as Code


class Type(enum.StrEnum):
    """How a column's text is read."""

    TEXT = "text"
    DATE = "date"
    TIMESTAMP = "timestamp"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    LIST = "list"
    REF = "ref"


class BadValueError(Exception):
    """A value that cannot be read as its column's type."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Column:
    """A column of an import file; `ref` names the kind an externalId refers to."""

    name: str
    type: Type = Type.TEXT
    required: bool = False
    max_length: int = 200
    ref: str | None = None
    optional_header: bool = False
    """The header may leave the column out (a column added later): its cells are then empty."""
    default: Any = None
    """The value of an empty (or left out) cell."""

    def read(self, text: str) -> Any:
        """The typed value of a cell (`default` when empty), or BadValueError."""
        if text == "":
            if self.required:
                raise BadValueError(Code.REQUIRED, f"{self.name} is required")
            return self.default
        return _READERS[self.type](self, text)

    def show(self, value: Any) -> str:
        """The canonical text of a typed value."""
        if value is None:
            return ""
        return _WRITERS[self.type](value)


def _text(column: Column, text: str) -> str:
    if len(text) > column.max_length:
        raise BadValueError(Code.TOO_LONG, f"{column.name} is longer than {column.max_length}")
    if not text.strip():
        raise BadValueError(Code.REQUIRED, f"{column.name} is blank")
    return text


def _date(column: Column, text: str) -> date:
    try:
        return date.fromisoformat(text) if len(text) == 10 else _fail()
    except ValueError:
        raise BadValueError(
            Code.INVALID_DATE, f"{column.name}: {text!r} is not a YYYY-MM-DD date"
        ) from None


def _timestamp(column: Column, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise BadValueError(
            Code.INVALID_TIMESTAMP,
            f"{column.name}: {text!r} is not an ISO 8601 timestamp with an offset (…Z)",
        )
    return value.astimezone(UTC)


def _decimal(column: Column, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or "e" in text.lower():
        raise BadValueError(
            Code.INVALID_DECIMAL, f"{column.name}: {text!r} is not a decimal number"
        )
    return value


def _integer(column: Column, text: str) -> int:
    if not text.isdigit():
        raise BadValueError(Code.INVALID_INTEGER, f"{column.name}: {text!r} is not a whole number")
    return int(text)


def _boolean(column: Column, text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise BadValueError(Code.INVALID_BOOLEAN, f"{column.name}: {text!r} is not true or false")
    return lowered == "true"


def _list(column: Column, text: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in text.split(";") if item.strip())
    if any(len(item) > column.max_length for item in items):
        raise BadValueError(
            Code.TOO_LONG, f"{column.name}: an item is longer than {column.max_length}"
        )
    return items


def _fail() -> date:
    raise ValueError


def _show_decimal(value: Decimal) -> str:
    value = Decimal(value)
    cents = value.quantize(Decimal("0.01"))
    if cents == value:
        return f"{cents:f}"
    return f"{value.normalize():f}"


_READERS: dict[Type, Callable[[Column, str], Any]] = {
    Type.TEXT: _text,
    Type.REF: _text,
    Type.DATE: _date,
    Type.TIMESTAMP: _timestamp,
    Type.DECIMAL: _decimal,
    Type.INTEGER: _integer,
    Type.BOOLEAN: _boolean,
    Type.LIST: _list,
}
_WRITERS: dict[Type, Callable[[Any], str]] = {
    Type.TEXT: str,
    Type.REF: str,
    Type.DATE: lambda v: v.isoformat(),
    Type.TIMESTAMP: lambda v: v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    Type.DECIMAL: _show_decimal,
    Type.INTEGER: str,
    Type.BOOLEAN: lambda v: "true" if v else "false",
    Type.LIST: lambda v: ";".join(v),
}
