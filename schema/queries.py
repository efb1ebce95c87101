"""The Query root: viewer, programs, partners, node lookups."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from enum import Enum
from typing import Any

import strawberry
from sqlalchemy import func, select

from models import AuditEvent as AuditRow
from models import Incident as IncidentRow
from models import Partner as PartnerRow
from models import Program as ProgramRow
from models import Referral as ReferralRow
from models.audit.queries import AuditFilter as AuditQuery
from models.audit.queries import audit_query
from models.base import utcnow
from models.documents.queries import all_templates
from models.paging import OrderColumn, count, fetch_page
from models.partners.queries import PartnerFilter as PartnerQuery
from models.partners.queries import partners_query
from models.programs.queries import all_programs
from models.referrals.queries import ReferralFilter as ReferralQuery
from models.referrals.queries import list_opportunities, referrals_query
from models.support.queries import IncidentFilter as IncidentQuery
from models.support.queries import incidents_query
from models.tiers.queries import mdf_requests_of, usage_over_cap
from models.webhooks.queries import webhook_endpoints_of
from rules.enums import ApiKeyRole
from rules.referral_state import ReferralStatus
from schema.audit.types import AuditEvent
from schema.common import Node
from schema.context import Info
from schema.documents.types import TemplateVersion
from schema.errors import CodedError
from schema.ids import decode_id, expect_id
from schema.node import resolve_node
from schema.pagination import Connection, build_connection, check_slice, page_request
from schema.partners.types import Membership, MembershipStatusEnum, Partner
from schema.programs.types import Program
from schema.referrals.types import Referral, ReferralStatusEnum
from schema.support.types import Incident, IncidentStatus
from schema.tiers.types import EvaluationMode, MdfRequest, TierEvaluation, UsageReport
from schema.webhooks.mutations import WebhookEndpoint
from services.errors import UseCaseError
from services.partners.memberships import program_today
from services.support.escalation import narrow_by_overdue
from services.tiers.evaluation import evaluate_membership
from services.tiers.program_year import unengaged_memberships

SEARCH_MAX = 200
NODES_MAX = 100

ApiKeyRoleEnum = strawberry.enum(ApiKeyRole, name="ApiKeyRole", description="What a key may do.")


@strawberry.type(description="The caller: the API key's name and role, and its partner if any.")
class Viewer:
    key_name: str
    role: ApiKeyRoleEnum  # type: ignore[valid-type]
    partner_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The partner a partner key speaks for; null for admin keys.")
    async def partner(self, info: Info) -> Partner | None:
        if self.partner_id is None:
            return None
        row = await info.context.loaders.partner.load(self.partner_id)
        return None if row is None else Partner.from_row(row)


@strawberry.enum(description="Orderings of the partner list.")
class PartnerOrderField(Enum):
    DISPLAY_NAME = "display_name"
    CREATED_AT = "created_at"


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="How to order partners; ties are broken by ID.")
class PartnerOrder:
    field: PartnerOrderField = PartnerOrderField.DISPLAY_NAME
    direction: OrderDirection = OrderDirection.ASC


@strawberry.input(description="Narrow the partner list; every given field must match.")
class PartnerFilter:
    program: strawberry.ID | None = strawberry.field(
        default=None, description="Only members of this program (Program ID)."
    )
    tier: strawberry.ID | None = strawberry.field(
        default=None, description="Only members currently at this tier (Tier ID)."
    )
    status: MembershipStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Only partners with a membership in this status."
    )
    country: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 country code."
    )
    search: str | None = strawberry.field(
        default=None,
        description=f"Case-insensitive text in the display or legal name (max {SEARCH_MAX}).",
    )


def _partner_order(order: PartnerOrder) -> tuple[str, list[OrderColumn]]:
    if order.field is PartnerOrderField.CREATED_AT:
        return "created_at", [PartnerRow.created_at, PartnerRow.id]
    return "display_name", [func.lower(PartnerRow.display_name), PartnerRow.id]


def _partner_key(order_name: str, row: PartnerRow) -> tuple[Any, ...]:
    if order_name == "created_at":
        return (row.created_at.isoformat(), str(row.id))
    return (row.display_name.lower(), str(row.id))


def _parse_partner_key(order_name: str, raw: list[Any]) -> tuple[Any, ...]:
    try:
        first = dt.datetime.fromisoformat(raw[0]) if order_name == "created_at" else str(raw[0])
        return (first, uuid.UUID(str(raw[1])))
    except (TypeError, ValueError) as exc:
        raise CodedError("INVALID_CURSOR", "the cursor is not one this API issued") from exc


def _partner_query(info: Info, where: PartnerFilter | None) -> PartnerQuery:
    actor = info.context.actor
    only = None if actor.is_admin else actor.partner_id
    if where is None:
        return PartnerQuery(only_partner_id=only)
    if where.search is not None and len(where.search) > SEARCH_MAX:
        raise CodedError(
            "INPUT_TOO_LONG",
            f"search is limited to {SEARCH_MAX} characters",
            argument="filter.search",
        )
    return PartnerQuery(
        program_id=expect_id(where.program, "Program") if where.program else None,
        tier_id=expect_id(where.tier, "Tier") if where.tier else None,
        status=where.status,
        country=where.country.strip().upper() if where.country else None,
        search=where.search.strip() if where.search else None,
        only_partner_id=only,
    )


@strawberry.input(description="Narrow the referral list.")
class ReferralFilterInput:
    program: strawberry.ID | None = None
    partner: strawberry.ID | None = strawberry.field(
        default=None, description="Admin keys only; partner keys always see their own."
    )
    status: list[ReferralStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses, as of today."
    )
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None


@strawberry.input(description="Referral order: by submission time; ties broken by ID.")
class ReferralOrder:
    direction: OrderDirection = OrderDirection.DESC


@strawberry.type(description="A client the program already pursues (CS-REF-03).")
class ActiveOpportunity:
    client_name: str
    client_website: str | None
    client_keys: list[str]
    active_from: dt.date
    active_until: dt.date | None
    note: str


def _parse_time_key(raw: list[Any]) -> tuple[Any, ...]:
    try:
        return (dt.datetime.fromisoformat(raw[0]), uuid.UUID(str(raw[1])))
    except (TypeError, ValueError) as exc:
        raise CodedError("INVALID_CURSOR", "the cursor is not one this API issued") from exc


async def _referral_filter(info: Info, data: ReferralFilterInput) -> ReferralQuery:
    actor = info.context.actor
    partner = expect_id(data.partner, "Partner") if data.partner else None
    if not actor.is_admin:
        partner = actor.partner_id
    programs = await info.context.loaders.read(all_programs)
    return ReferralQuery(
        program_id=expect_id(data.program, "Program") if data.program else None,
        partner_id=partner,
        statuses=tuple(ReferralStatus(s).value for s in data.status or []),
        today_of=tuple((p.id, program_today(p)) for p in programs),
        submitted_from=data.submitted_from,
        submitted_to=data.submitted_to,
    )


@strawberry.input(description="Narrow the incident list.")
class IncidentFilterInput:
    program: strawberry.ID | None = None
    partner: strawberry.ID | None = strawberry.field(default=None, description="Admin keys.")
    status: IncidentStatus | None = None
    classification: str | None = None
    overdue: bool | None = strawberry.field(
        default=None, description="Only incidents whose response is (or is not) late now."
    )


async def _incident_filter(info: Info, data: IncidentFilterInput) -> IncidentQuery:
    actor = info.context.actor
    partner = expect_id(data.partner, "Partner") if data.partner else None
    if not actor.is_admin:
        partner = actor.partner_id
    where = IncidentQuery(
        program_id=expect_id(data.program, "Program") if data.program else None,
        partner_id=partner,
        open=None if data.status is None else data.status is IncidentStatus.OPEN,
        classification=data.classification,
    )
    if data.overdue is None:
        return where
    overdue, now = data.overdue, utcnow()
    narrowed: IncidentQuery = await info.context.loaders.read(
        lambda s: narrow_by_overdue(s, where, overdue, now)
    )
    return narrowed


@strawberry.input(description="Narrow the audit log.")
class AuditFilterInput:
    object: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of an object."
    )
    object_type: str | None = None
    operation: str | None = strawberry.field(default=None, description="e.g. changeTier.")
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@strawberry.type
class Query:
    @strawberry.field(description="The authenticated caller.")
    def viewer(self, info: Info) -> Viewer:
        actor = info.context.actor
        return Viewer(key_name=actor.key_name, role=actor.role, partner_id=actor.partner_id)

    @strawberry.field(description="Fetch any object by global ID; null if absent or not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description=f"Fetch up to {NODES_MAX} objects by global ID, in order.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > NODES_MAX:
            raise CodedError("TOO_MANY_IDS", f"nodes takes at most {NODES_MAX} IDs")
        return list(await asyncio.gather(*(resolve_node(info, i) for i in ids)))

    @strawberry.field(description="Programs, ordered by slug.")
    async def programs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Program]:
        page_args = check_slice(first, after, last, before)
        request = page_request(page_args, "slug", 1, lambda raw: (str(raw[0]),))
        query = select(ProgramRow)
        page = await info.context.loaders.read(
            lambda s: fetch_page(s, query, [ProgramRow.slug], request)
        )
        return build_connection(
            page,
            "slug",
            lambda row: (row.slug,),
            Program.from_row,
            lambda: info.context.loaders.read(lambda s: count(s, query)),
        )

    @strawberry.field(description="A program by its slug, e.g. `segment-technology`.")
    async def program(self, info: Info, slug: str) -> Program | None:
        row = await info.context.loaders.program_by_slug.load(slug[:64])
        return None if row is None else Program.from_row(row)

    @strawberry.field(description="Partners; a partner key sees only its own partner.")
    async def partners(
        self,
        info: Info,
        filter: PartnerFilter | None = None,
        order_by: PartnerOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Partner]:
        page_args = check_slice(first, after, last, before)
        order = order_by or PartnerOrder()
        name, columns = _partner_order(order)
        order_name = f"{name}:{order.direction.value}"
        request = page_request(page_args, order_name, 2, lambda raw: _parse_partner_key(name, raw))
        query = partners_query(_partner_query(info, filter))
        descending = order.direction is OrderDirection.DESC
        page = await info.context.loaders.read(
            lambda s: fetch_page(s, query, columns, request, descending=descending)
        )
        return build_connection(
            page,
            order_name,
            lambda row: _partner_key(name, row),
            Partner.from_row,
            lambda: info.context.loaders.read(lambda s: count(s, query)),
        )

    @strawberry.field(
        description="Referrals, newest first by default; a partner key sees only "
        "its own. Status filters use each program's today."
    )
    async def referrals(
        self,
        info: Info,
        filter: ReferralFilterInput | None = None,
        order_by: ReferralOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Referral]:
        page_args = check_slice(first, after, last, before)
        where = await _referral_filter(info, filter or ReferralFilterInput())
        direction = (order_by or ReferralOrder()).direction
        order_name = f"submitted_at:{direction.value}"
        request = page_request(page_args, order_name, 2, _parse_time_key)
        query = referrals_query(where)
        columns: list[OrderColumn] = [ReferralRow.submitted_at, ReferralRow.id]
        descending = direction is OrderDirection.DESC
        page = await info.context.loaders.read(
            lambda s: fetch_page(s, query, columns, request, descending=descending)
        )
        return build_connection(
            page,
            order_name,
            lambda row: (row.submitted_at.isoformat(), str(row.id)),
            Referral.from_row,
            lambda: info.context.loaders.read(lambda s: count(s, query)),
        )

    @strawberry.field(
        description="Incidents, newest first; a partner key sees only its own. "
        "`overdue` is evaluated as of now."
    )
    async def incidents(
        self,
        info: Info,
        filter: IncidentFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Incident]:
        page_args = check_slice(first, after, last, before)
        where = await _incident_filter(info, filter or IncidentFilterInput())
        order_name = "reported_at:desc"
        request = page_request(page_args, order_name, 2, _parse_time_key)
        query = incidents_query(where)
        columns: list[OrderColumn] = [IncidentRow.reported_at, IncidentRow.id]
        page = await info.context.loaders.read(
            lambda s: fetch_page(s, query, columns, request, descending=True)
        )
        return build_connection(
            page,
            order_name,
            lambda row: (row.reported_at.isoformat(), str(row.id)),
            Incident.from_row,
            lambda: info.context.loaders.read(lambda s: count(s, query)),
        )

    @strawberry.field(description="An incident by ID; null if absent or not yours.")
    async def incident(self, info: Info, id: strawberry.ID) -> Incident | None:
        node = await resolve_node(info, id)
        return node if isinstance(node, Incident) else None

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
        description="Active members of the review tier with no engagement in a "
        "quarter such as 2026-Q3 (admin keys; SEG-TIER-07)."
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

    @strawberry.field(
        description="The audit log, newest first: admin keys see every event, "
        "partner keys the events on their own objects. Nothing can change it."
    )
    async def audit_events(
        self,
        info: Info,
        filter: AuditFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEvent]:
        page_args = check_slice(first, after, last, before)
        data = filter or AuditFilterInput()
        actor = info.context.actor
        object_id = None
        if data.object is not None:
            object_id = str(decode_id(data.object)[1])
        where = AuditQuery(
            partner_id=None if actor.is_admin else actor.partner_id,
            object_type=data.object_type,
            object_id=object_id,
            operation=data.operation,
            since=data.since,
            until=data.until,
        )
        order_name = "occurred_at:desc"
        request = page_request(page_args, order_name, 2, _parse_time_key)
        query = audit_query(where)
        columns: list[OrderColumn] = [AuditRow.occurred_at, AuditRow.id]
        page = await info.context.loaders.read(
            lambda s: fetch_page(s, query, columns, request, descending=True)
        )
        return build_connection(
            page,
            order_name,
            lambda row: (row.occurred_at.isoformat(), str(row.id)),
            AuditEvent.from_row,
            lambda: info.context.loaders.read(lambda s: count(s, query)),
        )

    @strawberry.field(description="The caller's webhook endpoints (admin keys: all).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        actor = info.context.actor
        rows = await info.context.loaders.read(
            lambda s: webhook_endpoints_of(s, actor.partner_id, actor.is_admin)
        )
        return [WebhookEndpoint.from_row(r) for r in rows]

    @strawberry.field(description="Active opportunities of a program (admin keys; CS-REF-03).")
    async def active_opportunities(
        self, info: Info, program: strawberry.ID
    ) -> list[ActiveOpportunity]:
        if not info.context.actor.is_admin:
            raise CodedError("FORBIDDEN", "only admin keys read the opportunity registry")
        program_id = expect_id(program, "Program")
        rows = await info.context.loaders.read(lambda s: list_opportunities(s, program_id))
        return [
            ActiveOpportunity(
                client_name=r.client_name,
                client_website=r.client_website,
                client_keys=list(r.client_keys),
                active_from=r.active_from,
                active_until=r.active_until,
                note=r.note,
            )
            for r in rows
        ]

    @strawberry.field(description="Published contract template versions, newest first.")
    async def contract_templates(
        self, info: Info, template_id: str | None = None
    ) -> list[TemplateVersion]:
        rows = await info.context.loaders.read(lambda s: all_templates(s, template_id))
        return [TemplateVersion.from_row(r) for r in rows]

    @strawberry.field(description="A partner by ID; null if absent or not yours.")
    async def partner(self, info: Info, id: strawberry.ID) -> Partner | None:
        ident = expect_id(id, "Partner")
        if not info.context.actor.may_see_partner(ident):
            return None
        row = await info.context.loaders.partner.load(ident)
        return None if row is None else Partner.from_row(row)
