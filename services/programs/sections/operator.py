"""The program operator as a contracting party, and the locale its documents are written for.

Documents name the operator by its legal name with its registered address and signatory; these
are program data (`[operator]` in a program file), never code.
"""

from __future__ import annotations

import pycountry
from babel import Locale, UnknownLocaleError
from pydantic import Field, field_validator

from services.programs.sections.fields import Strict

Line = Field(min_length=1, max_length=200)


def check_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 country code."""
    if pycountry.countries.get(alpha_2=value) is None:
        raise ValueError(f"unknown ISO 3166-1 country code {value!r}")
    return value


def check_locale(value: str) -> str:
    """A locale babel knows, such as `en_US` or `en_GB`."""
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale {value!r}") from exc
    return value


class Signatory(Strict):
    """Who signs documents for the operator."""

    name: str = Line
    title: str = Line


class Operator(Strict):
    """The legal entity that runs the program and is the partner's counterparty."""

    legal_name: str = Line
    short_name: str = Field(min_length=1, max_length=60, description="how documents call it")
    description: str = Field(
        default="", max_length=200, description="e.g. 'a Delaware corporation'"
    )
    address_lines: list[str] = Field(min_length=1, max_length=6)
    country: str
    registration: str = Field(default="", max_length=200)
    notice_email: str = Field(
        default="",
        max_length=254,
        pattern=r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$",
        description="printed with the operator's address where a notice is addressed to it",
    )
    signatory: Signatory
    service_name: str = Field(
        default="",
        max_length=60,
        description=(
            "the product or service partners refer clients to, as documents name it "
            "(Contentsquare: 'CS Service'); empty: documents say '<short_name> services'"
        ),
    )

    _country = field_validator("country")(check_country)

    @field_validator("address_lines")
    @classmethod
    def _lines(cls, value: list[str]) -> list[str]:
        if any(not line.strip() or len(line) > 200 for line in value):
            raise ValueError("address lines are 1..200 characters each")
        return value
