"""Admission of a GraphQL request against its key's budget: estimate, reserve, settle.

Before a request runs, its cost is estimated from the query (schema/cost.py) and reserved
atomically; a key out of points or with too many requests in flight gets 429 and nothing
runs. After it, the reservation is settled down to the actual cost: nothing for a refused
request (a query too costly or invalid), else the fields the answer holds, at most the
estimate (every field costs 1, as in the estimate, with real page sizes).
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.negotiation import decode_json
from api.ratelimit import RateLimit, RateStore, Standing
from schema.answers import count_fields
from schema.cost import operation_cost

ANSWER = "partnergraph.answer"
"""Request scope key: the executed answer before encoding (None for a batch)."""
ANSWER_FIELDS = "partnergraph.answer_fields"
"""Request scope key: the fields of the answer, when known without counting it again: counted
by the fast path as it answered (`answered`), or, for a response cache hit, when the entry was
stored. None when a request holds several answers (a batch)."""


def answered(scope: MutableMapping[str, Any], fields: int) -> None:
    """Keep the fields of an answer the request executed (`schema.context.Context.answered`)."""
    scope[ANSWER_FIELDS] = None if ANSWER_FIELDS in scope else fields


@dataclass
class Ticket:
    """A request admitted under a key: what it reserved."""

    key: str
    request_id: str
    reserved: int
    estimated: bool


@lru_cache(maxsize=512)
def _parse(query: str, max_tokens: int) -> DocumentNode | None:
    try:
        return parse(query, max_tokens=max_tokens)
    except (GraphQLError, RecursionError):
        return None


def request_params(request: Request, body: bytes) -> dict[str, Any] | None:
    """The GraphQL request parameters (query, operationName, variables), when readable."""
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        raw = params.get("variables")
        if isinstance(raw, str):
            decoded, problem = decode_json(raw.encode())
            params["variables"] = decoded if problem is None else None
        return params
    if request.headers.get("content-type", "").lower().startswith("multipart/"):
        return None
    decoded, problem = decode_json(body)
    return decoded if problem is None and isinstance(decoded, dict) else None


def rate_headers(current: Standing) -> dict[str, str]:
    """The X-RateLimit-* headers for a key's standing."""
    return {
        "x-ratelimit-limit": str(current.limit),
        "x-ratelimit-used": str(current.used),
        "x-ratelimit-remaining": str(current.remaining),
        "x-ratelimit-reset": str(int(current.resets_at.timestamp())),
    }


def refusal(code: str, message: str, retry_after: float, current: Standing | None) -> Response:
    """The 429 answer."""
    response = JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=429
    )
    if current is not None:
        response.headers.update(rate_headers(current))
    response.headers["retry-after"] = str(max(1, int(retry_after + 0.999)))
    return response


class Admission:
    """Rate limits and concurrency limits per API key (or access-token user)."""

    def __init__(
        self,
        limit: RateLimit,
        store: RateStore,
        schema: GraphQLSchema,
        max_cost: int,
        max_tokens: int = 5_000,
    ) -> None:
        self.limit = limit
        self.store = store
        self.schema = schema
        self.max_cost = max_cost
        self.max_tokens = max_tokens

    def estimate(self, request: Request, body: bytes) -> int | None:
        """The query's cost before it runs; None when it cannot be told (then 1 is reserved)."""
        params = request_params(request, body)
        query = params.get("query") if params else None
        if params is None or not isinstance(query, str):
            return None
        document = _parse(query, self.max_tokens)
        if document is None:
            return 0  # refused by the parser: costs nothing
        variables = params.get("variables")
        name = params.get("operationName")
        try:
            cost = operation_cost(
                self.schema,
                document,
                name if isinstance(name, str) else None,
                variables if isinstance(variables, dict) else {},
            )
        except (TypeError, ValueError, RecursionError, OverflowError):
            return None
        return 0 if cost > self.max_cost else cost  # refused before it runs: costs nothing

    async def admit(self, key_id: uuid.UUID, request: Request) -> Ticket | Response:
        """Reserve the request's estimated cost and a place in flight, or refuse with 429."""
        key = str(key_id)
        request_id = uuid.uuid4().hex
        estimate = self.estimate(request, await request.body())
        reserve = self.limit.clamp(1 if estimate is None else estimate)
        if not await self.store.enter(key, request_id):
            return refusal(
                "TOO_MANY_REQUESTS_IN_FLIGHT",
                f"the key already has {self.limit.max_in_flight} requests running; retry when "
                "one is answered",
                1,
                None,
            )
        current = await self.store.reserve(key, reserve)
        if not current.allowed:
            await self.store.leave(key, request_id)
            return refusal(
                "RATE_LIMITED",
                f"the key has {current.remaining} of its {current.limit} points left and this "
                f"query needs {reserve}; points come back at {current.limit} per "
                f"{self.limit.window_seconds} seconds (full at {current.resets_at.isoformat()})",
                current.retry_after,
                current,
            )
        return Ticket(key, request_id, reserve, estimate is not None)

    async def settle(
        self,
        ticket: Ticket,
        response: Response | None,
        answer: dict[str, Any] | None = None,
        fields: int | None = None,
    ) -> None:
        """Refund down to the actual cost, leave the in-flight count, and add the headers.

        `answer`: the response's body before encoding, when this request executed it (then
        its fields are counted without decoding the body again); `fields`: the fields of an
        answer served from the response cache, counted when it was stored."""
        try:
            actual = self._actual(ticket, response, answer, fields)
            if actual < ticket.reserved:
                current = await self.store.refund(ticket.key, ticket.reserved - actual)
            elif actual > ticket.reserved:  # cost unknown beforehand (e.g. an upload)
                current = await self.store.reserve(ticket.key, actual - ticket.reserved)
            else:
                current = await self.store.refund(ticket.key, 0)
        finally:
            await self.store.leave(ticket.key, ticket.request_id)
        if response is not None:
            response.headers.update(rate_headers(current))

    def _actual(
        self,
        ticket: Ticket,
        response: Response | None,
        answer: dict[str, Any] | None = None,
        fields: int | None = None,
    ) -> int:
        if response is None or response.headers.get("idempotent-replayed"):
            return 0
        if response.status_code != 200:
            fields = None  # refused or failed: what the body says
        if fields is not None and ticket.estimated:
            return min(ticket.reserved, max(1, fields))
        body: Any
        if answer is not None and answer.get("data") is not None and response.status_code == 200:
            body = answer  # what was encoded into the body (a decoded copy counts the same)
        else:
            body, _ = decode_json(bytes(response.body) if hasattr(response, "body") else b"")
        if not isinstance(body, dict) or "data" not in body:
            return 0  # refused before it ran
        counted = max(1, count_fields(body["data"]) if fields is None else fields)
        if ticket.estimated:
            return min(ticket.reserved, counted)
        reported = body.get("extensions", {}).get("cost", {}).get("requested")
        bound = reported if isinstance(reported, int) else counted
        return self.limit.clamp(min(bound, counted))


__all__ = ["Admission", "Ticket"]
