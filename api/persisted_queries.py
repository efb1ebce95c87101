"""Automatic persisted queries (Apollo's APQ protocol) over GET and POST.

A client sends `extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}` instead
of the document. An unknown hash answers PERSISTED_QUERY_NOT_FOUND (HTTP 200, message
`PersistedQueryNotFound`, as Apollo clients expect); the client then sends the document with
its hash once, which is checked and remembered (per process, least recently used first out).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlencode

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


@dataclass(frozen=True)
class Persisted:
    """A persisted document: its hash and the type of each of its operations."""

    sha256: str
    query: str
    operations: tuple[tuple[str | None, OperationType], ...]

    def is_query(self, operation_name: str | None) -> bool:
        """Whether the operation the request selects is a query (only those are cached)."""
        chosen = [t for name, t in self.operations if operation_name in (None, name)]
        return len(chosen) >= 1 and chosen[0] is OperationType.QUERY


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def _operations(query: str) -> tuple[tuple[str | None, OperationType], ...]:
    try:
        document = parse(query)
    except GraphQLError:
        return ()
    return tuple(
        (d.name.value if d.name else None, d.operation)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )


class PersistedQueries:
    """The documents clients registered by hash (in memory, per worker)."""

    def __init__(self, capacity: int = 5000) -> None:
        self.capacity = capacity
        self._documents: OrderedDict[str, Persisted] = OrderedDict()

    def _remember(self, sha256: str, query: str) -> Persisted:
        found = self._documents.get(sha256)
        if found is None:
            found = Persisted(sha256, query, _operations(query))
            self._documents[sha256] = found
            while len(self._documents) > self.capacity:
                self._documents.popitem(last=False)
        self._documents.move_to_end(sha256)
        return found

    def _lookup(self, params: dict[str, object]) -> tuple[Persisted | None, Response | None]:
        extensions = params.get("extensions")
        if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
            return None, None
        asked = extensions["persistedQuery"]
        if not isinstance(asked, dict) or asked.get("version") != 1:
            return None, _error(
                400, "PERSISTED_QUERY_NOT_SUPPORTED", "persisted query version 1 only"
            )
        sha256 = asked.get("sha256Hash")
        if not isinstance(sha256, str) or len(sha256) != 64:
            return None, _error(400, "BAD_REQUEST", "`sha256Hash` is 64 hexadecimal digits")
        sha256 = sha256.lower()
        query = params.get("query")
        if isinstance(query, str) and query:
            if hashlib.sha256(query.encode()).hexdigest() != sha256:
                return None, _error(
                    400, "PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query"
                )
            return self._remember(sha256, query), None
        found = self._documents.get(sha256)
        if found is None:
            return None, _error(200, NOT_FOUND, "PersistedQueryNotFound")
        self._documents.move_to_end(sha256)
        return found, None

    async def resolve(self, request: Request) -> tuple[Request, Persisted | None, Response | None]:
        """The request with its document filled in, the persisted document, or a refusal."""
        if request.method == "GET":
            params: dict[str, object] = dict(request.query_params)
            raw = request.query_params.get("extensions")
            if not raw:
                return request, None, None
            try:
                params["extensions"] = json.loads(raw)
            except ValueError:
                return request, None, _error(400, "BAD_REQUEST", "`extensions` is not JSON")
            found, refusal = self._lookup(params)
            if found is None or request.query_params.get("query"):
                return request, found, refusal
            pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "query"]
            scope = dict(request.scope)
            scope["query_string"] = urlencode([*pairs, ("query", found.query)]).encode()
            return Request(scope, request.receive), found, None
        if not request.headers.get("content-type", "").lower().startswith("application/"):
            return request, None, None
        body = await request.body()
        if b"persistedQuery" not in body:
            return request, None, None
        try:
            data = json.loads(body)
        except ValueError:
            return request, None, None  # the view answers malformed JSON
        if not isinstance(data, dict):
            return request, None, None
        found, refusal = self._lookup(data)
        if found is not None and not data.get("query"):
            data["query"] = found.query
            request._body = json.dumps(data).encode()
        return request, found, refusal
