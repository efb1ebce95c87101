"""Use cases: record tier evidence one by one or by CSV, all or nothing (SEG-TIER-04/05).

Each item's `occurredOn` is a fact date (services/fact_dates.py, issue 11): absent means the
program's today, never after it (`DATE_IN_FUTURE`); admin keys may backdate, a partner key
records the program's today (`BACKDATING_FORBIDDEN`); a backfilled item is marked in the audit
log (one `recordEvidence` event per fact date)."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy.ext.asyncio import AsyncSession

from models import Evidence, Program
from services.actor import Actor
from services.audit.log import record
from services.errors import FieldError, GovernanceErrorCode, UseCaseError, input_error, limited
from services.fact_dates import FactDate, fact_date
from services.scope import partner_and_program

Code = GovernanceErrorCode
KINDS = (
    "success_story",
    "joint_solution",
    "gtm_plan",
    "account_mapping",
    "influenced_revenue",
    "training",
    "certification",
    "engagement_plan",
)
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.I)
CSV_COLUMNS = {
    "influenced_revenue": (
        "deal_reference",
        "customer",
        "estimated_arr",
        "closed_won_on",
        "professional_services",
    ),
    "success_story": ("title", "url", "published_on"),
}
CSV_MAX_ROWS = 10_000


@dataclass(frozen=True)
class EvidenceInput:
    """Evidence as given; `kind` says which fields are needed (see models.Evidence)."""

    kind: str
    occurred_on: date | None = None
    title: str = ""
    url: str | None = None
    customer: str | None = None
    reference: str | None = None
    amount: Decimal | str | None = None
    professional_services: bool = False
    documentation_completed: bool = False
    collateral_completed: bool = False
    crossbeam_enabled: bool = False
    expires_on: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


def check(
    item: EvidenceInput,
    path: tuple[str, ...],
    currency: str,
    dated: Callable[[date | None, tuple[str, ...]], date | None],
) -> tuple[Evidence | None, list[FieldError]]:
    """An Evidence row (without owner) or every problem of the input; `dated` resolves and
    checks the fact date (raising a coded error)."""
    errors: list[FieldError] = []

    def problem(name: str, code: GovernanceErrorCode, message: str) -> None:
        errors.append(FieldError((*path, name), code, message))

    if item.kind not in KINDS:
        problem("kind", Code.UNKNOWN_KIND, f"kind is one of {', '.join(KINDS)}")
        return None, errors
    occurred_on = item.occurred_on
    if item.kind != "engagement_plan" or occurred_on is not None:
        try:
            occurred_on = dated(occurred_on, (*path, "occurredOn"))
        except UseCaseError as exc:
            errors += exc.errors
    title = item.title.strip()
    if item.kind in ("success_story", "joint_solution", "training", "certification") and not title:
        problem("title", Code.REQUIRED, "title is required")
    if len(title) > 300:
        problem("title", Code.TOO_LONG, "title is limited to 300 characters")
    url = (item.url or "").strip() or None
    if item.kind == "success_story" and (url is None or not URL.match(url) or len(url) > 2000):
        problem("url", Code.INVALID_URL, "a success story needs its http(s) URL")
    amount = None
    if item.kind == "influenced_revenue":
        if not (item.reference or "").strip():
            problem("reference", Code.REQUIRED, "the deal reference is required")
        if not (item.customer or "").strip():
            problem("customer", Code.REQUIRED, "the customer is required")
        try:
            amount = Decimal(str(item.amount))
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e13"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            problem("amount", Code.INVALID_AMOUNT, "estimated ARR is a non-negative amount")
    if errors:
        return None, errors
    completed = (
        item.documentation_completed and item.collateral_completed
        if item.kind == "joint_solution"
        else True
    )
    if item.kind == "account_mapping":
        completed = item.crossbeam_enabled
    flags = {
        "professional_services": item.professional_services,
        "documentation_completed": item.documentation_completed,
        "collateral_completed": item.collateral_completed,
        "crossbeam_enabled": item.crossbeam_enabled,
        "completed": completed,
    }
    return Evidence(
        id=uuid.uuid4(),
        kind=item.kind,
        title=title,
        url=url,
        customer=limited(item.customer or "", "customer", 200, Code.TOO_LONG) or None,
        reference=limited(item.reference or "", "reference", 100, Code.TOO_LONG) or None,
        amount=amount,
        currency=currency if amount is not None else None,
        occurred_on=occurred_on,
        expires_on=item.expires_on,
        flags=flags,
    ), []


async def record_evidence(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    items: list[EvidenceInput],
    paths: list[tuple[str, ...]] | None = None,
) -> list[Evidence]:
    """Record evidence for a partner (its own key or an admin); nothing unless all are valid."""
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    dates: dict[date, FactDate] = {}

    def dated(given: date | None, path: tuple[str, ...]) -> date:
        fact = fact_date(program, actor, given, path, Code)
        dates[fact.day] = fact
        return fact.day

    rows, errors = [], []
    for index, item in enumerate(items):
        row, problems = check(item, paths[index] if paths else ("input",), program.currency, dated)
        errors += problems
        if row is not None:
            row.partner_id, row.program_id = partner.id, program.id
            rows.append(row)
    if errors:
        raise UseCaseError(errors)
    session.add_all(rows)
    await session.flush()
    undated = [r for r in rows if r.occurred_on is None]
    for day in [None, *sorted(dates)]:
        group = undated if day is None else [r for r in rows if r.occurred_on == day]
        if group:
            await record(
                session,
                actor,
                "recordEvidence",
                "Partner",
                partner.id,
                {"evidence": [None, [f"{r.kind}:{r.id}" for r in group]]},
                dated=None if day is None else dates[day],
            )
    return rows


async def _program(session: AsyncSession, program_id: uuid.UUID) -> Program:
    program = await session.get(Program, program_id)
    if program is None:
        raise input_error("programId", Code.PROGRAM_NOT_FOUND, "no program has that id")
    return program


async def record_one(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    item: EvidenceInput,
) -> list[Evidence]:
    """Record one piece of evidence, dated as a fact (SEG-TIER-04)."""
    program = await _program(session, program_id)
    return await record_evidence(
        session,
        actor,
        partner_id=partner_id,
        program_id=program.id,
        items=[item],
    )


async def import_csv(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    kind: str,
    text: str,
) -> list[Evidence]:
    """Import evidence from CSV, all rows or none, each row's date a fact date."""
    program = await _program(session, program_id)
    items, paths = parse_csv(kind, text)
    return await record_evidence(
        session,
        actor,
        partner_id=partner_id,
        program_id=program.id,
        items=items,
        paths=paths,
    )


def parse_csv(kind: str, text: str) -> tuple[list[EvidenceInput], list[tuple[str, ...]]]:
    """Rows of an evidence CSV; the header names the kind's columns (CSV_COLUMNS)."""
    if kind not in CSV_COLUMNS:
        raise input_error("kind", Code.UNKNOWN_KIND, f"CSV import takes {', '.join(CSV_COLUMNS)}")
    reader = csv.DictReader(io.StringIO(text))
    expected = CSV_COLUMNS[kind]
    if tuple(reader.fieldnames or ()) != expected:
        raise input_error("csv", Code.INVALID_CSV, f"the header must be: {','.join(expected)}")
    items: list[EvidenceInput] = []
    paths: list[tuple[str, ...]] = []
    errors: list[FieldError] = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > CSV_MAX_ROWS:
            raise input_error("csv", Code.INVALID_CSV, f"at most {CSV_MAX_ROWS} rows per import")
        path = ("csv", f"line {number}")
        day_text = row.get("closed_won_on" if kind == "influenced_revenue" else "published_on")
        try:
            day = date.fromisoformat(day_text or "")
        except ValueError:
            errors.append(
                FieldError(
                    (*path, "date"),
                    Code.INVALID_DATE,
                    f"line {number}: the date must be YYYY-MM-DD",
                )
            )
            continue
        if kind == "influenced_revenue":
            flag = (row.get("professional_services") or "").strip().lower()
            if flag not in ("", "true", "false", "yes", "no", "1", "0"):
                errors.append(
                    FieldError(
                        (*path, "professional_services"),
                        Code.INVALID,
                        f"line {number}: professional_services is true/false",
                    )
                )
                continue
            items.append(
                EvidenceInput(
                    kind=kind,
                    occurred_on=day,
                    reference=row.get("deal_reference"),
                    customer=row.get("customer"),
                    amount=row.get("estimated_arr") or "",
                    professional_services=flag in ("true", "yes", "1"),
                )
            )
        else:
            items.append(
                EvidenceInput(
                    kind=kind, occurred_on=day, title=row.get("title") or "", url=row.get("url")
                )
            )
        paths.append(path)
    if errors:
        raise UseCaseError(errors)
    return items, paths
