"""Use cases: invitations, MDF, usage reports, access requests, competing-product notices,
quarterly engagement review and the program-year rollover (SEG-TIER-03/06/07/08,
SEG-AGR-03/04/05)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    AccessRequest,
    AuditEvent,
    Benefit,
    CompetingProductNotice,
    Evidence,
    Invitation,
    MdfRequest,
    Membership,
    Partner,
    Program,
    Referral,
    Tier,
    UsageReport,
)
from models.base import utcnow
from rules.benefits import BenefitGrant, entitled_benefits
from rules.enums import ENDED_STATUSES, MembershipStatus
from services.actor import Actor
from services.agreement_state import state_of
from services.audit import record
from services.errors import GovernanceErrorCode, check_version
from services.evidence import fail
from services.memberships import change_tier, notify, program_today
from services.scope import partner_and_program
from services.tier_evaluation import IN_EFFECT, evaluate_membership

Code = GovernanceErrorCode


async def _scope(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID | None, program_id: uuid.UUID
) -> tuple[Partner, Program]:
    return await partner_and_program(session, actor, partner_id, program_id, Code)


def _admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise fail("id", Code.FORBIDDEN, f"only an admin key can {what}")


def _amount(value: Decimal | str, name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise fail(name, Code.INVALID_AMOUNT, f"{name} is not an amount") from exc
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e12"):
        raise fail(name, Code.INVALID_AMOUNT, f"{name} must be a positive amount")
    return amount


async def invite(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    tier_id: uuid.UUID,
    benefit_key: str | None,
    expires_on: date | None,
    note: str,
) -> Invitation:
    """Invite a partner to an invite-only tier, or to an invite-only benefit at a tier."""
    _admin(actor, "invite partners")
    tier = await session.get(Tier, tier_id)
    if tier is None:
        raise fail("tierId", Code.TIER_NOT_FOUND, "no tier has that id")
    partner, program = await _scope(session, actor, partner_id, tier.program_id)
    if benefit_key is not None:
        found = await session.scalar(
            select(Benefit.id).where(
                Benefit.tier_id == tier.id, Benefit.key == benefit_key, Benefit.invite_only
            )
        )
        if found is None:
            raise fail(
                "benefitKey",
                Code.NOT_FOUND,
                f"{tier.name} has no invite-only benefit {benefit_key!r}",
            )
    row = Invitation(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        tier_id=tier.id,
        benefit_key=benefit_key,
        invited_on=program_today(program),
        expires_on=expires_on,
        note=note.strip()[:1000],
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "invitePartner",
        "Partner",
        partner.id,
        {"tier": [None, tier.key], "benefit": [None, benefit_key]},
    )
    return row


async def entitlements(
    session: AsyncSession, membership: Membership, program: Program, on: date
) -> set[str]:
    """Benefit keys the membership gives on a day (SEG-TIER-03, SEG-AGR-10)."""
    from models import Agreement

    if membership.status in ENDED_STATUSES:
        return set()
    grants = [
        BenefitGrant(b.key, b.invite_only, b.requires_active_agreement)
        for b in await session.scalars(select(Benefit).where(Benefit.tier_id == membership.tier_id))
    ]
    agreements = await session.scalars(
        select(Agreement).where(
            Agreement.partner_id == membership.partner_id, Agreement.program_id == program.id
        )
    )
    active = {a.kind for a in agreements if state_of(program, a, on).status in IN_EFFECT}
    invitations = {
        i.benefit_key
        for i in await session.scalars(
            select(Invitation).where(
                Invitation.partner_id == membership.partner_id,
                Invitation.tier_id == membership.tier_id,
                Invitation.invited_on <= on,
                or_(Invitation.expires_on.is_(None), Invitation.expires_on >= on),
            )
        )
        if i.benefit_key
    }
    return entitled_benefits(
        grants,
        agreement_specs=program.definition["agreements"],
        agreements_in_effect=active,
        invitations=invitations,
    )


async def _require_benefit(
    session: AsyncSession, partner: Partner, program: Program, benefit: str
) -> None:
    membership = await session.scalar(
        select(Membership).where(
            Membership.partner_id == partner.id, Membership.program_id == program.id
        )
    )
    if membership is None or benefit not in await entitlements(
        session, membership, program, program_today(program)
    ):
        raise fail(
            "programId",
            Code.NOT_ENTITLED,
            f"the partner's tier does not give {benefit.replace('_', ' ')} (SEG-TIER-03/08)",
        )


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
    """File an MDF request; only partners whose tier gives MDF may (SEG-TIER-08)."""
    partner, program = await _scope(session, actor, partner_id, program_id)
    funds = program.definition.get("marketing_funds")
    if funds is None:
        raise fail("programId", Code.NOT_ENTITLED, f"{program.slug} offers no MDF")
    await _require_benefit(session, partner, program, funds["benefit"])
    activity = request.activity.strip()
    if not activity or len(activity) > 2000:
        raise fail("activity", Code.REQUIRED, "describe the activity (at most 2000 characters)")
    if request.ends_on < request.starts_on:
        raise fail("endsOn", Code.INVALID_DATE, "endsOn is before startsOn")
    row = MdfRequest(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        program_year=request.starts_on.year,
        activity=activity,
        amount=_amount(request.amount, "amount"),
        currency=funds["budget_per_program_year"]["currency"],
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


TRANSITIONS = {
    "approve": ("requested", "approved"),
    "reject": ("requested", "rejected"),
    "claim": ("approved", "claimed"),
    "reimburse": ("claimed", "reimbursed"),
}


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
) -> MdfRequest:
    """Move an MDF request: approve or reject (admin, within budget), claim with proof
    (partner), reimburse (admin)."""
    row = await session.get(MdfRequest, request_id, with_for_update=True)
    if row is None or not actor.may_see_partner(row.partner_id):
        raise fail("requestId", Code.NOT_FOUND, "no MDF request has that id")
    check_version(row.version, expected_version, Code)
    source, target = TRANSITIONS[action]
    if action in ("approve", "reject", "reimburse"):
        _admin(actor, f"{action} MDF requests")
    if row.status != source:
        raise fail(
            "requestId", Code.INVALID_TRANSITION, f"a {row.status} request cannot be {target}"
        )
    program = await session.get(Program, row.program_id)
    assert program is not None
    now = utcnow()
    if action == "approve":
        funds = program.definition["marketing_funds"]["budget_per_program_year"]
        budget = Decimal(str(funds["amount"]))
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
            raise fail(
                "requestId",
                Code.BUDGET_EXCEEDED,
                f"approving would commit {committed + Decimal(row.amount):,.2f} of the "
                f"{row.program_year} budget of {budget:,.2f} {funds['currency']}",
            )
    if action == "reject" and not reason.strip():
        raise fail("reason", Code.REQUIRED, "a rejection needs a reason")
    if action == "claim":
        if not proof.strip():
            raise fail("proof", Code.REQUIRED, "a claim needs proof of the activity")
        row.claim_proof, row.claimed_at = proof.strip()[:5000], now
    elif action == "reimburse":
        paid = _amount(amount if amount is not None else row.amount, "amount")
        if paid > Decimal(row.amount):
            raise fail("amount", Code.INVALID_AMOUNT, "reimbursement exceeds the approval")
        row.reimbursed_amount, row.reimbursed_at = paid, now
    else:
        row.decided_at, row.decision_reason = now, reason.strip() or None
    old, row.status = row.status, target
    row.version += 1
    await session.flush()
    await record(session, actor, f"{action}Mdf", "MdfRequest", row.id, {"status": [old, target]})
    return row


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
    partner, program = await _scope(session, actor, partner_id, program_id)
    caps = program.definition.get("usage_caps")
    if caps is None:
        raise fail("programId", Code.NO_USAGE_CAPS, f"{program.slug} sets no usage caps")
    if tracked_users < 0 or api_calls < 0:
        raise fail("apiCalls", Code.INVALID_AMOUNT, "usage figures are not negative")
    first = month.replace(day=1)
    if first > program_today(program).replace(day=1):
        raise fail("month", Code.INVALID_DATE, "usage is reported for past or current months")
    over = tracked_users > caps["monthly_tracked_users"] or api_calls > caps["api_calls"]
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
                    "monthly_tracked_users": caps["monthly_tracked_users"],
                    "api_calls": caps["api_calls"],
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
    partner, program = await _scope(session, actor, partner_id, program_id)
    text = purpose.strip()
    if not text or len(text) > 2000:
        raise fail("purpose", Code.REQUIRED, "say what the access is for (at most 2000)")
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
    _admin(actor, "decide access requests")
    row = await session.get(AccessRequest, request_id, with_for_update=True)
    if row is None:
        raise fail("requestId", Code.NOT_FOUND, "no access request has that id")
    if row.status != "requested":
        raise fail("requestId", Code.INVALID_TRANSITION, f"the request is {row.status}")
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
) -> CompetingProductNotice:
    """Record the partner's notice that it will promote a competing product (SEG-AGR-05)."""
    partner, program = await _scope(session, actor, partner_id, program_id)
    name = product.strip()
    if not name or len(name) > 200:
        raise fail("product", Code.REQUIRED, "name the product (at most 200 characters)")
    today = program_today(program)
    row = CompetingProductNotice(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        product=name,
        notified_on=today,
        promotion_starts_on=promotion_starts_on,
        note=note.strip()[:2000],
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
    )
    return row


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """`2026-Q3` as its first and last days."""
    try:
        year, q = quarter.split("-Q")
        first_month = (int(q) - 1) * 3 + 1
        if not 1 <= int(q) <= 4:
            raise ValueError
        start = date(int(year), first_month, 1)
    except ValueError as exc:
        raise fail("quarter", Code.INVALID_DATE, "quarter looks like 2026-Q3") from exc
    end = date(start.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


async def unengaged_memberships(
    session: AsyncSession, program: Program, quarter: str
) -> list[Membership]:
    """Active members of the review tier with no engagement in the quarter (SEG-TIER-07).

    Engagement is any recorded activity of the partner in the quarter: a referral submitted,
    evidence recorded, or any change made with the partner's own API key (audit log).
    """
    review = program.definition["tier_evaluation"].get("review_tier")
    if review is None:
        return []
    start, end = quarter_bounds(quarter)
    zone = ZoneInfo(program.timezone)
    since = datetime.combine(start, time(0), zone)
    until = datetime.combine(date.fromordinal(end.toordinal() + 1), time(0), zone)
    tier = await session.scalar(
        select(Tier).where(Tier.program_id == program.id, Tier.key == review)
    )
    assert tier is not None
    members = list(
        await session.scalars(
            select(Membership).where(
                Membership.program_id == program.id,
                Membership.tier_id == tier.id,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
    )
    engaged: set[uuid.UUID] = set()
    engaged |= set(
        await session.scalars(
            select(Referral.partner_id).where(
                Referral.program_id == program.id,
                Referral.submitted_at >= since,
                Referral.submitted_at < until,
            )
        )
    )
    engaged |= set(
        await session.scalars(
            select(Evidence.partner_id).where(
                Evidence.program_id == program.id,
                Evidence.created_at >= since,
                Evidence.created_at < until,
            )
        )
    )
    engaged |= {
        p
        for p in await session.scalars(
            select(AuditEvent.actor_partner_id).where(
                AuditEvent.actor_role == "partner",
                AuditEvent.occurred_at >= since,
                AuditEvent.occurred_at < until,
            )
        )
        if p is not None
    }
    return [m for m in members if m.partner_id not in engaged]


@dataclass(frozen=True)
class Proposal:
    """One membership's proposed tier for a program year."""

    membership: Membership
    current: str
    proposed: str
    direction: str


async def rollover(
    session: AsyncSession,
    actor: Actor,
    program: Program,
    year: int,
    *,
    apply: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[Proposal]:
    """Propose (and optionally apply) every member's tier for a program year (SEG-TIER-06)."""
    members = list(
        await session.scalars(
            select(Membership)
            .where(
                Membership.program_id == program.id,
                Membership.status.in_((MembershipStatus.ACTIVE, MembershipStatus.APPLICANT)),
            )
            .order_by(Membership.joined_on, Membership.id)
        )
    )
    tiers = {
        t.key: t for t in await session.scalars(select(Tier).where(Tier.program_id == program.id))
    }
    on = date(year, 1, 1)
    if apply and on > program_today(program):
        raise fail(
            "year",
            Code.INVALID_DATE,
            f"the {year} program year has not started: apply on or after {on}",
        )
    proposals = []
    for index, membership in enumerate(members, start=1):
        evaluation = await evaluate_membership(session, membership, program, on, "annual")
        proposals.append(
            Proposal(membership, evaluation.current, evaluation.qualified, evaluation.direction)
        )
        if progress:
            progress(index, len(members))
    if apply:
        for item in proposals:
            if item.direction != "same":
                await change_tier(
                    session,
                    actor,
                    item.membership.id,
                    tiers[item.proposed].id,
                    f"Program-year {year} rollover (SEG-TIER-06)",
                    on,
                    evaluation_mode="annual",
                )
    return proposals


async def engagement_plan_step(
    session: AsyncSession, actor: Actor, *, partner_id: uuid.UUID, program_id: uuid.UUID, step: str
) -> Evidence:
    """Request, deliver or review the partner's engagement plan (CS-AGR-05).

    Requested: due 90 days (program data) after the Effective Date, or after the request when
    that comes later. Delivered and reviewed dates are recorded; the next review is due a
    year (program data) after the latest delivery or review.
    """
    from models import Agreement

    partner, program = await _scope(session, actor, partner_id, program_id)
    rules = program.definition.get("engagement_plan")
    if rules is None:
        raise fail("programId", Code.NOT_FOUND, f"{program.slug} asks for no engagement plan")
    if step in ("request", "review"):
        _admin(actor, f"{step} engagement plans")
    today = program_today(program)
    plan = await session.scalar(
        select(Evidence)
        .where(
            Evidence.partner_id == partner.id,
            Evidence.program_id == program.id,
            Evidence.kind == "engagement_plan",
        )
        .order_by(Evidence.created_at.desc())
        .limit(1)
    )
    if step == "request":
        kinds = [s["kind"] for s in program.definition["agreements"] if s["role"] == "membership"]
        agreement = await session.scalar(
            select(Agreement).where(
                Agreement.partner_id == partner.id,
                Agreement.program_id == program.id,
                Agreement.kind.in_(kinds),
                Agreement.effective_on.is_not(None),
            )
        )
        if agreement is None or agreement.effective_on is None:
            raise fail(
                "partnerId",
                Code.INVALID_TRANSITION,
                "a plan is asked for once the membership agreement is in effect",
            )
        days = timedelta(days=rules["due_days_after_effective_date"])
        plan = Evidence(
            id=uuid.uuid4(),
            partner_id=partner.id,
            program_id=program.id,
            kind="engagement_plan",
            title="Partner engagement plan",
            requested_on=today,
            due_on=max(agreement.effective_on + days, today + days),
            flags={},
        )
        session.add(plan)
    elif plan is None:
        raise fail("partnerId", Code.INVALID_TRANSITION, "no engagement plan was requested")
    elif step == "deliver":
        plan.occurred_on = today
    else:
        if plan.occurred_on is None:
            raise fail("partnerId", Code.INVALID_TRANSITION, "the plan is not delivered yet")
        plan.reviewed_on = today
    await session.flush()
    await record(
        session,
        actor,
        f"{step}EngagementPlan",
        "Partner",
        partner.id,
        {"due_on": [None, plan.due_on.isoformat() if plan.due_on else None]},
    )
    return plan


def next_plan_review(plan: Evidence, months: int) -> date | None:
    """When the delivered plan is next reviewed (CS-AGR-05)."""
    from rules.dates import add_months

    last = max(d for d in (plan.occurred_on, plan.reviewed_on, date.min) if d is not None)
    return None if last == date.min else add_months(last, months)
