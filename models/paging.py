"""Keyset pagination over a SELECT: stable under inserts, no OFFSET scans."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from models.records import Columns, read_records
from rules.bounded_cache import BoundedCache

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
    query: Select[Any],
    order: Sequence[OrderColumn],
    request: PageRequest,
    *,
    descending: bool = False,
    entity: Columns[T] | None = None,
    reuse: Hashable | None = None,
) -> Page[T]:
    """Read one page of `query` ordered by `order` (the last column must be unique): its
    rows, or plain records of `entity`'s columns. `reuse`: a key naming `query` and `order`
    (the filter and the order's name); the statement of a first or last page is then built
    once and reused."""
    forward = request.last is None
    size = request.first if forward else request.last
    assert size is not None

    def build() -> Select[Any]:
        stmt = query if entity is None else entity.narrow(query)
        if request.after is not None:
            stmt = stmt.where(_beyond(order, request.after, forward=True, descending=descending))
        if request.before is not None:
            stmt = stmt.where(_beyond(order, request.before, forward=False, descending=descending))
        ascending = forward != descending
        return stmt.order_by(*[c.asc() if ascending else c.desc() for c in order]).limit(size + 1)

    cursor = request.after is not None or request.before is not None
    if reuse is None or cursor:
        stmt = build()
    else:
        stmt = _reused(("page", reuse, entity, forward, size, descending), build)
    rows: list[T]
    if entity is None:
        rows = list((await session.scalars(stmt)).all())
    else:
        rows = await read_records(session, entity, stmt)
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


async def fetch_pages(
    session: AsyncSession,
    entity: type[T] | Columns[T],
    query: Select[Any],
    parent: QueryableAttribute[Any],
    parents: Sequence[Any],
    order: Sequence[QueryableAttribute[Any]],
    request: PageRequest,
    *,
    descending: bool = False,
    reuse: Hashable | None = None,
) -> dict[Any, Page[T]]:
    """The first page of `query` under each parent, in ONE statement: rows of a model, or
    plain records when `entity` is `Columns` (then only its columns are selected).

    A UNION ALL of one LIMITed, index-ordered SELECT per parent (no window over every row of
    every parent), so the statement count stays one whatever the page size or parent count.
    Forward pages only (`first`/`after`). `reuse`: a key naming `query` (its builder and
    filter); the PostgreSQL statement of a first page is then built once and reused.
    """
    size = request.first or 0
    keys = list(dict.fromkeys(parents))
    if not keys or size <= 0:
        return {k: Page([], has_next=False, has_previous=request.after is not None) for k in keys}
    stmt: Select[Any]
    params: dict[str, Any] = {}
    if session.get_bind().dialect.name == "postgresql":
        params[PAGE_PARENTS] = keys
        shape = (entity, parent.key, tuple(c.key for c in order), size, descending)
        if reuse is None or request.after is not None:
            stmt = _lateral_pages(entity, query, parent, order, request, size, descending)
        else:
            stmt = _reused(
                (reuse, *shape),
                lambda: _lateral_pages(entity, query, parent, order, request, size, descending),
            )
    else:
        query = _narrow(entity, query, [parent, *order])
        ordering = [c.desc() if descending else c.asc() for c in order]
        branches = []
        for key in keys:
            branch = query.where(parent == key)
            if request.after is not None:
                branch = branch.where(
                    _beyond(order, request.after, forward=True, descending=descending)
                )
            branches.append(select(branch.order_by(*ordering).limit(size + 1).subquery()))
        union = union_all(*branches).subquery() if len(branches) > 1 else branches[0].subquery()
        stmt = _select_entity(entity, union)
    read: Sequence[T]
    if isinstance(entity, Columns):
        read = await read_records(session, entity, stmt, params)
    else:
        read = (await session.scalars(stmt, params)).all()
    rows: dict[Any, list[T]] = {k: [] for k in keys}
    for row in read:
        rows[getattr(row, parent.key)].append(row)
    pages = {}
    sort_key = attrgetter(*(c.key for c in order))
    for key, found in rows.items():
        found.sort(key=sort_key, reverse=descending)
        pages[key] = Page(
            found[:size], has_next=len(found) > size, has_previous=request.after is not None
        )
    return pages


PAGE_PARENTS = "page_parents"
"""The bound parameter of the parents' array in the PostgreSQL pages statement."""

_REUSED: BoundedCache[Hashable, Select[Any]] = BoundedCache(256)


def _reused(key: Hashable, build: Callable[[], Select[Any]]) -> Select[Any]:
    """The statement kept under `key`, built on first use (the oldest goes past the bound).
    A statement is immutable; reusing one also reuses its memoised cache key."""
    stmt = _REUSED.entries.get(key)
    return _REUSED.put(key, build()) if stmt is None else stmt


def _narrow(
    entity: type[Any] | Columns[Any], query: Select[Any], needed: Sequence[QueryableAttribute[Any]]
) -> Select[Any]:
    """`query` as it is for a model; for `Columns`, selecting only its columns (which must
    include the attributes the pages are grouped and sorted by)."""
    if isinstance(entity, Columns):
        entity.require(needed)
        return entity.narrow(query)
    return query


def _select_entity(entity: type[Any] | Columns[Any], rows: FromClause) -> Select[Any]:
    """SELECT the model's entity over `rows` (a subquery of its table), or, for `Columns`,
    the subquery's columns as they are (`Columns.narrow` selected them in record order)."""
    if isinstance(entity, Columns):
        return select(*rows.c)
    return select(aliased(entity, rows))


def _lateral_pages(
    entity: type[Any] | Columns[Any],
    query: Select[Any],
    parent: QueryableAttribute[Any],
    order: Sequence[QueryableAttribute[Any]],
    request: PageRequest,
    size: int,
    descending: bool,
) -> Select[Any]:
    """PostgreSQL: the same pages as the UNION ALL, as one LIMITed index-ordered SELECT per
    parent through a LATERAL join over the array of parents (bound as `PAGE_PARENTS`): a
    statement of the same short text at any parent count (the UNION's text grew with every
    parent, and building, hashing, sending and parsing it cost more CPU than reading the rows;
    issue 14)."""
    parents = (
        func.unnest(bindparam(PAGE_PARENTS, type_=ARRAY(parent.expression.type)))
        .table_valued("id")
        .render_derived(name="parents")
    )
    branch = _narrow(entity, query, [parent, *order]).where(parent == parents.c.id)
    if request.after is not None:
        branch = branch.where(_beyond(order, request.after, forward=True, descending=descending))
    ordering = [c.desc() if descending else c.asc() for c in order]
    page = branch.order_by(*ordering).limit(size + 1).lateral("page")
    return _select_entity(entity, page).select_from(parents).join(page, true())


async def count_by(
    session: AsyncSession,
    query: Select[Any],
    parent: QueryableAttribute[Any],
    parents: Sequence[Any],
) -> dict[Any, int]:
    """How many rows of `query` each parent holds, in one GROUP BY."""
    sub = query.where(parent.in_(list(set(parents)))).order_by(None).subquery()
    column = sub.c[parent.key]
    stmt = select(column, func.count()).group_by(column)
    return {key: int(n) for key, n in await session.execute(stmt)}


@dataclass(frozen=True)
class NestedPage:
    """One page request of a nested list (forward only), hashable as a DataLoader key."""

    first: int
    after: tuple[Any, ...] | None = None
    descending: bool = True
    where: Any = None


async def nested_pages(
    session: AsyncSession,
    entity: type[T] | Columns[T],
    keys: Sequence[tuple[Any, NestedPage]],
    query_of: Callable[[Any], Select[Any]],
    parent: QueryableAttribute[Any],
    order: Sequence[QueryableAttribute[Any]],
) -> list[Page[T]]:
    """A page per (parent, page) key: one statement per distinct page request (rows of a
    model, or plain records of `Columns`)."""
    by_spec: dict[NestedPage, list[Any]] = {}
    for key, spec in keys:
        by_spec.setdefault(spec, []).append(key)
    found: dict[tuple[Any, NestedPage], Page[T]] = {}
    for spec, parents in by_spec.items():
        request = PageRequest(first=spec.first, after=spec.after)
        pages = await fetch_pages(
            session,
            entity,
            query_of(spec.where),
            parent,
            parents,
            order,
            request,
            descending=spec.descending,
            reuse=(query_of, spec.where),
        )
        found.update({(p, spec): page for p, page in pages.items()})
    return [found[k] for k in keys]


async def nested_counts(
    session: AsyncSession,
    keys: Sequence[tuple[Any, Any]],
    query_of: Callable[[Any], Select[Any]],
    parent: QueryableAttribute[Any],
) -> list[int]:
    """How many rows each (parent, filter) key holds: one GROUP BY per distinct filter."""
    by_filter: dict[Any, list[Any]] = {}
    for key, where in keys:
        by_filter.setdefault(where, []).append(key)
    counts: dict[tuple[Any, Any], int] = {}
    for where, parents in by_filter.items():
        found = await count_by(session, query_of(where), parent, parents)
        counts.update({(p, where): found.get(p, 0) for p in parents})
    return [counts[k] for k in keys]
