"""Generic batch reads for the API's DataLoaders: one statement per relation, whatever the
batch size.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models.base import Base, IdMixin

M = TypeVar("M", bound=IdMixin)
B = TypeVar("B", bound=Base)


KEYS = "batch_keys"
"""The bound parameter of a batch read's keys (`keyed`, `keys_of`)."""


def keyed(column: QueryableAttribute[Any], dialect: str) -> ColumnElement[bool]:
    """`column` among the keys bound at execution (`keys_of`): `column = ANY(array)` on
    PostgreSQL, one bound array whatever the count, an expanding IN list elsewhere. The
    statement then holds no keys, so it is built once per dialect and reused (hundreds of
    expanded parameters, and building and hashing the statement on every batch, cost more CPU
    than the rows they find; issue 14). One parameter of the array type, not text cast in the
    statement: a prepared statement's generic plan would run the cast for every row."""
    if dialect == "postgresql":
        return column == any_(bindparam(KEYS, type_=ARRAY(column.expression.type)))
    return column.in_(bindparam(KEYS, expanding=True))


def keys_of(keys: Sequence[Any]) -> dict[str, list[Any]]:
    """The execution parameters of a `keyed` statement for `keys` (a loader's batch: each
    key once already; a repeated key would find the same rows)."""
    return {KEYS: list(keys)}


def dialect_of(session: AsyncSession) -> str:
    """The name of the session's database dialect (postgresql, sqlite)."""
    return session.get_bind().dialect.name


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
