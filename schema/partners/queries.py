"""Queries of partners: the filtered, ordered partner list and a partner by ID."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Any

import strawberry

from models import Partner as PartnerRow
from models.paging import OrderColumn
from models.partners.queries import PARTNER_ORDER, partners_query
from models.partners.queries import PartnerFilter as PartnerQuery
from models.partners.records import PARTNER_COLUMNS, AnyPartner
from schema.context import Info
from schema.errors import CodedError
from schema.ids import expect_id
from schema.listing import OrderDirection, connection
from schema.lookahead import CONNECTION_NODES
from schema.pagination import Connection, check_slice, page_request
from schema.partners.read_ahead import read_ahead
from schema.partners.types import MembershipStatusEnum, Partner

SEARCH_MAX = 200


@strawberry.enum(description="Orderings of the partner list.")
class PartnerOrderField(Enum):
    DISPLAY_NAME = "display_name"
    CREATED_AT = "created_at"


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
    return "display_name", list(PARTNER_ORDER)


def _partner_key(order_name: str, row: AnyPartner) -> tuple[Any, ...]:
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


@strawberry.type
class PartnerQueries:
    """The partner list."""

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
        where = _partner_query(info, filter)
        page = await connection(
            info,
            partners_query(where),
            columns,
            request,
            order_name,
            lambda row: _partner_key(name, row),
            Partner.from_row,
            descending=order.direction is OrderDirection.DESC,
            entity=PARTNER_COLUMNS,
            reuse=(partners_query, where, order_name),
        )
        await read_ahead(info, [node.row for node in page.nodes()], CONNECTION_NODES)
        return page


@strawberry.type
class PartnerLookupQueries:
    """A partner by ID (the last field of Query, after the other domains' lists)."""

    @strawberry.field(description="A partner by ID; null if absent or not yours.")
    async def partner(self, info: Info, id: strawberry.ID) -> Partner | None:
        ident = expect_id(id, "Partner")
        if not info.context.actor.may_see_partner(ident):
            return None
        row = await info.context.loaders.partner.load(ident)
        return None if row is None else Partner.from_row(row)
