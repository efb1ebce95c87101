"""The times incident facts carry (issue 11): now, or a past time given by an admin key; never
in the future (`DATE_IN_FUTURE`), never before the facts they follow (`DATE_OUT_OF_ORDER`).
The response clock (SUP-04/05) reads these times, never the time of entry.
"""

from __future__ import annotations

from datetime import datetime

from models import Incident, IncidentEvent, Program
from models.base import utcnow
from services.actor import Actor
from services.errors import input_error
from services.fact_dates import FactDate, program_today
from services.support.policy import Code


def _checked(actor: Actor, at: datetime, field: str, now: datetime) -> datetime:
    if at.tzinfo is None:
        raise input_error(field, Code.INVALID_DATE, f"{field} needs a UTC offset")
    if at > now:
        raise input_error(field, Code.DATE_IN_FUTURE, f"{field} cannot be in the future")
    if not actor.is_admin:
        raise input_error(
            field, Code.BACKDATING_FORBIDDEN, f"only admin keys may give {field} in the past"
        )
    return at


def dated(program: Program, at: datetime) -> FactDate:
    """The audit mark of an incident fact happening at `at`: its day in the program's time
    zone, backfilled when that day is before the program's today (issue 11)."""
    return FactDate(program_today(program, at), program_today(program))


def reported_at(actor: Actor, given: datetime | None, started_at: datetime) -> datetime:
    """When the report came in; the incident started no later than that."""
    now = utcnow()
    if started_at.tzinfo is None:
        raise input_error("startedAt", Code.INVALID_DATE, "startedAt needs a UTC offset")
    reported = now if given is None else _checked(actor, given, "reportedAt", now)
    if started_at > reported:
        code = Code.DATE_IN_FUTURE if given is None else Code.DATE_OUT_OF_ORDER
        raise input_error(
            "startedAt", code, f"startedAt cannot be after the report ({reported.isoformat()})"
        )
    return reported


def fact_time(actor: Actor, given: datetime | None, incident: Incident, field: str) -> datetime:
    """When a response or escalation happened: not before the report."""
    if given is None:
        return utcnow()
    at = _checked(actor, given, field, utcnow())
    if at < incident.reported_at:
        raise input_error(
            field,
            Code.DATE_OUT_OF_ORDER,
            f"{field} cannot be before the report ({incident.reported_at.isoformat()})",
        )
    return at


def closed_time(
    actor: Actor, given: datetime | None, incident: Incident, events: list[IncidentEvent]
) -> datetime:
    """When the incident was closed: not before the report or its latest response or
    escalation."""
    at = fact_time(actor, given, incident, "closedAt")
    latest = max((e.at for e in events), default=None)
    if latest is not None and at < latest:
        raise input_error(
            "closedAt",
            Code.DATE_OUT_OF_ORDER,
            f"closedAt cannot be before the incident's last event ({latest.isoformat()})",
        )
    return at
