"""Use cases: marketing development funds, request to reimbursement (SEG-TIER-08)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    MdfRequest,
    Program,
)
from models.base import utcnow
from models.locks import hold, lock_key
from services.actor import Actor
from services.audit.log import record
from services.errors import GovernanceErrorCode, check_version, input_error, limited
from services.fact_dates import FactDate, fact_date, program_today
from services.programs.typed import spec_of
from services.tiers.entitlements import positive_amount, require_admin, require_benefit, scope

Code = GovernanceErrorCode


@dataclass(frozen=True)
class MdfInput:
    """An MDF request as given."""

    activity: str
    amount: Decimal | str
    starts_on: date
    ends_on: date
    requested_on: date | None = None


def _start_of(program: Program, day: date) -> datetime:
    """The first moment of `day` in the program's time zone, in UTC."""
    return datetime.combine(day, time(0), ZoneInfo(program.timezone)).astimezone(UTC)


async def request_mdf(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    request: MdfInput,
) -> MdfRequest:
    """File an MDF request; only partners whose tier gives MDF may (SEG-TIER-08). It counts
    against the budget of the program year its activity starts in (`program_year.starts_on`).
    The request is dated `requested_on` (default the program's today; admin keys may backdate,
    marked in the audit log) and the tier's entitlement is read as of that day (issue 11)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    spec = spec_of(program)
    funds = spec.marketing_funds
    if funds is None:
        raise input_error("programId", Code.NOT_ENTITLED, f"{program.slug} offers no MDF")
    dated = fact_date(program, actor, request.requested_on, "requestedOn", Code)
    await require_benefit(session, partner, program, funds.benefit, dated.day)
    activity = request.activity.strip()
    if not activity or len(activity) > 2000:
        raise input_error(
            "activity", Code.REQUIRED, "describe the activity (at most 2000 characters)"
        )
    if request.ends_on < request.starts_on:
        raise input_error("endsOn", Code.INVALID_DATE, "endsOn is before startsOn")
    row = MdfRequest(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        program_year=spec.program_year.years.of(request.starts_on),
        activity=activity,
        amount=positive_amount(request.amount, "amount"),
        currency=funds.budget_per_program_year.currency,
        starts_on=request.starts_on,
        ends_on=request.ends_on,
        status="requested",
        requested_at=utcnow() if not dated.backfilled else _start_of(program, dated.day),
        version=1,
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "requestMdf",
        "MdfRequest",
        row.id,
        {"amount": [None, str(row.amount)], "status": [None, "requested"]},
        dated=dated,
    )
    return row


async def _lock_budget(session: AsyncSession, program_id: uuid.UUID, year: int) -> None:
    """Serialise approvals against one program year's MDF budget until the transaction ends,
    so concurrent approvals never commit more than the budget (SEG-TIER-08).

    PostgreSQL: a transaction-scoped advisory lock keyed on program and year. SQLite: write
    transactions begin IMMEDIATE, so writers already queue on the database lock.
    """
    await hold(session, [lock_key(b"mdf-budget:", program_id.bytes, str(year).encode())])


TRANSITIONS = {
    "approve": ("requested", "approved"),
    "reject": ("requested", "rejected"),
    "claim": ("approved", "claimed"),
    "reimburse": ("claimed", "reimbursed"),
}


PREVIOUS = {
    "approve": "the request",
    "reject": "the request",
    "claim": "the approval",
    "reimburse": "the claim",
}


def _previous_step(row: MdfRequest, action: str) -> datetime | None:
    if action in ("approve", "reject"):
        return row.requested_at
    return row.decided_at if action == "claim" else row.claimed_at


def step_time(
    program: Program, actor: Actor, given: datetime | None, row: MdfRequest, action: str
) -> tuple[datetime, FactDate]:
    """When an MDF step happened and its day in the program's time zone (issue 11): now, or a
    past time an admin key gives; never after now nor on a day after the program's today
    (`DATE_IN_FUTURE`), a partner key never on a past day (`BACKDATING_FORBIDDEN`), never
    before the step it follows (`DATE_OUT_OF_ORDER`), each naming `at`."""
    now = utcnow()
    if given is None:
        return now, FactDate(program_today(program, now), program_today(program, now))
    if given.tzinfo is None:
        raise input_error("at", Code.INVALID_DATE, "at needs a UTC offset")
    if given > now:
        raise input_error("at", Code.DATE_IN_FUTURE, f"at ({given.isoformat()}) is after now")
    dated = fact_date(program, actor, program_today(program, given), "at", Code, now=now)
    previous = _previous_step(row, action)
    if previous is not None and given < previous:
        raise input_error(
            "at",
            Code.DATE_OUT_OF_ORDER,
            f"at cannot be before {PREVIOUS[action]} ({previous.isoformat()})",
        )
    return given, dated


async def committed_on(
    session: AsyncSession, program_id: uuid.UUID, year: int, at: datetime
) -> tuple[Decimal, Decimal]:
    """The program year's approved MDF total as of `at` (approvals dated up to it) and the
    total of approvals dated after it (SEG-TIER-08, issue 11)."""
    rows = await session.execute(
        select(MdfRequest.decided_at, MdfRequest.amount).where(
            MdfRequest.program_id == program_id,
            MdfRequest.program_year == year,
            MdfRequest.status.in_(("approved", "claimed", "reimbursed")),
        )
    )
    by_then, later = Decimal(0), Decimal(0)
    for decided_at, amount in rows:
        if decided_at is None or decided_at <= at:
            by_then += Decimal(amount)
        else:
            later += Decimal(amount)
    return by_then, later


async def advance_mdf(
    session: AsyncSession,
    actor: Actor,
    *,
    request_id: uuid.UUID,
    action: str,
    reason: str = "",
    proof: str = "",
    amount: Decimal | str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> MdfRequest:
    """Move an MDF request: approve or reject (admin, within budget), claim with proof
    (partner), reimburse (admin); each step at its own time (`at`, admin keys may backdate)."""
    row = await session.get(MdfRequest, request_id, with_for_update=True)
    if row is None or not actor.may_see_partner(row.partner_id):
        raise input_error("requestId", Code.NOT_FOUND, "no MDF request has that id")
    check_version(row.version, expected_version, Code)
    source, target = TRANSITIONS[action]
    if action in ("approve", "reject", "reimburse"):
        require_admin(actor, f"{action} MDF requests")
    if row.status != source:
        raise input_error(
            "requestId", Code.INVALID_TRANSITION, f"a {row.status} request cannot be {target}"
        )
    program = await session.get(Program, row.program_id)
    assert program is not None
    now, dated = step_time(program, actor, at, row, action)
    if action == "approve":
        spec = spec_of(program)
        marketing = spec.marketing_funds
        assert marketing is not None
        funds = marketing.budget_per_program_year
        budget = funds.amount
        await _lock_budget(session, program.id, row.program_year)
        # As of the approval's own day; approvals dated after it count too: on their days this
        # one is committed, so a backfilled approval never takes a later day over the budget.
        by_then, later = await committed_on(session, program.id, row.program_year, now)
        total = by_then + later + Decimal(row.amount)
        if total > budget:
            raise input_error(
                "requestId",
                Code.BUDGET_EXCEEDED,
                f"approving on {dated.day} would commit {total:,.2f} of the "
                f"{spec.program_year.years.name(row.program_year)} budget of {budget:,.2f} "
                f"{funds.currency} ({by_then:,.2f} approved by then, {later:,.2f} on later days)",
            )
    if action == "reject" and not reason.strip():
        raise input_error("reason", Code.REQUIRED, "a rejection needs a reason")
    if action == "claim":
        if not proof.strip():
            raise input_error("proof", Code.REQUIRED, "a claim needs proof of the activity")
        row.claim_proof, row.claimed_at = limited(proof, "proof", 5000, Code.TOO_LONG), now
    elif action == "reimburse":
        paid = positive_amount(amount if amount is not None else row.amount, "amount")
        if paid > Decimal(row.amount):
            raise input_error("amount", Code.INVALID_AMOUNT, "reimbursement exceeds the approval")
        row.reimbursed_amount, row.reimbursed_at = paid, now
    else:
        row.decided_at, row.decision_reason = now, reason.strip() or None
    old, row.status = row.status, target
    row.version += 1
    await session.flush()
    await record(
        session,
        actor,
        f"{action}Mdf",
        "MdfRequest",
        row.id,
        {"status": [old, target], "at": [None, now.isoformat()]},
        dated=dated,
    )
    return row
