"""A partner's own lists: `Partner.referrals` and `Partner.commissions` as Relay connections.

Every partner of a page gets its page through one batched statement (a UNION ALL of
index-ordered LIMITs), and `totalCount` through one GROUP BY, only when asked: a dashboard of
partners with their referrals costs the same number of statements at any page size.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from models.paging import NestedPage, Page
from models.referrals.queries import ReferralFilter
from schema.context import Info
from schema.errors import CodedError
from schema.listing import parse_time_key
from schema.pagination import Connection, build_connection, check_slice, decode_cursor
from services.partners.memberships import program_today

N = TypeVar("N")


def _own(info: Info, partner_id: uuid.UUID) -> None:
    actor = info.context.actor
    if not actor.is_admin and actor.partner_id != partner_id:
        raise CodedError("FORBIDDEN", "a partner key reads only its own partner's lists")


def _spec(
    first: int | None, after: str | None, order: str, descending: bool, where: Any
) -> NestedPage:
    page = check_slice(first, after, None, None)
    assert page.first is not None
    key = parse_time_key(decode_cursor(after, order, 2)) if after else None
    return NestedPage(first=page.first, after=key, descending=descending, where=where)


def _connection(
    page: Page[Any],
    order: str,
    at: str,
    wrap: Callable[[Any], N],
    count: Callable[[], Awaitable[int]],
) -> Connection[N]:
    return build_connection(
        page, order, lambda row: (getattr(row, at).isoformat(), str(row.id)), wrap, count
    )


async def partner_referrals(
    info: Info,
    partner_id: uuid.UUID,
    statuses: tuple[str, ...],
    descending: bool,
    first: int | None,
    after: str | None,
    wrap: Callable[[Any], N],
    read_ahead: Callable[[Sequence[Any]], Awaitable[None]] | None = None,
) -> Connection[N]:
    """A page of a partner's referrals, newest first by default; statuses as of today.
    `read_ahead` loads what the selected fields of the page's rows need (schema/lookahead.py)."""
    _own(info, partner_id)
    today_of: tuple[tuple[uuid.UUID, Any], ...] = ()
    if statuses:
        programs = await info.context.loaders.all_programs()
        today_of = tuple((p.id, program_today(p)) for p in programs)
    where = ReferralFilter(statuses=statuses, today_of=today_of)
    order = f"submitted_at:{'desc' if descending else 'asc'}"
    spec = _spec(first, after, order, descending, where)
    page = await info.context.loaders.referral_page.load((partner_id, spec))
    if read_ahead is not None:
        await read_ahead(page.rows)
    return _connection(
        page,
        order,
        "submitted_at",
        wrap,
        lambda: info.context.loaders.referral_count.load((partner_id, where)),
    )


async def partner_commissions(
    info: Info,
    partner_id: uuid.UUID,
    first: int | None,
    after: str | None,
    wrap: Callable[[Any], N],
) -> Connection[N]:
    """A page of a partner's commissions, most recently computed first."""
    _own(info, partner_id)
    order = "computed_at:desc"
    spec = _spec(first, after, order, True, None)
    page = await info.context.loaders.commission_page.load((partner_id, spec))
    return _connection(
        page,
        order,
        "computed_at",
        wrap,
        lambda: info.context.loaders.commission_count.load((partner_id, None)),
    )
