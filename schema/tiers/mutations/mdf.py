"""Mutations of MDF requests: request, approve, reject, claim, reimburse (SEG-TIER-08)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import MdfRequest as MdfRow
from schema.context import Info
from schema.payloads import attempt
from schema.tiers.mutations.errors import GovernanceUserError, governance_errors, governance_id
from schema.tiers.types import MdfRequest
from services.actor import Actor
from services.tiers import mdf


@strawberry.input(description="An MDF request (SEG-TIER-08).")
class RequestMdfInput:
    program_id: strawberry.ID
    activity: str
    amount: Decimal
    starts_on: dt.date
    ends_on: dt.date
    partner_id: strawberry.ID | None = None
    requested_on: dt.date | None = strawberry.field(
        default=None,
        description="The day the request was made; default the program's today. Admin keys may "
        "give a past day (marked backfilled in the audit log; BACKDATING_FORBIDDEN for partner "
        "keys), never one after the program's today (DATE_IN_FUTURE). The tier's MDF "
        "entitlement is read as of that day.",
    )


@strawberry.enum(description="A step of an MDF request.")
class MdfAction(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"
    CLAIM = "claim"
    REIMBURSE = "reimburse"


@strawberry.input(
    description="Move an MDF request: APPROVE/REJECT (admins, within budget), "
    "CLAIM with proof (the partner), REIMBURSE (admins)."
)
class AdvanceMdfInput:
    request_id: strawberry.ID
    action: MdfAction
    reason: str = ""
    proof: str = ""
    amount: Decimal | None = strawberry.field(default=None, description="REIMBURSE only.")
    at: dt.datetime | None = strawberry.field(
        default=None,
        description="When the step happened (with an offset); default now. Admin keys may give "
        "a past time (BACKDATING_FORBIDDEN for a partner key on a day before the program's "
        "today), never a future one (DATE_IN_FUTURE), never before the step it follows "
        "(DATE_OUT_OF_ORDER). A step on a past day is marked backfilled in the audit log with "
        "its day; an approval is counted against the budget as of its own time.",
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.type(description="Result of MDF mutations.")
class MdfPayload:
    request: MdfRequest | None
    user_errors: list[GovernanceUserError]


async def _request(session: AsyncSession, actor: Actor, data: RequestMdfInput) -> MdfRow:
    return await mdf.request_mdf(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        program_id=governance_id(data.program_id, "Program", "programId"),
        request=mdf.MdfInput(
            data.activity, data.amount, data.starts_on, data.ends_on, data.requested_on
        ),
    )


async def _advance(session: AsyncSession, actor: Actor, data: AdvanceMdfInput) -> MdfRow:
    return await mdf.advance_mdf(
        session,
        actor,
        request_id=governance_id(data.request_id, "MdfRequest", "requestId"),
        action=data.action.value,
        reason=data.reason,
        proof=data.proof,
        amount=data.amount,
        expected_version=data.expected_version,
        at=data.at,
    )


@strawberry.type
class MdfMutations:
    """MDF requests and their steps."""

    @strawberry.mutation(description="Request MDF; refused with NOT_ENTITLED below Gold.")
    async def request_mdf(self, info: Info, input: RequestMdfInput) -> MdfPayload:
        row, errors = await attempt(info, _request, input)
        return MdfPayload(
            request=MdfRequest.from_row(row) if row else None, user_errors=governance_errors(errors)
        )

    @strawberry.mutation(description="Approve, reject, claim or reimburse an MDF request.")
    async def advance_mdf(self, info: Info, input: AdvanceMdfInput) -> MdfPayload:
        row, errors = await attempt(info, _advance, input)
        return MdfPayload(
            request=MdfRequest.from_row(row) if row else None, user_errors=governance_errors(errors)
        )
