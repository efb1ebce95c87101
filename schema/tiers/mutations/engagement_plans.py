"""The engagement-plan mutation: request, deliver, review (CS-AGR-05)."""

from __future__ import annotations

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


async def _plan(session: AsyncSession, actor: Actor, data: EngagementPlanInput) -> EvidenceRow:
    return await engagement_plans.engagement_plan_step(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        program_id=governance_id(data.program_id, "Program", "programId"),
        step=data.step.value,
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
