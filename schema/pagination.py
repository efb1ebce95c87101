"""Relay connections: `first/after` or `last/before`, 1..100 per page (default 20)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

import strawberry

from models.paging import Page, PageRequest
from schema.errors import CodedError

MAX_PAGE = 100
DEFAULT_PAGE = 20
N = TypeVar("N")


@strawberry.type(description="Where a page sits in its connection.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    _first: strawberry.Private[Callable[[], str] | None]
    _last: strawberry.Private[Callable[[], str] | None]

    @strawberry.field
    def start_cursor(self) -> str | None:
        return None if self._first is None else self._first()

    @strawberry.field
    def end_cursor(self) -> str | None:
        return None if self._last is None else self._last()


@strawberry.type(description="An item of a connection and its cursor.")
class Edge(Generic[N]):
    node: N
    _cursor: strawberry.Private[Callable[[], str]]

    @strawberry.field
    def cursor(self) -> str:
        # encoded when asked: a list read through `nodes` encodes none (issue 14)
        return self._cursor()


@strawberry.type(description="A page of a list, with cursors to move through it.")
class Connection(Generic[N]):
    page_info: PageInfo
    _nodes: strawberry.Private[list[N]]
    _cursor_at: strawberry.Private[Callable[[int], str]]
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The nodes of this page with their cursors.")
    def edges(self) -> list[Edge[N]]:
        # made when asked: a list read through `nodes` makes none (issue 14)
        return [
            Edge(node=node, _cursor=partial(self._cursor_at, index))
            for index, node in enumerate(self._nodes)
        ]

    @strawberry.field(description="How many items the whole list holds (with its filters).")
    async def total_count(self) -> int:
        return await self._count()

    @strawberry.field(description="The nodes of this page, without their cursors.")
    def nodes(self) -> list[N]:
        return self._nodes


def encode_cursor(order: str, key: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key under a named ordering."""
    raw = json.dumps([order, list(key)], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str, arity: int) -> list[Any]:
    """The sort key inside a cursor; INVALID_CURSOR if malformed or from another ordering."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, key = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise CodedError("INVALID_CURSOR", "the cursor is not one this API issued") from exc
    if name != order or not isinstance(key, list) or len(key) != arity:
        raise CodedError("INVALID_CURSOR", "the cursor belongs to another list or ordering")
    return key


@dataclass(frozen=True)
class Slice:
    """Validated pagination arguments."""

    first: int | None
    after: str | None
    last: int | None
    before: str | None


def check_slice(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> Slice:
    """Apply the page-size rules: one of first/last, 1..100, default first=20."""
    if first is not None and last is not None:
        raise CodedError("INVALID_PAGINATION", "give `first` or `last`, not both")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 1 <= value <= MAX_PAGE:
            raise CodedError(
                "INVALID_PAGINATION", f"`{name}` must be between 1 and {MAX_PAGE}", argument=name
            )
    if first is None and last is None:
        if before is not None:
            last = DEFAULT_PAGE
        else:
            first = DEFAULT_PAGE
    return Slice(first, after, last, before)


def page_request(
    page: Slice, order: str, arity: int, parse: Callable[[list[Any]], tuple[Any, ...]]
) -> PageRequest:
    """Turn validated arguments into a keyset request for `models.paging`."""
    after = parse(decode_cursor(page.after, order, arity)) if page.after else None
    before = parse(decode_cursor(page.before, order, arity)) if page.before else None
    return PageRequest(first=page.first, after=after, last=page.last, before=before)


def build_connection(
    page: Page[Any],
    order: str,
    key: Callable[[Any], Sequence[Any]],
    wrap: Callable[[Any], N],
    count: Callable[[], Awaitable[int]],
) -> Connection[N]:
    """A Connection from a page of rows (its nodes wrapped now, its edges and cursors made
    when asked)."""
    rows = page.rows

    def cursor_at(index: int) -> str:
        return encode_cursor(order, key(rows[index]))

    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        _first=partial(cursor_at, 0) if rows else None,
        _last=partial(cursor_at, len(rows) - 1) if rows else None,
    )
    return Connection(
        page_info=info, _nodes=[wrap(row) for row in rows], _cursor_at=cursor_at, _count=count
    )
