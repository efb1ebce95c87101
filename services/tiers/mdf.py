"""Use cases: marketing development funds, request to reimbursement (SEG-TIER-08)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    MdfRequest,
    Program,
)
from models.base import utcnow
from services.actor import Actor
from services.audit.log import record
from services.errors import GovernanceErrorCode, check_version, input_error
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


async def request_mdf(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    request: MdfInput,
) -> MdfRequest:
    """File an MDF request; only partners whose tier gives MDF may (SEG-TIER-08). It counts
    against the budget of the program year its activity starts in (`program_year.starts_on`)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    spec = spec_of(program)
    funds = spec.marketing_funds
    if funds is None:
        raise input_error("programId", Code.NOT_ENTITLED, f"{program.slug} offers no MDF")
    await require_benefit(session, partner, program, funds.benefit)
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
        requested_at=utcnow(),
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
    )
    return row


async def _lock_budget(session: AsyncSession, program_id: uuid.UUID, year: int) -> None:
    """Serialise approvals against one program year's MDF budget until the transaction ends,
    so concurrent approvals never commit more than the budget (SEG-TIER-08).

    PostgreSQL: a transaction-scoped advisory lock keyed on program and year. SQLite: write
    transactions begin IMMEDIATE, so writers already queue on the database lock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(b"mdf-budget:" + program_id.bytes + str(year).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


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


def step_time(actor: Actor, given: datetime | None, row: MdfRequest, action: str) -> datetime:
    """When an MDF step happened (issue 11): now, or a past time an admin key gives; never in
    the future (`DATE_IN_FUTURE`) nor before the step it follows (`DATE_OUT_OF_ORDER`)."""
    now = utcnow()
    if given is None:
        return now
    if given.tzinfo is None:
        raise input_error("at", Code.INVALID_DATE, "at needs a UTC offset")
    if given > now:
        raise input_error("at", Code.DATE_IN_FUTURE, "at cannot be in the future")
    if not actor.is_admin:
        raise input_error(
            "at", Code.BACKDATING_FORBIDDEN, "only admin keys may date an MDF step in the past"
        )
    previous = _previous_step(row, action)
    if previous is not None and given < previous:
        raise input_error(
            "at",
            Code.DATE_OUT_OF_ORDER,
            f"at cannot be before {PREVIOUS[action]} ({previous.isoformat()})",
        )
    return given


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
    now = step_time(actor, at, row, action)
    if action == "approve":
        spec = spec_of(program)
        marketing = spec.marketing_funds
        assert marketing is not None
        funds = marketing.budget_per_program_year
        budget = funds.amount
        await _lock_budget(session, program.id, row.program_year)
        committed = Decimal(
            await session.scalar(
                select(func.coalesce(func.sum(MdfRequest.amount), 0)).where(
                    MdfRequest.program_id == program.id,
                    MdfRequest.program_year == row.program_year,
                    MdfRequest.status.in_(("approved", "claimed", "reimbursed")),
                )
            )
            or 0
        )
        if committed + Decimal(row.amount) > budget:
            raise input_error(
                "requestId",
                Code.BUDGET_EXCEEDED,
                f"approving would commit {committed + Decimal(row.amount):,.2f} of the "
                f"{spec.program_year.years.name(row.program_year)} budget of {budget:,.2f} "
                f"{funds.currency}",
            )
    if action == "reject" and not reason.strip():
        raise input_error("reason", Code.REQUIRED, "a rejection needs a reason")
    if action == "claim":
        if not proof.strip():
            raise input_error("proof", Code.REQUIRED, "a claim needs proof of the activity")
        row.claim_proof, row.claimed_at = proof.strip()[:5000], now
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
    )
    return row
