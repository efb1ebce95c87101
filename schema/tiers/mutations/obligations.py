"""Mutations of partner obligations: usage, Developer Center access, competing-product notices
(SEG-AGR-03/04/05).
"""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import AccessRequest as AccessRow
from models import CompetingProductNotice as NoticeRow
from models import UsageReport as UsageRow
from schema.context import Info
from schema.payloads import attempt
from schema.tiers.mutations.errors import GovernanceUserError, governance_errors, governance_id
from schema.tiers.types import AccessRequest, CompetingProductNotice, UsageReport
from services.actor import Actor
from services.tiers import obligations


@strawberry.input(description="A month of non-production usage (SEG-AGR-03).")
class ReportUsageInput:
    program_id: strawberry.ID
    month: dt.date = strawberry.field(
        description="Any day of the month, the report's fact date: never after the program's "
        "today (DATE_IN_FUTURE); only admin keys may give a past date (BACKDATING_FORBIDDEN), "
        "a partner key reports the current month as of today."
    )
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
    notified_on: dt.date | None = strawberry.field(
        default=None,
        description="Day the partner gave notice (program time zone); default the program's "
        "today. Admin keys may give a past day (BACKDATING_FORBIDDEN otherwise), never a "
        "future one (DATE_IN_FUTURE); inAdvance compares this day with the promotion's start.",
    )


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


async def _usage(session: AsyncSession, actor: Actor, data: ReportUsageInput) -> UsageRow:
    return await obligations.report_usage(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        program_id=governance_id(data.program_id, "Program", "programId"),
        month=data.month,
        tracked_users=data.monthly_tracked_users,
        api_calls=data.api_calls,
    )


async def _access(
    session: AsyncSession, actor: Actor, data: RequestDeveloperAccessInput
) -> AccessRow:
    return await obligations.request_access(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        program_id=governance_id(data.program_id, "Program", "programId"),
        purpose=data.purpose,
    )


async def _decide(
    session: AsyncSession, actor: Actor, data: DecideDeveloperAccessInput
) -> AccessRow:
    return await obligations.decide_access(
        session,
        actor,
        request_id=governance_id(data.request_id, "AccessRequest", "requestId"),
        grant=data.grant,
        reason=data.reason,
    )


async def _notice(
    session: AsyncSession, actor: Actor, data: RecordCompetingProductNoticeInput
) -> NoticeRow:
    return await obligations.record_competing_notice(
        session,
        actor,
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        program_id=governance_id(data.program_id, "Program", "programId"),
        product=data.product,
        promotion_starts_on=data.promotion_starts_on,
        note=data.note,
        notified_on=data.notified_on,
    )


@strawberry.type
class ObligationMutations:
    """Usage reports, access requests and competing-product notices."""

    @strawberry.mutation(
        description="Report a month's usage; over a cap it is flagged and "
        "notified, never refused (SEG-AGR-03)."
    )
    async def report_usage(self, info: Info, input: ReportUsageInput) -> UsagePayload:
        row, errors = await attempt(info, _usage, input)
        return UsagePayload(
            report=UsageReport.from_row(row) if row else None, user_errors=governance_errors(errors)
        )

    @strawberry.mutation(description="Request Developer Center / API access (SEG-AGR-04).")
    async def request_developer_access(
        self, info: Info, input: RequestDeveloperAccessInput
    ) -> AccessPayload:
        row, errors = await attempt(info, _access, input)
        return AccessPayload(
            request=AccessRequest.from_row(row) if row else None,
            user_errors=governance_errors(errors),
        )

    @strawberry.mutation(description="Grant or deny a Developer Center access request.")
    async def decide_developer_access(
        self, info: Info, input: DecideDeveloperAccessInput
    ) -> AccessPayload:
        row, errors = await attempt(info, _decide, input)
        return AccessPayload(
            request=AccessRequest.from_row(row) if row else None,
            user_errors=governance_errors(errors),
        )

    @strawberry.mutation(description="Record a competing-product notice (SEG-AGR-05).")
    async def record_competing_product_notice(
        self, info: Info, input: RecordCompetingProductNoticeInput
    ) -> NoticePayload:
        row, errors = await attempt(info, _notice, input)
        return NoticePayload(
            notice=CompetingProductNotice.from_row(row) if row else None,
            user_errors=governance_errors(errors),
        )
