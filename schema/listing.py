"""Lists as Relay connections: one keyset page of a SELECT, its total count read on demand."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Hashable, Sequence
from enum import Enum
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Select
from sqlalchemy.orm import QueryableAttribute

from models.paging import OrderColumn, Page, PageRequest, count, fetch_page
from models.records import Columns
from schema.context import Info
from schema.errors import CodedError
from schema.pagination import Connection, Slice, build_connection, page_request

N = TypeVar("N")


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


async def connection(
    info: Info,
    query: Select[Any],
    columns: list[OrderColumn],
    request: PageRequest,
    order: str,
    key: Callable[[Any], Sequence[Any]],
    wrap: Callable[[Any], N],
    *,
    descending: bool = False,
    entity: Columns[Any] | None = None,
    reuse: Hashable | None = None,
) -> Connection[N]:
    """One page of `query` ordered by `columns` (the last one unique), as a Connection; its
    rows read as plain records of `entity`'s columns when given; `reuse` names the query and
    order for the page's statement to be reused (`fetch_page`)."""
    page: Page[Any] = await info.context.loaders.read(
        lambda s: fetch_page(
            s, query, columns, request, descending=descending, entity=entity, reuse=reuse
        )
    )
    return build_connection(
        page, order, key, wrap, lambda: info.context.loaders.read(lambda s: count(s, query))
    )


def parse_time_key(raw: list[Any]) -> tuple[Any, ...]:
    """A (timestamp, ID) cursor key; INVALID_CURSOR when it is not one this API issued."""
    try:
        return (dt.datetime.fromisoformat(raw[0]), uuid.UUID(str(raw[1])))
    except (TypeError, ValueError) as exc:
        raise CodedError("INVALID_CURSOR", "the cursor is not one this API issued") from exc


async def time_connection(
    info: Info,
    page_args: Slice,
    query: Select[Any],
    at: QueryableAttribute[Any],
    ident: QueryableAttribute[Any],
    wrap: Callable[[Any], N],
    *,
    descending: bool = True,
) -> Connection[N]:
    """A page of `query` ordered by the timestamp column `at`, ties broken by ID."""
    order = f"{at.key}:{'desc' if descending else 'asc'}"
    request = page_request(page_args, order, 2, parse_time_key)
    return await connection(
        info,
        query,
        [at, ident],
        request,
        order,
        lambda row: (getattr(row, at.key).isoformat(), str(row.id)),
        wrap,
        descending=descending,
    )
