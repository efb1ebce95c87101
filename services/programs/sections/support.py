"""Program file sections of the support domain: support windows, incident classifications and
the support policy (SUP-01..06).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from services.programs.sections.citing import Citing
from services.programs.sections.fields import Key, Strict, Weekday, check_timezone


class SupportWindow(Strict):
    """A support-hours window a customer can pick (SUP-01)."""

    key: Key
    name: str
    timezone: str
    opens: time
    closes: time
    days: list[Weekday] = Field(min_length=1)

    _tz = field_validator("timezone")(check_timezone)

    @model_validator(mode="after")
    def _opens_before_closes(self) -> SupportWindow:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


class SupportClassification(Strict):
    """An incident classification and its target response time (SUP-04)."""

    key: Key
    name: str
    description: str = ""
    target_response_hours: Annotated[Decimal, Field(gt=0, le=1000)]


class SupportPolicy(Citing):
    """Support commitments (SUP-01..06)."""

    clock: Literal["support_hours", "calendar"]
    windows: list[SupportWindow] = Field(min_length=1)
    classifications: list[SupportClassification] = Field(min_length=1)
    escalation_levels: list[Key] = Field(min_length=1)
    exclusion_reasons: list[Key] = Field(min_length=1)
