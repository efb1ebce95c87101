"""Use cases: the registry of clients a program already pursues (CS-REF-03)."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import ActiveOpportunity, OpportunityKey, Program
from models.base import utcnow
from rules.client_identity import client_keys
from services.actor import Actor
from services.audit.log import record
from services.errors import FieldError, ReferralErrorCode, UseCaseError, input_error
from services.partners.memberships import program_today

Code = ReferralErrorCode
CSV_COLUMNS = ("client_name", "client_website", "active_from", "active_until", "note")
CSV_MAX_ROWS = 10_000


@dataclass(frozen=True)
class OpportunityInput:
    """A client to register as an active opportunity."""

    client_name: str
    client_website: str | None = None
    active_from: date | None = None
    active_until: date | None = None
    note: str = ""


def _check(
    item: OpportunityInput, where: tuple[str, ...], today: date
) -> tuple[OpportunityInput, frozenset[str], list[FieldError]]:
    errors = []
    name = item.client_name.strip()
    keys = client_keys(name, item.client_website)
    if not name or len(name) > 200:
        errors.append(
            FieldError(
                (*where, "clientName"),
                Code.REQUIRED,
                "clientName is required (at most 200 characters)",
            )
        )
    elif not keys:
        errors.append(
            FieldError(
                (*where, "clientName"),
                Code.INVALID,
                "the client name has nothing to identify it by",
            )
        )
    if len(item.note.strip()) > 1000:
        errors.append(
            FieldError((*where, "note"), Code.TOO_LONG, "note is limited to 1000 characters")
        )
    start = item.active_from or today
    if item.active_until is not None and item.active_until < start:
        errors.append(
            FieldError(
                (*where, "activeUntil"), Code.INVALID_DATE, "activeUntil is before activeFrom"
            )
        )
    cleaned = OpportunityInput(
        name,
        (item.client_website or "").strip() or None,
        start,
        item.active_until,
        item.note.strip(),
    )
    return cleaned, keys, errors


async def add_opportunities(
    session: AsyncSession,
    actor: Actor,
    *,
    program: Program,
    items: list[OpportunityInput],
    today: date,
    where: list[tuple[str, ...]] | None = None,
) -> list[ActiveOpportunity]:
    """Register clients; every problem of every item is reported and nothing is written."""
    if not actor.is_admin:
        raise input_error(
            "programId", Code.FORBIDDEN, "only an admin key can maintain the registry"
        )
    checked, errors = [], []
    for index, item in enumerate(items):
        path = where[index] if where else ("input",)
        cleaned, keys, problems = _check(item, path, today)
        checked.append((cleaned, keys))
        errors += problems
    if errors:
        raise UseCaseError(errors)
    rows = []
    for cleaned, keys in checked:
        assert cleaned.active_from is not None
        row = ActiveOpportunity(
            id=uuid.uuid4(),
            program_id=program.id,
            client_name=cleaned.client_name,
            client_website=cleaned.client_website,
            client_keys=sorted(keys),
            active_from=cleaned.active_from,
            active_until=cleaned.active_until,
            note=cleaned.note,
            created_at=utcnow(),
        )
        session.add(row)
        session.add_all(OpportunityKey(opportunity_id=row.id, client_key=k) for k in keys)
        rows.append(row)
    await session.flush()
    await record(
        session,
        actor,
        "addActiveOpportunities",
        "Program",
        program.id,
        {"opportunities": [None, len(rows)]},
    )
    return rows


async def _program(session: AsyncSession, program_id: uuid.UUID) -> Program:
    program = await session.get(Program, program_id)
    if program is None:
        raise input_error("programId", Code.PROGRAM_NOT_FOUND, "no program has that id")
    return program


async def add_active_opportunity(
    session: AsyncSession, actor: Actor, *, program_id: uuid.UUID, item: OpportunityInput
) -> list[ActiveOpportunity]:
    """Register one client the program already pursues, as of the program's today."""
    program = await _program(session, program_id)
    return await add_opportunities(
        session, actor, program=program, items=[item], today=program_today(program)
    )


async def import_active_opportunities(
    session: AsyncSession, actor: Actor, *, program_id: uuid.UUID, csv_text: str
) -> list[ActiveOpportunity]:
    """Register the clients of an opportunity CSV: all rows, or none if any is bad."""
    program = await _program(session, program_id)
    items, where = parse_csv(csv_text)
    return await add_opportunities(
        session, actor, program=program, items=items, where=where, today=program_today(program)
    )


def parse_csv(text: str) -> tuple[list[OpportunityInput], list[tuple[str, ...]]]:
    """Rows of an opportunity CSV (header: client_name, client_website, active_from, ...)."""
    # newline="": the csv module itself ends lines at \r\n, \n or a bare \r (issue 13)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return _rows(reader)
    except csv.Error as exc:
        raise input_error("csv", Code.INVALID_CSV, f"the CSV is malformed: {exc}") from exc


def _rows(reader: csv.DictReader[str]) -> tuple[list[OpportunityInput], list[tuple[str, ...]]]:
    missing = [c for c in ("client_name",) if c not in (reader.fieldnames or [])]
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
    if missing or unknown:
        raise input_error(
            "csv",
            Code.INVALID_CSV,
            f"columns must be among {', '.join(CSV_COLUMNS)} "
            f"and include client_name (missing: {missing}, unknown: {unknown})",
        )
    items: list[OpportunityInput] = []
    where: list[tuple[str, ...]] = []
    errors: list[FieldError] = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > CSV_MAX_ROWS:
            raise input_error("csv", Code.INVALID_CSV, f"at most {CSV_MAX_ROWS} rows per import")
        path = ("csv", f"line {number}")
        try:
            start = date.fromisoformat(row["active_from"]) if row.get("active_from") else None
            until = date.fromisoformat(row["active_until"]) if row.get("active_until") else None
        except ValueError:
            errors.append(
                FieldError(path, Code.INVALID_DATE, f"line {number}: dates are YYYY-MM-DD")
            )
            continue
        items.append(
            OpportunityInput(
                row.get("client_name") or "",
                row.get("client_website"),
                start,
                until,
                row.get("note") or "",
            )
        )
        where.append(path)
    if errors:
        raise UseCaseError(errors)
    return items, where
