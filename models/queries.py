"""Batch reads for the API's DataLoaders: one statement per relation, whatever the batch size."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models import (
    Acceptance,
    ActiveOpportunity,
    Agreement,
    AuditEvent,
    Benefit,
    ClientPayment,
    Commission,
    DeliveryAttempt,
    Document,
    Evidence,
    Incident,
    IncidentAttachment,
    IncidentEvent,
    MdfRequest,
    Membership,
    Notification,
    OutboxEvent,
    Partner,
    Payout,
    Program,
    QualifiedAgreement,
    Referral,
    Requirement,
    RevenueLine,
    SupportContact,
    SupportProfile,
    TaxDocument,
    TemplateVersion,
    Tier,
    TierChange,
    UsageReport,
    WebhookDelivery,
    WebhookEndpoint,
)
from models.base import Base, IdMixin
from rules.enums import MembershipStatus

M = TypeVar("M", bound=IdMixin)
B = TypeVar("B", bound=Base)


async def by_ids(session: AsyncSession, model: type[M], ids: Sequence[uuid.UUID]) -> list[M | None]:
    """Rows of `model` for `ids`, in the same order, None where missing."""
    stmt = select(model).where(model.id.in_(list(set(ids))))
    rows = {row.id: row for row in await session.scalars(stmt)}
    return [rows.get(i) for i in ids]


async def grouped(
    session: AsyncSession,
    model: type[M],
    parent: QueryableAttribute[Any],
    parent_ids: Sequence[uuid.UUID],
    *order: QueryableAttribute[Any],
) -> list[list[M]]:
    """Children of each parent id, in `order`, as one list per id."""
    groups: dict[uuid.UUID, list[M]] = defaultdict(list)
    stmt = select(model, parent).where(parent.in_(list(set(parent_ids)))).order_by(*order)
    for row, parent_id in await session.execute(stmt):
        groups[parent_id].append(row)
    return [groups.get(i, []) for i in parent_ids]


async def tiers_of_programs(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[list[Tier]]:
    """Each program's tiers, lowest rank first."""
    return await grouped(session, Tier, Tier.program_id, ids, Tier.rank)


async def benefits_of_tiers(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[list[Benefit]]:
    """Each tier's benefits, in program-file order."""
    return await grouped(session, Benefit, Benefit.tier_id, ids, Benefit.position)


async def requirements_of_tiers(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Requirement]]:
    """Each tier's requirements, in program-file order."""
    return await grouped(session, Requirement, Requirement.tier_id, ids, Requirement.position)


async def memberships_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Membership]]:
    """Each partner's memberships, oldest first."""
    return await grouped(
        session, Membership, Membership.partner_id, ids, Membership.joined_on, Membership.id
    )


async def tier_history_of_memberships(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[TierChange]]:
    """Each membership's tier changes, oldest first."""
    return await grouped(
        session, TierChange, TierChange.membership_id, ids, TierChange.changed_at, TierChange.id
    )


async def agreements_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Agreement]]:
    """Each partner's agreements, oldest first."""
    return await grouped(
        session, Agreement, Agreement.partner_id, ids, Agreement.created_at, Agreement.id
    )


async def acceptances_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Acceptance]]:
    """Each agreement's acceptances, oldest first (old versions stay on record)."""
    return await grouped(
        session, Acceptance, Acceptance.agreement_id, ids, Acceptance.accepted_at, Acceptance.id
    )


async def documents_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Document]]:
    """Each agreement's documents, oldest first."""
    return await grouped(
        session, Document, Document.agreement_id, ids, Document.created_at, Document.id
    )


async def programs_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> list[Program | None]:
    """Programs for slugs, in order, None where unknown."""
    rows = {
        p.slug: p
        for p in await session.scalars(select(Program).where(Program.slug.in_(list(set(slugs)))))
    }
    return [rows.get(s) for s in slugs]


@dataclass(frozen=True)
class PartnerFilter:
    """Which partners to list; every field narrows the result."""

    program_id: uuid.UUID | None = None
    tier_id: uuid.UUID | None = None
    status: MembershipStatus | None = None
    country: str | None = None
    search: str | None = None
    only_partner_id: uuid.UUID | None = None


def partners_query(where: PartnerFilter) -> Select[Partner]:
    """The SELECT of partners matching a filter (name search is case-insensitive)."""
    stmt = select(Partner)
    if where.only_partner_id is not None:
        stmt = stmt.where(Partner.id == where.only_partner_id)
    if where.country is not None:
        stmt = stmt.where(Partner.country == where.country)
    if where.search:
        needle = where.search.lower()
        stmt = stmt.where(
            func.lower(Partner.display_name).contains(needle, autoescape=True)
            | func.lower(Partner.legal_name).contains(needle, autoescape=True)
        )
    membership = [Membership.partner_id == Partner.id]
    if where.program_id is not None:
        membership.append(Membership.program_id == where.program_id)
    if where.tier_id is not None:
        membership.append(Membership.tier_id == where.tier_id)
    if where.status is not None:
        membership.append(Membership.status == where.status)
    if len(membership) > 1:
        stmt = stmt.where(exists().where(*membership))
    return stmt


async def current_templates(
    session: AsyncSession, keys: Sequence[tuple[str, str]]
) -> list[TemplateVersion | None]:
    """The newest template version for each (program slug, kind); `*` serves every program."""
    kinds = list({kind for _, kind in keys})
    rows = list(
        await session.scalars(
            select(TemplateVersion)
            .where(TemplateVersion.kind.in_(kinds))
            .order_by(TemplateVersion.published_at, TemplateVersion.version)
        )
    )
    newest: dict[tuple[str, str], TemplateVersion] = {}
    for row in rows:
        newest[(row.program_slug, row.kind)] = row
    return [newest.get((slug, kind)) or newest.get(("*", kind)) for slug, kind in keys]


async def all_templates(session: AsyncSession, template_id: str | None) -> list[TemplateVersion]:
    """Published template versions, newest first, optionally of one template."""
    stmt = select(TemplateVersion).order_by(
        TemplateVersion.published_at.desc(), TemplateVersion.version.desc()
    )
    if template_id is not None:
        stmt = stmt.where(TemplateVersion.template_id == template_id)
    return list(await session.scalars(stmt))


def referral_status_sql(today: date) -> ColumnElement[str]:
    """The status of a referral as of `today`, in SQL (mirrors rules.referral_state.status_on)."""
    r = Referral
    undecided = or_(r.approved_on.is_(None), r.approved_on > today)
    return case(
        (r.closed_on <= today, "closed"),
        (r.qualified_on <= today, "qualified"),
        (r.rejected_on <= today, "rejected"),
        (
            and_(undecided, r.decision_deadline < today, r.undecided_outcome == "deemed_rejected"),
            "deemed_rejected",
        ),
        (
            and_(undecided, or_(r.decision_deadline.is_(None), r.decision_deadline >= today)),
            "submitted",
        ),
        (
            or_(
                r.not_viable_on <= today,
                and_(
                    r.meeting_deadline < today,
                    or_(r.meeting_on.is_(None), r.meeting_on > r.meeting_deadline),
                ),
            ),
            "not_live",
        ),
        else_="approved",
    )


@dataclass(frozen=True)
class ReferralFilter:
    """Which referrals to list."""

    program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    statuses: tuple[str, ...] = ()
    today_of: tuple[tuple[uuid.UUID, date], ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None


def referrals_query(where: ReferralFilter) -> Select[Referral]:
    """The SELECT of referrals matching a filter; status is taken in each program's today."""
    stmt = select(Referral)
    if where.program_id is not None:
        stmt = stmt.where(Referral.program_id == where.program_id)
    if where.partner_id is not None:
        stmt = stmt.where(Referral.partner_id == where.partner_id)
    if where.submitted_from is not None:
        stmt = stmt.where(Referral.submitted_on >= where.submitted_from)
    if where.submitted_to is not None:
        stmt = stmt.where(Referral.submitted_on <= where.submitted_to)
    if where.statuses:
        stmt = stmt.where(
            or_(
                *[
                    and_(
                        Referral.program_id == program_id,
                        referral_status_sql(today).in_(where.statuses),
                    )
                    for program_id, today in where.today_of
                ]
                or [false()]
            )
        )
    return stmt


async def one_each(
    session: AsyncSession,
    model: type[B],
    column: QueryableAttribute[Any],
    keys: Sequence[uuid.UUID],
) -> list[B | None]:
    """The row of `model` whose unique `column` equals each key, None where there is none."""
    rows = {
        getattr(row, column.key): row
        for row in await session.scalars(select(model).where(column.in_(list(set(keys)))))
    }
    return [rows.get(k) for k in keys]


async def qualified_of_referrals(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[QualifiedAgreement | None]:
    """Each referral's qualified agreement, if any."""
    return await one_each(session, QualifiedAgreement, QualifiedAgreement.referral_id, ids)


async def commission_of_qualified(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[Commission | None]:
    """Each qualified agreement's commission, if computed."""
    return await one_each(session, Commission, Commission.qualified_agreement_id, ids)


async def payout_of_commissions(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[Payout | None]:
    """Each commission's payout, if paid."""
    return await one_each(session, Payout, Payout.commission_id, ids)


async def revenue_of_qualified(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[RevenueLine]]:
    """Each qualified agreement's revenue lines, by date."""
    return await grouped(
        session,
        RevenueLine,
        RevenueLine.qualified_agreement_id,
        ids,
        RevenueLine.occurred_on,
        RevenueLine.id,
    )


async def payments_of_qualified(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[ClientPayment]]:
    """Each qualified agreement's client payments, by date."""
    return await grouped(
        session,
        ClientPayment,
        ClientPayment.qualified_agreement_id,
        ids,
        ClientPayment.received_on,
        ClientPayment.id,
    )


async def tax_documents_of_partners(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[TaxDocument]]:
    """Each partner's tax documents, oldest first."""
    return await grouped(
        session,
        TaxDocument,
        TaxDocument.partner_id,
        ids,
        TaxDocument.received_on,
        TaxDocument.created_at,
    )


async def all_programs(session: AsyncSession) -> list[Program]:
    """Every program."""
    return list(await session.scalars(select(Program).order_by(Program.slug)))


async def list_opportunities(
    session: AsyncSession, program_id: uuid.UUID
) -> list[ActiveOpportunity]:
    """A program's active-opportunity registry, newest first."""
    return list(
        await session.scalars(
            select(ActiveOpportunity)
            .where(ActiveOpportunity.program_id == program_id)
            .order_by(ActiveOpportunity.created_at.desc())
        )
    )


async def events_of_incidents(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[IncidentEvent]]:
    """Each incident's responses and escalations, in time order."""
    return await grouped(
        session, IncidentEvent, IncidentEvent.incident_id, ids, IncidentEvent.at, IncidentEvent.id
    )


async def attachments_of_incidents(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[IncidentAttachment]]:
    """Each incident's attachments."""
    return await grouped(
        session,
        IncidentAttachment,
        IncidentAttachment.incident_id,
        ids,
        IncidentAttachment.created_at,
        IncidentAttachment.id,
    )


async def support_profiles(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> list[SupportProfile | None]:
    """The support profile of each (partner, program)."""
    partners = list({p for p, _ in keys})
    rows = {
        (r.partner_id, r.program_id): r
        for r in await session.scalars(
            select(SupportProfile).where(SupportProfile.partner_id.in_(partners))
        )
    }
    return [rows.get(k) for k in keys]


async def support_lists(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> list[list[SupportContact]]:
    """The support list of each (partner, program), in escalation order."""
    partners = list({p for p, _ in keys})
    groups: dict[tuple[uuid.UUID, uuid.UUID], list[SupportContact]] = defaultdict(list)
    for row in await session.scalars(
        select(SupportContact)
        .where(SupportContact.partner_id.in_(partners))
        .order_by(SupportContact.position)
    ):
        groups[(row.partner_id, row.program_id)].append(row)
    return [groups.get(k, []) for k in keys]


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents to list."""

    program_id: uuid.UUID | None = None
    partner_id: uuid.UUID | None = None
    open: bool | None = None
    classification: str | None = None
    only_ids: tuple[uuid.UUID, ...] | None = None


def incidents_query(where: IncidentFilter) -> Select[Incident]:
    """The SELECT of incidents matching a filter."""
    stmt = select(Incident)
    if where.program_id is not None:
        stmt = stmt.where(Incident.program_id == where.program_id)
    if where.partner_id is not None:
        stmt = stmt.where(Incident.partner_id == where.partner_id)
    if where.open is not None:
        stmt = stmt.where(
            Incident.closed_at.is_(None) if where.open else Incident.closed_at.is_not(None)
        )
    if where.classification is not None:
        stmt = stmt.where(Incident.classification == where.classification)
    if where.only_ids is not None:
        stmt = stmt.where(Incident.id.in_(where.only_ids or [uuid.UUID(int=0)]))
    return stmt


async def incident_ids(session: AsyncSession, where: IncidentFilter) -> list[uuid.UUID]:
    """Ids of the incidents matching a filter."""
    stmt = incidents_query(where).with_only_columns(Incident.id)
    return list(await session.scalars(stmt))


async def evidence_of(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID, kind: str | None
) -> list[Evidence]:
    """A partner's evidence in a program, newest first."""
    stmt = select(Evidence).where(
        Evidence.partner_id == partner_id, Evidence.program_id == program_id
    )
    if kind is not None:
        stmt = stmt.where(Evidence.kind == kind)
    return list(
        await session.scalars(
            stmt.order_by(Evidence.occurred_on.desc(), Evidence.created_at.desc())
        )
    )


async def notifications_of(
    session: AsyncSession, partner_id: uuid.UUID, limit: int
) -> list[Notification]:
    """A partner's latest notifications."""
    return list(
        await session.scalars(
            select(Notification)
            .where(Notification.partner_id == partner_id)
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


async def usage_over_cap(
    session: AsyncSession, program_id: uuid.UUID, month: date
) -> list[UsageReport]:
    """Reports of a month above a cap."""
    return list(
        await session.scalars(
            select(UsageReport)
            .where(
                UsageReport.program_id == program_id,
                UsageReport.month == month,
                UsageReport.over_cap.is_(True),
            )
            .order_by(UsageReport.api_calls.desc())
        )
    )


async def mdf_requests_of(
    session: AsyncSession, program_id: uuid.UUID, partner_id: uuid.UUID | None
) -> list[MdfRequest]:
    """MDF requests of a program (of one partner when given), newest first."""
    stmt = select(MdfRequest).where(MdfRequest.program_id == program_id)
    if partner_id is not None:
        stmt = stmt.where(MdfRequest.partner_id == partner_id)
    return list(await session.scalars(stmt.order_by(MdfRequest.requested_at.desc())))


async def webhook_endpoints_of(
    session: AsyncSession, partner_id: uuid.UUID | None, admin: bool
) -> list[WebhookEndpoint]:
    """Endpoints a caller sees: admins all, partners their partner's."""
    stmt = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at)
    if not admin:
        stmt = stmt.where(WebhookEndpoint.partner_id == partner_id)
    return list(await session.scalars(stmt))


async def endpoint_deliveries(
    session: AsyncSession, endpoint_id: uuid.UUID, limit: int
) -> list[WebhookDelivery]:
    """An endpoint's latest deliveries."""
    return list(
        await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.created_at.desc())
            .limit(limit)
        )
    )


async def delivery_attempts(session: AsyncSession, delivery_id: uuid.UUID) -> list[DeliveryAttempt]:
    """A delivery's attempts, oldest first."""
    return list(
        await session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.attempted_at)
        )
    )


async def webhook_event(session: AsyncSession, event_id: uuid.UUID) -> OutboxEvent:
    """An outbox event."""
    event = await session.get(OutboxEvent, event_id)
    assert event is not None
    return event


@dataclass(frozen=True)
class AuditFilter:
    """Which audit events to list."""

    partner_id: uuid.UUID | None = None
    object_type: str | None = None
    object_id: str | None = None
    operation: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def audit_query(where: AuditFilter) -> Select[AuditEvent]:
    """The SELECT of audit events matching a filter."""
    stmt = select(AuditEvent)
    if where.partner_id is not None:
        stmt = stmt.where(AuditEvent.partner_id == where.partner_id)
    if where.object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == where.object_type)
    if where.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == where.object_id)
    if where.operation is not None:
        stmt = stmt.where(AuditEvent.operation == where.operation)
    if where.since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= where.since)
    if where.until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < where.until)
    return stmt
