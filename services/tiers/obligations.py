"""Use cases: usage reports, Developer Center access, competing-product notices
(SEG-AGR-03/04/05)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AccessRequest,
    CompetingProductNotice,
    UsageReport,
)
from models.base import utcnow
from services.actor import Actor
from services.audit.log import record
from services.errors import GovernanceErrorCode, input_error, limited
from services.fact_dates import fact_date
from services.partners.notifications import notify
from services.programs.typed import spec_of
from services.tiers.entitlements import require_admin, scope

Code = GovernanceErrorCode


async def report_usage(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    month: date,
    tracked_users: int,
    api_calls: int,
) -> UsageReport:
    """Record a month's non-production usage; over either cap it is flagged (SEG-AGR-03)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    caps = spec_of(program).usage_caps
    if caps is None:
        raise input_error("programId", Code.NO_USAGE_CAPS, f"{program.slug} sets no usage caps")
    if tracked_users < 0 or api_calls < 0:
        raise input_error("apiCalls", Code.INVALID_AMOUNT, "usage figures are not negative")
    # `month` (any day of it) is the fact date (issue 11): never after the program's today;
    # admin keys may backfill a past month, a partner key reports as of the program's today.
    dated = fact_date(program, actor, month, "month", Code)
    first = dated.day.replace(day=1)
    over = tracked_users > caps.monthly_tracked_users or api_calls > caps.api_calls
    row = await session.scalar(
        select(UsageReport).where(
            UsageReport.partner_id == partner.id,
            UsageReport.program_id == program.id,
            UsageReport.month == first,
        )
    )
    if row is None:
        row = UsageReport(
            id=uuid.uuid4(), partner_id=partner.id, program_id=program.id, month=first
        )
        session.add(row)
    row.monthly_tracked_users, row.api_calls, row.over_cap = tracked_users, api_calls, over
    row.reported_at = utcnow()
    await session.flush()
    await record(
        session,
        actor,
        "reportUsage",
        "Partner",
        partner.id,
        {
            "month": [None, first.isoformat()],
            "mtus": [None, tracked_users],
            "api_calls": [None, api_calls],
            "over_cap": [None, over],
        },
        dated=dated,
    )
    if over:
        notify(
            session,
            partner.id,
            program.id,
            "usage.over_cap",
            {
                "month": first.isoformat(),
                "monthly_tracked_users": tracked_users,
                "api_calls": api_calls,
                "caps": {
                    "monthly_tracked_users": caps.monthly_tracked_users,
                    "api_calls": caps.api_calls,
                },
            },
        )
    return row


async def request_access(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    purpose: str,
) -> AccessRequest:
    """Ask for Developer Center / API access (SEG-AGR-04)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    text = purpose.strip()
    if not text or len(text) > 2000:
        raise input_error("purpose", Code.REQUIRED, "say what the access is for (at most 2000)")
    row = AccessRequest(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        purpose=text,
        status="requested",
        requested_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "requestDeveloperAccess",
        "AccessRequest",
        row.id,
        {"status": [None, "requested"]},
    )
    return row


async def decide_access(
    session: AsyncSession, actor: Actor, *, request_id: uuid.UUID, grant: bool, reason: str
) -> AccessRequest:
    """Grant or deny an access request, at the program's discretion (SEG-AGR-04)."""
    require_admin(actor, "decide access requests")
    row = await session.get(AccessRequest, request_id, with_for_update=True)
    if row is None:
        raise input_error("requestId", Code.NOT_FOUND, "no access request has that id")
    if row.status != "requested":
        raise input_error("requestId", Code.INVALID_TRANSITION, f"the request is {row.status}")
    row.status = "granted" if grant else "denied"
    row.decided_at, row.decision_reason = utcnow(), reason.strip() or None
    await session.flush()
    await record(
        session,
        actor,
        "decideDeveloperAccess",
        "AccessRequest",
        row.id,
        {"status": ["requested", row.status]},
    )
    notify(
        session, row.partner_id, row.program_id, f"access.{row.status}", {"request_id": str(row.id)}
    )
    return row


async def record_competing_notice(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    product: str,
    promotion_starts_on: date,
    note: str,
    notified_on: date | None = None,
) -> CompetingProductNotice:
    """Record the partner's notice that it will promote a competing product (SEG-AGR-05), on
    the day it was given (`notified_on`: default the program's today; admins may backdate)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    name = product.strip()
    if not name or len(name) > 200:
        raise input_error("product", Code.REQUIRED, "name the product (at most 200 characters)")
    dated = fact_date(program, actor, notified_on, "notifiedOn", Code)
    today = dated.day
    row = CompetingProductNotice(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        product=name,
        notified_on=today,
        promotion_starts_on=promotion_starts_on,
        note=limited(note, "note", 2000, Code.TOO_LONG),
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "recordCompetingProductNotice",
        "Partner",
        partner.id,
        {"product": [None, name], "in_advance": [None, promotion_starts_on > today]},
        dated=dated,
    )
    return row
