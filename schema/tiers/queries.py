"""Queries of tier governance: tier evaluation, the quarterly review, usage over cap, MDF
requests (SEG-TIER-02/05/07/08, SEG-AGR-03).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from models.tiers.queries import mdf_requests_of, usage_over_cap
from schema.context import Info
from schema.errors import CodedError
from schema.ids import expect_id
from schema.partners.types import Membership
from schema.tiers.types import EvaluationMode, MdfRequest, TierEvaluation, UsageReport
from services.errors import UseCaseError
from services.partners.memberships import program_today
from services.tiers.evaluation import evaluate_membership
from services.tiers.program_year import unengaged_memberships


@strawberry.type
class TierQueries:
    """Tier evaluation, the quarterly review, usage reports and MDF requests."""

    @strawberry.field(
        description="Which tier a partner qualifies for in a program, as of a "
        "date (default today), requirement by requirement (SEG-TIER-02/05)."
    )
    async def tier_evaluation(
        self,
        info: Info,
        partner: strawberry.ID,
        program: strawberry.ID,
        as_of: dt.date | None = None,
        mode: EvaluationMode = EvaluationMode.ANNUAL,
    ) -> TierEvaluation | None:
        partner_id = expect_id(partner, "Partner")
        if not info.context.actor.may_see_partner(partner_id):
            return None
        program_id = expect_id(program, "Program")
        memberships = await info.context.loaders.memberships_of_partner.load(partner_id)
        membership = next((m for m in memberships if m.program_id == program_id), None)
        program_row = await info.context.loaders.program.load(program_id)
        if membership is None or program_row is None:
            return None
        on = as_of or program_today(program_row)
        evaluation = await info.context.loaders.read(
            lambda s: evaluate_membership(s, membership, program_row, on, mode.value)
        )
        return TierEvaluation.of(evaluation, on, mode, program_id)

    @strawberry.field(
        description="Active members of the review tier with no engagement in a review period "
        "of the program's `review_every_months`: `2026-P2` is the second period of program "
        "year 2026, and with 3-month periods `2026-Q3` is the third quarter; periods tile the "
        "program year from its first day (Program.programYear; admin keys; SEG-TIER-07). "
        "Members are read as of the period's last day (today while it runs): the tier held and "
        "the status then; engagement by each fact's own date (a referral's submittedOn, "
        "evidence's occurredOn, a partner-key change's day), so backfilled facts count in "
        "their own period."
    )
    async def unengaged_memberships(
        self, info: Info, program: strawberry.ID, quarter: str
    ) -> list[Membership]:
        if not info.context.actor.is_admin:
            raise CodedError("FORBIDDEN", "only admin keys run the quarterly review")
        program_row = await info.context.loaders.program.load(expect_id(program, "Program"))
        if program_row is None:
            return []
        try:
            rows = await info.context.loaders.read(
                lambda s: unengaged_memberships(s, program_row, quarter)
            )
        except UseCaseError as exc:
            raise CodedError("INVALID_QUARTER", exc.errors[0].message) from exc
        return [Membership.from_row(r) for r in rows]

    @strawberry.field(description="Usage reports above a cap in a month (admin keys; SEG-AGR-03).")
    async def usage_over_cap(
        self, info: Info, program: strawberry.ID, month: dt.date
    ) -> list[UsageReport]:
        if not info.context.actor.is_admin:
            raise CodedError("FORBIDDEN", "only admin keys list usage over cap")
        program_id = expect_id(program, "Program")
        rows = await info.context.loaders.read(
            lambda s: usage_over_cap(s, program_id, month.replace(day=1))
        )
        return [UsageReport.from_row(r) for r in rows]

    @strawberry.field(description="MDF requests of a program; a partner key sees its own.")
    async def mdf_requests(self, info: Info, program: strawberry.ID) -> list[MdfRequest]:
        actor = info.context.actor
        program_id = expect_id(program, "Program")
        rows = await info.context.loaders.read(
            lambda s: mdf_requests_of(s, program_id, None if actor.is_admin else actor.partner_id)
        )
        return [MdfRequest.from_row(r) for r in rows]
