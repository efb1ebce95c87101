"""Keyset pagination over a SELECT: stable under inserts, no OFFSET scans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

T = TypeVar("T")
OrderColumn = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class PageRequest:
    """Which slice to read: `first` after a key, or `last` before a key (keys are sort tuples)."""

    first: int | None = None
    after: tuple[Any, ...] | None = None
    last: int | None = None
    before: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, in order, and whether more lie on either side."""

    rows: Sequence[T]
    has_next: bool
    has_previous: bool


def _beyond(
    columns: Sequence[OrderColumn], key: tuple[Any, ...], *, forward: bool, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after (or before) `key` in the order of `columns`."""
    greater = forward != descending
    clauses = []
    for i, column in enumerate(columns):
        equal_prefix = [columns[j] == key[j] for j in range(i)]
        step = column > key[i] if greater else column < key[i]
        clauses.append(and_(*equal_prefix, step))
    return or_(*clauses)


async def fetch_page(
    session: AsyncSession,
    query: Select[T],
    order: Sequence[OrderColumn],
    request: PageRequest,
    *,
    descending: bool = False,
) -> Page[T]:
    """Read one page of `query` ordered by `order` (the last column must be unique)."""
    forward = request.last is None
    size = request.first if forward else request.last
    assert size is not None
    stmt = query
    if request.after is not None:
        stmt = stmt.where(_beyond(order, request.after, forward=True, descending=descending))
    if request.before is not None:
        stmt = stmt.where(_beyond(order, request.before, forward=False, descending=descending))
    ascending = forward != descending
    stmt = stmt.order_by(*[c.asc() if ascending else c.desc() for c in order]).limit(size + 1)
    rows = list((await session.scalars(stmt)).all())
    more = len(rows) > size
    rows = rows[:size]
    if forward:
        return Page(rows, has_next=more, has_previous=request.after is not None)
    rows.reverse()
    return Page(rows, has_next=request.before is not None, has_previous=more)


async def count(session: AsyncSession, query: Select[T]) -> int:
    """The number of rows `query` selects."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(total or 0)
