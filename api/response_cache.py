"""A response cache for persisted queries, invalidated by every committed write.

An answer is kept under the document's hash, the variables and operation name, the caller
(API key, role, partner) and every program's today (statuses change with the date), with the
data versions (`models.versions`) of the tables its execution read. It is served again only
while those versions are unchanged: a write to any table the answer read raises that table's
version in the write's own transaction, so a cached answer never shows a fact older than the
last committed write. Versions are read before the query runs, so what is stored is at least
as new as the versions it is filed under. Per worker, in memory, least recently used first out.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from api.admission import ANSWER, ANSWER_FIELDS
from api.persisted_queries import Persisted
from api.request_telemetry import report_answer
from models import Program
from models.versions import READ_TABLES, read_versions
from schema.answers import count_fields
from services.actor import Actor
from services.partners.memberships import program_today

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Entry:
    """A stored answer and the versions of the tables it read."""

    versions: tuple[tuple[str, int], ...]
    body: bytes
    status: int
    media_type: str
    fields: int  # the answer's fields, as the admission counts them
    extensions: Any  # the answer's extensions (its cost), for the request's telemetry


class ResponseCache:
    """Answers of persisted queries, per worker."""

    def __init__(self, capacity: int = 2000) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._programs: tuple[int, list[Program]] = (-1, [])
        self.hits = 0
        self.misses = 0

    async def _todays(
        self, session: AsyncSession, version: int
    ) -> tuple[tuple[uuid.UUID, date], ...]:
        if self._programs[0] != version:
            rows = list(await session.scalars(select(Program).order_by(Program.id)))
            self._programs = (version, rows)
        return tuple((p.id, program_today(p)) for p in self._programs[1])

    @staticmethod
    async def _arguments(request: Request) -> str:
        if request.method == "GET":
            params = request.query_params
            return json.dumps([params.get("variables"), params.get("operationName")])
        data = json.loads(await request.body())
        variables = json.dumps(data.get("variables"), sort_keys=True)
        return json.dumps([variables, data.get("operationName")])

    async def run(
        self,
        session: AsyncSession,
        actor: Actor,
        request: Request,
        persisted: Persisted,
        media_type: str,
        execute: Callable[[], Awaitable[Response]],
    ) -> Response:
        """Serve the answer from the cache while it is current, else execute and keep it."""
        versions = await read_versions(session)
        todays = await self._todays(session, versions.get("programs", 0))
        caller = (actor.key_id, actor.role, actor.partner_id)
        key = (persisted.sha256, await self._arguments(request), caller, todays, media_type)
        entry = self._entries.get(key)
        if entry is not None and all(versions.get(t, 0) == v for t, v in entry.versions):
            self._entries.move_to_end(key)
            self.hits += 1
            request.scope[ANSWER_FIELDS] = entry.fields
            report_answer(request.scope, {"extensions": entry.extensions})
            return Response(
                entry.body,
                status_code=entry.status,
                media_type=entry.media_type,
                headers={"x-cache": "hit"},
            )
        self.misses += 1
        read: set[str] = set()
        session.sync_session.info[READ_TABLES] = read
        try:
            response = await execute()
        finally:
            session.sync_session.info.pop(READ_TABLES, None)
        body = bytes(getattr(response, "body", b""))
        answer = request.scope.get(ANSWER)
        data = answer.get("data") if isinstance(answer, dict) else None
        if (
            response.status_code == 200
            and read
            and "*" not in read
            and b'"errors"' not in body
            and data is not None
        ):
            fields = request.scope.get(ANSWER_FIELDS)
            if fields is None:
                fields = request.scope[ANSWER_FIELDS] = count_fields(data)
            self._entries[key] = Entry(
                tuple((t, versions.get(t, 0)) for t in sorted(read)),
                body,
                response.status_code,
                response.media_type or response.headers.get("content-type", "application/json"),
                fields,
                answer.get("extensions") if isinstance(answer, dict) else None,
            )
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        response.headers["x-cache"] = "miss"
        return response
