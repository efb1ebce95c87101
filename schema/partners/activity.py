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
from rules.referral_state import ReferralStatus
from schema.context import Info
from schema.errors import CodedError
from schema.listing import OrderDirection, parse_time_key
from schema.pagination import Connection, build_connection, check_slice, decode_cursor
from schema.referrals.queries import ReferralOrder
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


def referral_selection(
    status: Sequence[Any] | None, order_by: ReferralOrder | None
) -> tuple[tuple[str, ...], bool]:
    """The statuses (their values) and the direction (descending?) a `referrals` field asks."""
    direction = (order_by or ReferralOrder()).direction
    return tuple(ReferralStatus(s).value for s in status or []), direction is OrderDirection.DESC


def _referral_page(
    statuses: tuple[str, ...],
    descending: bool,
    first: int | None,
    after: str | None,
    today_of: tuple[tuple[uuid.UUID, Any], ...],
) -> tuple[ReferralFilter, str, NestedPage]:
    where = ReferralFilter(statuses=statuses, today_of=today_of)
    order = f"submitted_at:{'desc' if descending else 'asc'}"
    return where, order, _spec(first, after, order, descending, where)


async def _today_of(info: Info, statuses: tuple[str, ...]) -> tuple[tuple[uuid.UUID, Any], ...]:
    if not statuses:
        return ()
    programs = await info.context.loaders.all_programs()
    return tuple((p.id, program_today(p)) for p in programs)


async def read_referral_pages(
    info: Info,
    partner_ids: Sequence[uuid.UUID],
    status: Sequence[Any] | None,
    order_by: ReferralOrder | None,
    first: int | None,
    after: str | None,
) -> list[Any]:
    """Read ahead (schema/partners/read_ahead.py): the pages a `referrals` selection with these
    arguments asks of each partner, in one batch; their rows. Arguments the field itself would
    refuse read nothing (the field then answers with its error)."""
    statuses, descending = referral_selection(status, order_by)
    today_of = await _today_of(info, statuses)
    try:
        _, _, spec = _referral_page(statuses, descending, first, after, today_of)
    except CodedError:
        return []
    loader = info.context.loaders.referral_page
    pages = await loader.read_ahead([(partner_id, spec) for partner_id in partner_ids])
    return [row for page in pages for row in page.rows]


def partner_referrals(
    info: Info,
    partner_id: uuid.UUID,
    status: Sequence[Any] | None,
    order_by: ReferralOrder | None,
    first: int | None,
    after: str | None,
    wrap: Callable[[Any], N],
    read_ahead: Callable[[Sequence[Any]], Awaitable[None]] | None = None,
) -> Connection[N] | Awaitable[Connection[N]]:
    """A page of a partner's referrals, newest first by default; statuses as of today.
    `read_ahead` loads what the selected fields of the page's rows need (schema/lookahead.py).
    Answered at once when the page is already read (a partners list reads its partners' pages
    ahead; issue 14), without an asyncio task per partner."""
    _own(info, partner_id)
    statuses, descending = referral_selection(status, order_by)
    if not statuses:
        where, order, spec = _referral_page(statuses, descending, first, after, ())
        found = info.context.loaders.referral_page.settled((partner_id, spec))
        if found is not None:
            return _referral_connection(info, partner_id, found.result(), order, where, wrap)
    return _partner_referrals_later(
        info, partner_id, statuses, descending, first, after, wrap, read_ahead
    )


async def _partner_referrals_later(
    info: Info,
    partner_id: uuid.UUID,
    statuses: tuple[str, ...],
    descending: bool,
    first: int | None,
    after: str | None,
    wrap: Callable[[Any], N],
    read_ahead: Callable[[Sequence[Any]], Awaitable[None]] | None,
) -> Connection[N]:
    today_of = await _today_of(info, statuses)
    where, order, spec = _referral_page(statuses, descending, first, after, today_of)
    page = await info.context.loaders.referral_page.load((partner_id, spec))
    if read_ahead is not None:
        await read_ahead(page.rows)
    return _referral_connection(info, partner_id, page, order, where, wrap)


def _referral_connection(
    info: Info,
    partner_id: uuid.UUID,
    page: Page[Any],
    order: str,
    where: ReferralFilter,
    wrap: Callable[[Any], N],
) -> Connection[N]:
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
