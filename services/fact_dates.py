"""The date a recorded fact carries (issue 11): one place for every use case.

A fact's date is the program's calendar day on which it happened, not the day it was entered.
- `program_today`: today's date in the program's own time zone.
- `fact_date`: an optional given date resolved and checked: absent means the program's today;
  nothing may be dated after the program's today (`DATE_IN_FUTURE`); admin keys may backdate,
  partner keys always record the program's today (`BACKDATING_FORBIDDEN`); a fact never
  precedes a named earlier fact (`DATE_OUT_OF_ORDER`, naming the field and that fact).
- `FactDate.backfilled`: the fact is dated before the day it was entered; the audit log marks
  it (`record(..., dated=...)`).

Codes are looked up by name in the calling domain's code enum (`services/errors.py`), so each
domain's `userErrors` keep their own GraphQL enum.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from models import Program
from models.base import utcnow
from services.actor import Actor
from services.errors import UseCaseError


def program_today(program: Program, now: datetime | None = None) -> date:
    """Today's date in the program's own time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(program.timezone)).date()


@dataclass(frozen=True)
class FactDate:
    """A fact's date and the program's today when it was entered."""

    day: date
    entered_on: date

    @property
    def backfilled(self) -> bool:
        """Dated before the day it was entered."""
        return self.day < self.entered_on


@dataclass(frozen=True)
class Earlier:
    """A fact that must not come after the one being dated: `what` names it for the message
    (e.g. "the submission"); `on` is its date, None when it has none (then nothing is checked).
    """

    what: str
    on: date | None


def _code(codes: type[enum.StrEnum], name: str) -> enum.StrEnum:
    return codes[name]


def _path(field: str | Sequence[str]) -> list[str]:
    return ["input", field] if isinstance(field, str) else list(field)


def _name(field: str | Sequence[str]) -> str:
    return field if isinstance(field, str) else str(field[-1]).rsplit(".", 1)[-1]


def check_order(
    day: date,
    field: str | Sequence[str],
    codes: type[enum.StrEnum],
    *earlier: Earlier,
) -> None:
    """Refuse `day` when it precedes any of the `earlier` facts (`DATE_OUT_OF_ORDER`)."""
    for fact in earlier:
        if fact.on is not None and day < fact.on:
            raise UseCaseError.one(
                _path(field),
                _code(codes, "DATE_OUT_OF_ORDER"),
                f"{_name(field)} ({day}) cannot be before {fact.what} ({fact.on})",
            )


def check_not_future(
    day: date, today: date, field: str | Sequence[str], codes: type[enum.StrEnum]
) -> None:
    """Refuse `day` when it is after the program's today (`DATE_IN_FUTURE`)."""
    if day > today:
        raise UseCaseError.one(
            _path(field),
            _code(codes, "DATE_IN_FUTURE"),
            f"{_name(field)} ({day}) cannot be after the program's today ({today})",
        )


def fact_date(
    program: Program,
    actor: Actor,
    given: date | None,
    field: str | Sequence[str],
    codes: type[enum.StrEnum],
    *earlier: Earlier,
    now: datetime | None = None,
    partner_may_backdate: bool = False,
) -> FactDate:
    """The date a fact is recorded with, checked; a coded error naming `field` otherwise.

    `field` is an input field name (under `input`) or a full path. `partner_may_backdate` is for
    facts a partner reports about the past by nature (e.g. the day it dispatched a notice):
    still never after today and never out of order.
    """
    today = program_today(program, now)
    day = today if given is None else given
    check_not_future(day, today, field, codes)
    if day < today and not actor.is_admin and not partner_may_backdate:
        raise UseCaseError.one(
            _path(field),
            _code(codes, "BACKDATING_FORBIDDEN"),
            f"a partner key records facts on the program's today ({today}); "
            f"only an admin key may date {_name(field)} in the past",
        )
    check_order(day, field, codes, *earlier)
    return FactDate(day, today)


def given_date(
    program: Program,
    day: date,
    field: str | Sequence[str],
    codes: type[enum.StrEnum],
    *earlier: Earlier,
    now: datetime | None = None,
) -> FactDate:
    """A required date (e.g. the day revenue occurred, entered by an admin): not after the
    program's today and in order with the `earlier` facts."""
    today = program_today(program, now)
    check_not_future(day, today, field, codes)
    check_order(day, field, codes, *earlier)
    return FactDate(day, today)
