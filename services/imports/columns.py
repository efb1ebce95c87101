"""The import files: one CSV file per kind, its columns and their types (docs/import.md).

Every value has one canonical spelling (`Column.show`): export writes it, and an import compares
an already imported row with the file's row through it, so importing the same files twice
changes nothing.
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

    def read(self, text: str) -> Any:
        """The typed value of a cell (None when empty), or BadValueError."""
        if text == "":
            if self.required:
                raise BadValueError(Code.REQUIRED, f"{self.name} is required")
            return None
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


def _c(name: str, type_: Type = Type.TEXT, **kw: Any) -> Column:
    return Column(name, type_, **kw)


def _ref(name: str, kind: str, required: bool = True) -> Column:
    return Column(name, Type.REF, required=required, max_length=100, ref=kind)


EXTERNAL_ID = Column("externalId", Type.TEXT, required=True, max_length=100)

FILES: dict[str, tuple[Column, ...]] = {
    "partners": (
        EXTERNAL_ID,
        _c("legalName", required=True),
        _c("displayName", required=True),
        _c("country", required=True, max_length=2),
        _c("noticeAddress", required=True, max_length=1000),
        _c("websiteDomain", max_length=253),
        _c("capacities", Type.LIST, max_length=64),
    ),
    "memberships": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("status", required=True, max_length=32),
        _c("joinedOn", Type.DATE, required=True),
        _c("tier", required=True, max_length=64),
        _c("effectiveOn", Type.DATE, required=True),
        _c("reason", required=True, max_length=1000),
    ),
    "agreements": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("kind", required=True, max_length=64),
        _c("appliedOn", Type.DATE),
        _c("effectiveOn", Type.DATE, required=True),
        _c("acceptedAt", Type.TIMESTAMP, required=True),
        _c("signerName", required=True),
        _c("signerTitle", required=True),
        _c("signerEmail", required=True, max_length=254),
        _c("templateVersion", Type.INTEGER, required=True),
        _c("documentFile", max_length=255),
    ),
    "agreement_notices": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("agreementKind", required=True, max_length=64),
        _c("kind", required=True, max_length=16),
        _c("reason", max_length=16),
        _c("party", required=True, max_length=16),
        _c("cause"),
        _c("dispatchedOn", Type.DATE, required=True),
        _c("method", max_length=64),
        _c("receivedOn", Type.DATE),
        _c("curedOn", Type.DATE),
    ),
    "referrals": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("clientName", required=True),
        _c("clientWebsite", max_length=253),
        _c("contactName", required=True),
        _c("contactRole", required=True),
        _c("contactEmail", required=True, max_length=254),
        _c("contactPhone", required=True, max_length=40),
        _c("description", required=True, max_length=5000),
        _c("opportunityKind", max_length=64, optional_header=True),
        _c("submittedOn", Type.DATE, required=True),
        _c("approvedOn", Type.DATE),
        _c("rejectedOn", Type.DATE),
        _c("decisionReason", max_length=1000),
        _c("meetingOn", Type.DATE),
        _c("notViableOn", Type.DATE),
        _c("notViableReason", max_length=1000),
        _c("closedOn", Type.DATE),
        _c("closeReason", max_length=1000),
    ),
    "qualified_agreements": (
        EXTERNAL_ID,
        _ref("referral", "referrals"),
        _c("signedOn", Type.DATE, required=True),
        _c("products", Type.LIST, required=True, max_length=100),
        _c("throughReseller", Type.BOOLEAN, required=True),
        _c("paidUnderOtherProgram", Type.BOOLEAN, required=True),
        _c("orderReference", max_length=100),
    ),
    "revenue_lines": (
        EXTERNAL_ID,
        _ref("qualifiedAgreement", "qualified_agreements"),
        _c("kind", required=True, max_length=32),
        _c("amount", Type.DECIMAL, required=True),
        _c("occurredOn", Type.DATE, required=True),
        _c("description", max_length=500),
    ),
    "revenue_corrections": (
        EXTERNAL_ID,
        _ref("revenueLine", "revenue_lines"),
        _c("action", required=True, max_length=16),
        _c("effectiveOn", Type.DATE, required=True),
        _c("kind", max_length=32),
        _c("amount", Type.DECIMAL),
        _c("occurredOn", Type.DATE),
        _c("description", required=True, max_length=500),
    ),
    "client_payments": (
        EXTERNAL_ID,
        _ref("qualifiedAgreement", "qualified_agreements"),
        _c("receivedOn", Type.DATE, required=True),
        _c("amount", Type.DECIMAL, required=True),
        _c("reference", max_length=100),
    ),
    "payouts": (
        EXTERNAL_ID,
        _ref("qualifiedAgreement", "qualified_agreements"),
        _c("paidOn", Type.DATE, required=True),
        _c("gross", Type.DECIMAL, required=True),
        _c("withholdingRate", Type.DECIMAL, required=True),
        _c("withholding", Type.DECIMAL, required=True),
        _c("setOff", Type.DECIMAL, required=True),
        _c("setOffReason", max_length=1000),
        _c("net", Type.DECIMAL, required=True),
        _c("reference", max_length=100),
    ),
    "evidence": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("kind", required=True, max_length=32),
        _c("title", max_length=300),
        _c("url", max_length=2000),
        _c("customer"),
        _c("reference", max_length=100),
        _c("amount", Type.DECIMAL),
        _c("currency", max_length=3),
        _c("occurredOn", Type.DATE, required=True),
        _c("expiresOn", Type.DATE),
    ),
    "tax_documents": (
        EXTERNAL_ID,
        _ref("partner", "partners"),
        _c("receivedOn", Type.DATE, required=True),
        _c("withholdingRate", Type.DECIMAL, required=True),
        _c("reference", max_length=100),
    ),
}
"""Every import file kind in load order, with its columns in file order."""


def filename(kind: str) -> str:
    """The file a kind is read from and exported to."""
    return f"{kind}.csv"
