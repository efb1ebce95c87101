"""Mutations on memberships: enrollPartner, changeTier."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership as MembershipRow
from models import TierChange as TierChangeRow
from schema.context import Info
from schema.partners.types import Membership, TierChange
from schema.payloads import attempt, input_id, user_errors
from schema.tiers.types import EvaluationMode
from services.actor import Actor
from services.errors import MembershipErrorCode
from services.partners import membership_changes, memberships
from services.partners.membership_changes import REASON_MAX

Code = MembershipErrorCode
MembershipErrorCodeEnum = strawberry.enum(
    MembershipErrorCode,
    name="MembershipErrorCode",
    description="Why an enrolment or tier change was refused.",
)


@strawberry.type(
    description="A refused membership input: the input path, a stable code, a message."
)
class MembershipUserError:
    field: list[str] | None
    code: MembershipErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.input(description="Enrol a partner in a program at its entry tier (SEG-TIER-01).")
class EnrollPartnerInput:
    partner_id: strawberry.ID
    program_id: strawberry.ID
    joined_on: dt.date | None = strawberry.field(
        default=None,
        description="Enrolment day (program time zone); default the program's today. Admin keys "
        "may give a past day (BACKDATING_FORBIDDEN otherwise), never a future one "
        "(DATE_IN_FUTURE); a past day is backfilled (audit log). A signature dated earlier "
        "moves the enrolment back to it.",
    )


@strawberry.input(description="Move a membership to another tier of its program.")
class ChangeTierInput:
    membership_id: strawberry.ID
    tier_id: strawberry.ID
    reason: str = strawberry.field(
        description=f"Why the tier changes, 1..{REASON_MAX} characters; kept in history."
    )
    effective_on: dt.date | None = strawberry.field(
        default=None,
        description="Date it takes effect (program time zone); default the program's "
        "today, never after it (DATE_IN_FUTURE); a past date is backfilled (audit log).",
    )
    evaluation_mode: EvaluationMode | None = strawberry.field(
        default=None,
        description="Evaluate the partner as of the effective date in this mode "
        "and keep the evaluation in the tier history (SEG-TIER-06).",
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="End a membership for want of engagement (SEG-TIER-07).")
class DeactivateMembershipInput:
    membership_id: strawberry.ID
    reason: str = strawberry.field(description=f"1..{REASON_MAX} characters.")
    effective_on: dt.date | None = strawberry.field(
        default=None,
        description="Day the deactivation takes effect (program time zone); default the "
        "program's today, never after it (DATE_IN_FUTURE), not before the enrolment "
        "(DATE_OUT_OF_ORDER); a past date is backfilled (audit log).",
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.type(description="Result of deactivateMembership.")
class MembershipPayload:
    membership: Membership | None
    user_errors: list[MembershipUserError]


@strawberry.type(description="Result of enrollPartner.")
class EnrollPartnerPayload:
    membership: Membership | None
    user_errors: list[MembershipUserError]


@strawberry.type(description="Result of changeTier.")
class ChangeTierPayload:
    membership: Membership | None
    tier_change: TierChange | None
    user_errors: list[MembershipUserError]


async def _enroll(session: AsyncSession, actor: Actor, data: EnrollPartnerInput) -> MembershipRow:
    partner = input_id(data.partner_id, "Partner", "partnerId", Code.INVALID_ID)
    program = input_id(data.program_id, "Program", "programId", Code.INVALID_ID)
    return await memberships.enroll_partner(session, actor, partner, program, data.joined_on)


async def _change(
    session: AsyncSession, actor: Actor, data: ChangeTierInput
) -> tuple[MembershipRow, TierChangeRow]:
    membership = input_id(data.membership_id, "Membership", "membershipId", Code.INVALID_ID)
    tier = input_id(data.tier_id, "Tier", "tierId", Code.INVALID_ID)
    mode = data.evaluation_mode.value if data.evaluation_mode else None
    return await membership_changes.change_tier(
        session,
        actor,
        membership,
        tier,
        data.reason,
        data.effective_on,
        mode,
        data.expected_version,
    )


async def _deactivate(
    session: AsyncSession, actor: Actor, data: DeactivateMembershipInput
) -> MembershipRow:
    membership = input_id(data.membership_id, "Membership", "membershipId", Code.INVALID_ID)
    return await membership_changes.deactivate_membership(
        session, actor, membership, data.reason, data.expected_version, data.effective_on
    )


@strawberry.type
class MembershipMutations:
    @strawberry.mutation(description="Deactivate a membership with a reason (admin keys).")
    async def deactivate_membership(
        self, info: Info, input: DeactivateMembershipInput
    ) -> MembershipPayload:
        row, errors = await attempt(info, _deactivate, input)
        return MembershipPayload(
            membership=Membership.from_row(row) if row else None,
            user_errors=user_errors(errors, MembershipUserError),
        )

    @strawberry.mutation(
        description="Enrol a partner in a program (admins, or the partner itself)."
    )
    async def enroll_partner(self, info: Info, input: EnrollPartnerInput) -> EnrollPartnerPayload:
        row, errors = await attempt(info, _enroll, input)
        return EnrollPartnerPayload(
            membership=Membership.from_row(row) if row else None,
            user_errors=user_errors(errors, MembershipUserError),
        )

    @strawberry.mutation(description="Change a membership's tier with a reason (admin keys only).")
    async def change_tier(self, info: Info, input: ChangeTierInput) -> ChangeTierPayload:
        result, errors = await attempt(info, _change, input)
        return ChangeTierPayload(
            membership=Membership.from_row(result[0]) if result else None,
            tier_change=TierChange.from_row(result[1]) if result else None,
            user_errors=user_errors(errors, MembershipUserError),
        )
