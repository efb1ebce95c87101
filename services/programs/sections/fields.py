"""Field types and checks shared by the sections of a program definition file."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
Version = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
RuleId = Annotated[str, Field(pattern=r"^[A-Z]+(-[A-Z]+)?-\d{2}$")]
Days = Annotated[int, Field(ge=0, le=3660)]
Months = Annotated[int, Field(ge=0, le=120)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=8, decimal_places=6)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Strict(BaseModel):
    """Base of every section: unknown keys are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_timezone(value: str) -> str:
    """The value, if it names an IANA time zone."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {value!r}") from exc
    return value


def check_currency(value: str) -> str:
    """The value, if it is an ISO 4217 currency code."""
    if pycountry.currencies.get(alpha_3=value) is None:
        raise ValueError(f"unknown ISO 4217 currency {value!r}")
    return value


class Money(Strict):
    """An amount with its ISO 4217 currency."""

    amount: Amount
    currency: str

    _currency = field_validator("currency")(check_currency)
