"""Tier evaluation, evidence, MDF, usage, access requests, notices and notifications."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from models import AccessRequest as AccessRow
from models import CompetingProductNotice as NoticeRow
from models import Evidence as EvidenceRow
from models import MdfRequest as MdfRow
from models import Notification as NotificationRow
from models import UsageReport as UsageRow
from rules.certification import Certification as CertificationResult
from rules.tier_evaluation import Evaluation, RequirementResult
from schema.common import Money, present
from schema.context import Info
from schema.ids import encode_id
from schema.programs.types import MeasureEnum, RequirementKindEnum, Tier
from services.programs.typed import spec_of
from services.tiers.engagement_plans import next_plan_review


@strawberry.enum(
    description="ANNUAL: the prior calendar year, or the prior program year when the program's "
    "annual window says so; MIDYEAR: the trailing days the program sets (Segment: 365) "
    "(SEG-TIER-05)."
)
class EvaluationMode(enum.Enum):
    ANNUAL = "annual"
    MIDYEAR = "midyear"


@strawberry.type(description="One requirement: met or not, the figure against its threshold.")
class RequirementEvaluation:
    key: str
    kind: RequirementKindEnum  # type: ignore[valid-type]
    measure: MeasureEnum  # type: ignore[valid-type]
    applies: bool = strawberry.field(description="False when it binds invited partners only.")
    met: bool
    actual: Decimal
    threshold: Decimal | None
    currency: str | None
    note: str
    rule_ids: list[str]

    @classmethod
    def of(cls, r: RequirementResult) -> RequirementEvaluation:
        return cls(
            key=r.key,
            kind=r.kind,
            measure=r.measure,
            applies=r.applies,
            met=r.met,
            actual=r.actual,
            threshold=r.threshold,
            currency=r.currency,
            note=r.note,
            rule_ids=list(r.rule_ids),
        )


@strawberry.type(
    description="Certification on a day (CS-AGR-04): certified while the membership is active "
    "and every requirement of the tier held that day is met, training included; computed from "
    "dated evidence and agreements, never stored."
)
class Certification:
    as_of: dt.date
    certified: bool
    tier_key: str = strawberry.field(description="The tier (membership level) held that day.")
    membership_active: bool = strawberry.field(description="The membership's status that day.")
    missing: list[RequirementEvaluation] = strawberry.field(
        description="The tier's requirements not met that day (empty when certified)."
    )
    requirements: list[RequirementEvaluation] = strawberry.field(
        description="Every requirement of the tier, met or not."
    )

    @classmethod
    def of(cls, c: CertificationResult) -> Certification:
        return cls(
            as_of=c.on,
            certified=c.certified,
            tier_key=c.tier,
            membership_active=c.member,
            missing=[RequirementEvaluation.of(r) for r in c.missing],
            requirements=[RequirementEvaluation.of(r) for r in c.requirements],
        )


@strawberry.type(description="A tier as evaluated.")
class TierEvaluationTier:
    tier_key: strawberry.Private[str]
    program_id: strawberry.Private[Any]
    invited: bool
    reachable: bool = strawberry.field(description="Not invite-only, or invited.")
    met: bool = strawberry.field(description="Reachable and every requirement met.")
    requirements: list[RequirementEvaluation]

    @strawberry.field
    async def tier(self, info: Info) -> Tier:
        rows = await info.context.loaders.tiers_of_program.load(self.program_id)
        return Tier.from_row(next(t for t in rows if t.key == self.tier_key))


@strawberry.type(description="Which tier a partner qualifies for, and why (SEG-TIER-02/04/05).")
class TierEvaluation:
    as_of: dt.date
    mode: EvaluationMode
    window_start: dt.date = strawberry.field(description="Influenced-revenue window start.")
    window_end: dt.date
    current_tier_key: str
    qualified_tier_key: str
    direction: str = strawberry.field(description="up, down or same.")
    tiers: list[TierEvaluationTier]

    @classmethod
    def of(
        cls, evaluation: Evaluation, on: dt.date, mode: EvaluationMode, program_id: Any
    ) -> TierEvaluation:
        return cls(
            as_of=on,
            mode=mode,
            window_start=evaluation.window_start,
            window_end=evaluation.window_end,
            current_tier_key=evaluation.current,
            qualified_tier_key=evaluation.qualified,
            direction=evaluation.direction,
            tiers=[
                TierEvaluationTier(
                    tier_key=t.key,
                    program_id=program_id,
                    invited=t.invited,
                    reachable=t.reachable,
                    met=t.met,
                    requirements=[RequirementEvaluation.of(r) for r in t.requirements],
                )
                for t in evaluation.tiers
            ],
        )


@strawberry.type(description="A recorded fact that tier requirements count.")
class Evidence:
    id: strawberry.ID
    kind: str
    title: str
    url: str | None
    customer: str | None
    reference: str | None
    amount: Money | None
    occurred_on: dt.date | None
    expires_on: dt.date | None
    flags: JSON
    created_at: dt.datetime
    requested_on: dt.date | None = strawberry.field(description="Engagement plans: requested.")
    due_on: dt.date | None = strawberry.field(description="Engagement plans: due (CS-AGR-05).")
    reviewed_on: dt.date | None

    row: strawberry.Private[EvidenceRow]

    @strawberry.field(description="Engagement plans: when the next yearly review is due.")
    async def next_review_on(self, info: Info) -> dt.date | None:
        if self.row.kind != "engagement_plan":
            return None
        program = present(await info.context.loaders.program.load(self.row.program_id))
        plan = spec_of(program).engagement_plan
        months = plan.review_every_months if plan else None
        return next_plan_review(self.row, months) if months else None

    @classmethod
    def from_row(cls, row: EvidenceRow) -> Evidence:
        return cls(
            id=strawberry.ID(encode_id("Evidence", row.id)),
            kind=row.kind,
            title=row.title,
            url=row.url,
            customer=row.customer,
            reference=row.reference,
            amount=Money.of(Decimal(row.amount), present(row.currency))
            if row.amount is not None
            else None,
            occurred_on=row.occurred_on,
            expires_on=row.expires_on,
            flags=JSON(dict(row.flags)),
            created_at=row.created_at,
            row=row,
            requested_on=row.requested_on,
            due_on=row.due_on,
            reviewed_on=row.reviewed_on,
        )


@strawberry.type(
    description="An MDF request: requested -> approved/rejected -> claimed -> "
    "reimbursed (SEG-TIER-08)."
)
class MdfRequest:
    id: strawberry.ID
    status: MdfStatus
    activity: str
    amount: Money
    starts_on: dt.date
    ends_on: dt.date
    program_year: int = strawberry.field(
        description="The program year the activity starts in, whose budget it counts against "
        "(named by the calendar year it starts in; SEG-TIER-08)."
    )
    decision_reason: str | None
    claim_proof: str | None
    reimbursed: Money | None
    version: int = strawberry.field(description="Increases with every change.")
    requested_at: dt.datetime = strawberry.field(
        description="When the request was made: the moment it was entered, or the start of its "
        "requestedOn day in the program's time zone when an admin backdated it (issue 11)."
    )

    @classmethod
    def from_row(cls, row: MdfRow) -> MdfRequest:
        return cls(
            id=strawberry.ID(encode_id("MdfRequest", row.id)),
            status=MdfStatus(row.status),
            activity=row.activity,
            amount=Money.of(Decimal(row.amount), row.currency),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            program_year=row.program_year,
            decision_reason=row.decision_reason,
            claim_proof=row.claim_proof,
            version=row.version,
            requested_at=row.requested_at,
            reimbursed=Money.of(Decimal(row.reimbursed_amount), row.currency)
            if row.reimbursed_amount is not None
            else None,
        )


@strawberry.enum(description="Where an MDF request stands.")
class MdfStatus(enum.Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLAIMED = "claimed"
    REIMBURSED = "reimbursed"


@strawberry.enum(description="Where an access request stands.")
class AccessStatus(enum.Enum):
    REQUESTED = "requested"
    GRANTED = "granted"
    DENIED = "denied"


@strawberry.type(description="A month of non-production usage (SEG-AGR-03).")
class UsageReport:
    row: strawberry.Private[UsageRow]
    month: dt.date
    monthly_tracked_users: int
    api_calls: int
    over_cap: bool = strawberry.field(description="Above either cap: flagged, never dropped.")
    reported_at: dt.datetime

    @classmethod
    def from_row(cls, row: UsageRow) -> UsageReport:
        return cls(
            row=row,
            month=row.month,
            monthly_tracked_users=row.monthly_tracked_users,
            api_calls=row.api_calls,
            over_cap=row.over_cap,
            reported_at=row.reported_at,
        )

    @strawberry.field
    async def partner_name(self, info: Info) -> str:
        partner = present(await info.context.loaders.partner.load(self.row.partner_id))
        return partner.display_name


@strawberry.type(description="A Developer Center / API access request (SEG-AGR-04).")
class AccessRequest:
    id: strawberry.ID
    status: AccessStatus
    purpose: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_reason: str | None

    @classmethod
    def from_row(cls, row: AccessRow) -> AccessRequest:
        return cls(
            id=strawberry.ID(encode_id("AccessRequest", row.id)),
            status=AccessStatus(row.status),
            purpose=row.purpose,
            requested_at=row.requested_at,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
        )


@strawberry.type(description="A dated notice of promoting a competing product (SEG-AGR-05).")
class CompetingProductNotice:
    product: str
    notified_on: dt.date
    promotion_starts_on: dt.date
    in_advance: bool = strawberry.field(description="Notified before the promotion starts.")
    note: str

    @classmethod
    def from_row(cls, row: NoticeRow) -> CompetingProductNotice:
        return cls(
            product=row.product,
            notified_on=row.notified_on,
            promotion_starts_on=row.promotion_starts_on,
            in_advance=row.promotion_starts_on > row.notified_on,
            note=row.note,
        )


@strawberry.type(
    description="An event addressed to the partner (tier changed, usage over "
    "cap, access decided, membership deactivated)."
)
class Notification:
    kind: str
    payload: JSON
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: NotificationRow) -> Notification:
        return cls(kind=row.kind, payload=JSON(dict(row.payload)), created_at=row.created_at)
