"""The engagement-plan mutation: request, deliver, review (CS-AGR-05)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Evidence as EvidenceRow
from schema.context import Info
from schema.payloads import attempt
from schema.tiers.mutations.errors import governance_errors, governance_id
from schema.tiers.mutations.evidence import EvidencePayload
from schema.tiers.types import Evidence
from services.actor import Actor
from services.tiers import engagement_plans


@strawberry.enum(description="A step of the engagement plan (CS-AGR-05).")
class EngagementPlanStep(enum.Enum):
    REQUEST = "request"
    DELIVER = "deliver"
    REVIEW = "review"


@strawberry.input(description="REQUEST (admins), DELIVER (the partner), REVIEW (admins).")
class EngagementPlanInput:
    program_id: strawberry.ID
    partner_id: strawberry.ID
    step: EngagementPlanStep
    on: dt.date | None = strawberry.field(
        default=None,
        description="The step's day (program time zone); default the program's today. Admin "
        "keys may give a past day (BACKDATING_FORBIDDEN otherwise), never a future one "
        "(DATE_IN_FUTURE); a delivery not before the request, a review not before the "
        "delivery (DATE_OUT_OF_ORDER). A past day is marked backfilled in the audit log.",
    )


async def _plan(session: AsyncSession, actor: Actor, data: EngagementPlanInput) -> EvidenceRow:
    return await engagement_plans.engagement_plan_step(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        program_id=governance_id(data.program_id, "Program", "programId"),
        step=data.step.value,
        on=data.on,
    )


@strawberry.type
class EngagementPlanMutations:
    """The engagement plan's steps."""

    @strawberry.mutation(
        description="Request, deliver or review an engagement plan: due 90 "
        "days after the Effective Date, reviewed yearly (CS-AGR-05)."
    )
    async def engagement_plan(self, info: Info, input: EngagementPlanInput) -> EvidencePayload:
        row, errors = await attempt(info, _plan, input)
        return EvidencePayload(
            evidence=[Evidence.from_row(row)] if row else [], user_errors=governance_errors(errors)
        )
