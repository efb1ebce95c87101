"""Mutations of tier governance (SEG-TIER-03..08, SEG-AGR-03/04/05, CS-AGR-04/05)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Program as ProgramRow
from schema.context import Info
from schema.payloads import attempt, input_id, user_errors
from schema.tiers.types import (
    AccessRequest,
    CompetingProductNotice,
    Evidence,
    MdfRequest,
    UsageReport,
)
from services.actor import Actor
from services.errors import FieldError, GovernanceErrorCode, input_error
from services.partners.memberships import program_today
from services.tiers import engagement_plans, mdf, obligations
from services.tiers import entitlements as governance
from services.tiers import evidence as evidence_cases

Code = GovernanceErrorCode
GovernanceErrorCodeEnum = strawberry.enum(
    GovernanceErrorCode,
    name="GovernanceErrorCode",
    description="Why a tier-governance action was refused.",
)


@strawberry.type(description="A refused input: the input path, a stable code, a message.")
class GovernanceUserError:
    field: list[str] | None
    code: GovernanceErrorCodeEnum  # type: ignore[valid-type]
    message: str


def _errors(errors: list[FieldError]) -> list[GovernanceUserError]:
    return user_errors(errors, GovernanceUserError)


def _id(value: str | None, type_name: str, field: str) -> Any:
    return input_id(value, type_name, field, Code.INVALID_ID) if value else None


async def _program(session: AsyncSession, program_id: str) -> ProgramRow:
    program = await session.get(ProgramRow, _id(program_id, "Program", "programId"))
    if program is None:
        raise input_error("programId", Code.PROGRAM_NOT_FOUND, "no program has that id")
    return program


@strawberry.input(
    description="Evidence. Kinds: success_story (title, url, occurredOn = "
    "published), joint_solution (title, occurredOn = launched, "
    "documentationCompleted, collateralCompleted), gtm_plan (occurredOn = "
    "approved), account_mapping (crossbeamEnabled, occurredOn), "
    "influenced_revenue (reference, customer, amount = estimated ARR, occurredOn "
    "= closed won, professionalServices), training, certification (title, "
    "occurredOn = completed, expiresOn)."
)
class RecordEvidenceInput:
    program_id: strawberry.ID
    kind: str
    occurred_on: dt.date | None = None
    title: str = ""
    url: str | None = None
    customer: str | None = None
    reference: str | None = None
    amount: Decimal | None = None
    professional_services: bool = False
    documentation_completed: bool = False
    collateral_completed: bool = False
    crossbeam_enabled: bool = False
    expires_on: dt.date | None = None
    partner_id: strawberry.ID | None = None


@strawberry.input(
    description="Import influenced revenue (header: deal_reference,customer,"
    "estimated_arr,closed_won_on,professional_services) or success stories "
    "(header: title,url,published_on). Every bad row is reported by line; "
    "nothing is imported unless all rows are good."
)
class ImportEvidenceInput:
    program_id: strawberry.ID
    kind: str
    csv: str
    partner_id: strawberry.ID | None = None


@strawberry.input(description="Invite a partner to an invite-only tier or benefit (admins).")
class InvitePartnerInput:
    partner_id: strawberry.ID
    tier_id: strawberry.ID
    benefit_key: str | None = strawberry.field(default=None, description="Omit for the tier.")
    expires_on: dt.date | None = None
    note: str = ""


@strawberry.input(description="An MDF request (SEG-TIER-08).")
class RequestMdfInput:
    program_id: strawberry.ID
    activity: str
    amount: Decimal
    starts_on: dt.date
    ends_on: dt.date
    partner_id: strawberry.ID | None = None


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
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="A month of non-production usage (SEG-AGR-03).")
class ReportUsageInput:
    program_id: strawberry.ID
    month: dt.date = strawberry.field(description="Any day of the month.")
    monthly_tracked_users: int
    api_calls: int
    partner_id: strawberry.ID | None = None


@strawberry.input(description="Ask for Developer Center / API access (SEG-AGR-04).")
class RequestDeveloperAccessInput:
    program_id: strawberry.ID
    purpose: str
    partner_id: strawberry.ID | None = None


@strawberry.input(description="Grant or deny an access request (admins).")
class DecideDeveloperAccessInput:
    request_id: strawberry.ID
    grant: bool
    reason: str = ""


@strawberry.input(description="Notice of promoting a competing product (SEG-AGR-05).")
class RecordCompetingProductNoticeInput:
    program_id: strawberry.ID
    product: str
    promotion_starts_on: dt.date
    note: str = ""
    partner_id: strawberry.ID | None = None


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


@strawberry.type(description="Result of evidence mutations.")
class EvidencePayload:
    evidence: list[Evidence]
    user_errors: list[GovernanceUserError]


@strawberry.type(description="Result of invitePartner.")
class InvitationPayload:
    invited: bool
    user_errors: list[GovernanceUserError]


@strawberry.type(description="Result of MDF mutations.")
class MdfPayload:
    request: MdfRequest | None
    user_errors: list[GovernanceUserError]


@strawberry.type(description="Result of reportUsage.")
class UsagePayload:
    report: UsageReport | None
    user_errors: list[GovernanceUserError]


@strawberry.type(description="Result of access-request mutations.")
class AccessPayload:
    request: AccessRequest | None
    user_errors: list[GovernanceUserError]


@strawberry.type(description="Result of recordCompetingProductNotice.")
class NoticePayload:
    notice: CompetingProductNotice | None
    user_errors: list[GovernanceUserError]


def _evidence_input(data: RecordEvidenceInput) -> evidence_cases.EvidenceInput:
    return evidence_cases.EvidenceInput(
        kind=data.kind,
        occurred_on=data.occurred_on,
        title=data.title,
        url=data.url,
        customer=data.customer,
        reference=data.reference,
        amount=data.amount,
        professional_services=data.professional_services,
        documentation_completed=data.documentation_completed,
        collateral_completed=data.collateral_completed,
        crossbeam_enabled=data.crossbeam_enabled,
        expires_on=data.expires_on,
    )


async def _record(session: AsyncSession, actor: Actor, data: Any, csv: bool) -> list[Any]:
    program = await _program(session, data.program_id)
    if csv:
        items, paths = evidence_cases.parse_csv(data.kind, data.csv)
    else:
        items, paths = [_evidence_input(data)], None
    return await evidence_cases.record_evidence(
        session,
        actor,
        partner_id=_id(data.partner_id, "Partner", "partnerId"),
        program_id=program.id,
        items=items,
        paths=paths,
        today=program_today(program),
    )


async def _governance(session: AsyncSession, actor: Actor, name: str, data: Any) -> Any:
    partner = _id(getattr(data, "partner_id", None), "Partner", "partnerId")
    if name == "plan":
        return await engagement_plans.engagement_plan_step(
            session,
            actor,
            partner_id=partner,
            program_id=_id(data.program_id, "Program", "programId"),
            step=data.step.value,
        )
    if name == "invite":
        return await governance.invite(
            session,
            actor,
            partner_id=partner,
            tier_id=_id(data.tier_id, "Tier", "tierId"),
            benefit_key=data.benefit_key,
            expires_on=data.expires_on,
            note=data.note,
        )
    if name == "mdf":
        return await mdf.request_mdf(
            session,
            actor,
            partner_id=partner,
            program_id=_id(data.program_id, "Program", "programId"),
            request=mdf.MdfInput(data.activity, data.amount, data.starts_on, data.ends_on),
        )
    if name == "advance":
        return await mdf.advance_mdf(
            session,
            actor,
            request_id=_id(data.request_id, "MdfRequest", "requestId"),
            action=data.action.value,
            reason=data.reason,
            proof=data.proof,
            amount=data.amount,
            expected_version=data.expected_version,
        )
    if name == "usage":
        return await obligations.report_usage(
            session,
            actor,
            partner_id=partner,
            program_id=_id(data.program_id, "Program", "programId"),
            month=data.month,
            tracked_users=data.monthly_tracked_users,
            api_calls=data.api_calls,
        )
    if name == "access":
        return await obligations.request_access(
            session,
            actor,
            partner_id=partner,
            program_id=_id(data.program_id, "Program", "programId"),
            purpose=data.purpose,
        )
    if name == "decide_access":
        return await obligations.decide_access(
            session,
            actor,
            request_id=_id(data.request_id, "AccessRequest", "requestId"),
            grant=data.grant,
            reason=data.reason,
        )
    return await obligations.record_competing_notice(
        session,
        actor,
        partner_id=partner,
        program_id=_id(data.program_id, "Program", "programId"),
        product=data.product,
        promotion_starts_on=data.promotion_starts_on,
        note=data.note,
    )


@strawberry.type
class GovernanceMutations:
    @strawberry.mutation(description="Record evidence for a partner (its key or an admin).")
    async def record_evidence(self, info: Info, input: RecordEvidenceInput) -> EvidencePayload:
        rows, errors = await attempt(info, _record, input, False)
        return EvidencePayload(
            evidence=[Evidence.from_row(r) for r in rows or []], user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Import evidence from CSV, all rows or none.")
    async def import_evidence(self, info: Info, input: ImportEvidenceInput) -> EvidencePayload:
        rows, errors = await attempt(info, _record, input, True)
        return EvidencePayload(
            evidence=[Evidence.from_row(r) for r in rows or []], user_errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Request, deliver or review an engagement plan: due 90 "
        "days after the Effective Date, reviewed yearly (CS-AGR-05)."
    )
    async def engagement_plan(self, info: Info, input: EngagementPlanInput) -> EvidencePayload:
        row, errors = await attempt(info, _governance, "plan", input)
        return EvidencePayload(
            evidence=[Evidence.from_row(row)] if row else [], user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Invite a partner to an invite-only tier or benefit.")
    async def invite_partner(self, info: Info, input: InvitePartnerInput) -> InvitationPayload:
        row, errors = await attempt(info, _governance, "invite", input)
        return InvitationPayload(invited=row is not None, user_errors=_errors(errors))

    @strawberry.mutation(description="Request MDF; refused with NOT_ENTITLED below Gold.")
    async def request_mdf(self, info: Info, input: RequestMdfInput) -> MdfPayload:
        row, errors = await attempt(info, _governance, "mdf", input)
        return MdfPayload(
            request=MdfRequest.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Approve, reject, claim or reimburse an MDF request.")
    async def advance_mdf(self, info: Info, input: AdvanceMdfInput) -> MdfPayload:
        row, errors = await attempt(info, _governance, "advance", input)
        return MdfPayload(
            request=MdfRequest.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Report a month's usage; over a cap it is flagged and "
        "notified, never refused (SEG-AGR-03)."
    )
    async def report_usage(self, info: Info, input: ReportUsageInput) -> UsagePayload:
        row, errors = await attempt(info, _governance, "usage", input)
        return UsagePayload(
            report=UsageReport.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Request Developer Center / API access (SEG-AGR-04).")
    async def request_developer_access(
        self, info: Info, input: RequestDeveloperAccessInput
    ) -> AccessPayload:
        row, errors = await attempt(info, _governance, "access", input)
        return AccessPayload(
            request=AccessRequest.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Grant or deny a Developer Center access request.")
    async def decide_developer_access(
        self, info: Info, input: DecideDeveloperAccessInput
    ) -> AccessPayload:
        row, errors = await attempt(info, _governance, "decide_access", input)
        return AccessPayload(
            request=AccessRequest.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Record a competing-product notice (SEG-AGR-05).")
    async def record_competing_product_notice(
        self, info: Info, input: RecordCompetingProductNoticeInput
    ) -> NoticePayload:
        row, errors = await attempt(info, _governance, "notice", input)
        return NoticePayload(
            notice=CompetingProductNotice.from_row(row) if row else None,
            user_errors=_errors(errors),
        )
