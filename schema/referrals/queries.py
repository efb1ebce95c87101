"""Queries of referrals: the referral list and the active-opportunity registry (CS-REF-03)."""

from __future__ import annotations

import datetime as dt

import strawberry

from models import Referral as ReferralRow
from models.programs.queries import all_programs
from models.referrals.queries import ReferralFilter as ReferralQuery
from models.referrals.queries import list_opportunities, referrals_query
from rules.referral_state import ReferralStatus
from schema.context import Info
from schema.errors import CodedError
from schema.ids import expect_id
from schema.listing import OrderDirection, time_connection
from schema.pagination import Connection, check_slice
from schema.referrals.types import Referral, ReferralStatusEnum
from services.partners.memberships import program_today


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


@strawberry.type
class ReferralQueries:
    """The referral list."""

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
        return await time_connection(
            info,
            page_args,
            referrals_query(where),
            ReferralRow.submitted_at,
            ReferralRow.id,
            Referral.from_row,
            descending=direction is OrderDirection.DESC,
        )


@strawberry.type
class OpportunityQueries:
    """The active-opportunity registry (CS-REF-03)."""

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
