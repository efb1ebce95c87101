"""Per request: a request id, one log line, Prometheus figures, and errorIds for crashes.

A pure ASGI middleware, so the GraphQL view stays unaware of it: it reads the GraphQL operation
name from the request body as the view reads it, and the outcome and query cost from the JSON
answer (`extensions.cost`).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics
from api.auth.jwt import looks_like_jwt
from api.log_config import REQUEST_ID
from services.apikeys.keys import split_token

log = logging.getLogger("partnergraph.request")
errors = logging.getLogger("partnergraph.errors")

GRAPHQL_PATH = "/graphql"
# Operation names are chosen by clients: only so many distinct ones become metric labels.
MAX_OPERATION_LABELS = 500
_operation_labels: set[str] = set()
CAPTURE_LIMIT = 2 * 1024 * 1024
NAMED_OPERATION = re.compile(r"^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


@dataclass
class _Exchange:
    """What the middleware learns while a request passes through."""

    request_body: bytearray = field(default_factory=bytearray)
    response_body: bytearray = field(default_factory=bytearray)
    status: int = 0
    started: bool = False
    json_answer: bool = False
    summary: dict[str, Any] = field(default_factory=dict)


SUMMARY = "partnergraph.answer_summary"
"""Request scope key: where the GraphQL view leaves its answer's errors and extensions, so the
request's log line and metrics need not decode the encoded body again (issue 14)."""


def report_answer(scope: Scope, answer: dict[str, Any] | None) -> None:
    """Leave an answer's errors and extensions for the request's telemetry; a request with
    several answers (a batch) leaves none, and its body is read instead."""
    summary = scope.get(SUMMARY)
    if not isinstance(summary, dict):
        return
    if "answer" in summary or answer is None:
        summary["answer"] = None
        return
    summary["answer"] = {"errors": answer.get("errors"), "extensions": answer.get("extensions")}


def operation_name(scope: Scope, body: bytes) -> str:
    """The GraphQL operation a request names (`anonymous` when it names none)."""
    if scope.get("path") != GRAPHQL_PATH:
        return ""
    params: Any = {}
    if scope.get("method") == "GET":
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        params = {k: v[0] for k, v in query.items()}
    else:
        try:
            decoded = json.loads(body) if body else {}
        except (ValueError, RecursionError):
            decoded = {}
        params = decoded if isinstance(decoded, dict) else {}
    named = params.get("operationName")
    if isinstance(named, str) and named:
        return named[:100]
    query = params.get("query")
    match = NAMED_OPERATION.match(query) if isinstance(query, str) else None
    return match.group(1) if match else "anonymous"


def key_prefix(scope: Scope) -> str:
    """The visible prefix of the API key (never the secret), `jwt` for a token, or ``."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            token = value[7:].decode("latin-1").strip()
            if looks_like_jwt(token):
                return "jwt"
            parts = split_token(token)
            return parts[0] if parts else "invalid"
    return ""


def outcome(status: int, answer: Any) -> tuple[str, int | None]:
    """ok, graphql_error, error, unauthenticated, rate_limited or bad_request; and the cost."""
    cost = None
    codes: set[str] = set()
    if isinstance(answer, dict):
        reported = (answer.get("extensions") or {}).get("cost", {})
        if isinstance(reported, dict) and isinstance(reported.get("requested"), int):
            cost = reported["requested"]
        for error in answer.get("errors") or []:
            if isinstance(error, dict):
                codes.add(str((error.get("extensions") or {}).get("code", "")))
    if status == 401:
        return "unauthenticated", cost
    if status == 429:
        return "rate_limited", cost
    if status >= 500 or "INTERNAL_SERVER_ERROR" in codes:
        return "error", cost
    if status >= 400:
        return "bad_request", cost
    return ("graphql_error" if codes else "ok"), cost


class RequestTelemetry:
    """Wraps the whole application (inside CORS, outside every route)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/metrics":
            await self.app(scope, receive, send)
            return
        request_id = _ensure_request_id(scope)
        REQUEST_ID.set(request_id)
        exchange = _Exchange()
        scope[SUMMARY] = exchange.summary  # shared by copies of the scope made downstream
        started = time.perf_counter()

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(exchange.request_body) < CAPTURE_LIMIT:
                exchange.request_body.extend(message.get("body", b""))
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.started = True
                exchange.status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
                content_type = dict(headers).get(b"content-type", b"")
                exchange.json_answer = b"json" in content_type
            elif (
                message["type"] == "http.response.body"
                and exchange.json_answer
                and len(exchange.response_body) < CAPTURE_LIMIT
            ):
                exchange.response_body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except Exception:
            error_id = uuid.uuid4().hex[:16]
            errors.exception(
                "unexpected error %s",
                error_id,
                extra={"errorId": error_id, "request_id": request_id},
            )
            if not exchange.started:
                await _crash_answer(sending, error_id)
            exchange.status = 500
        self._record(scope, exchange, request_id, time.perf_counter() - started)

    def _record(self, scope: Scope, exchange: _Exchange, request_id: str, seconds: float) -> None:
        route = _route(scope)
        operation = operation_name(scope, bytes(exchange.request_body))
        answer = exchange.summary.get("answer")
        if answer is None:
            try:
                answer = json.loads(exchange.response_body) if exchange.response_body else None
            except ValueError:
                answer = None
        result, cost = outcome(exchange.status, answer)
        label = _operation_label(operation, result)
        metrics.REQUESTS.labels(route, label, result).inc()
        metrics.LATENCY.labels(route, label).observe(seconds)
        if cost is not None:
            metrics.QUERY_COST.labels(label).observe(cost)
        if exchange.status == 429:
            metrics.RATE_LIMITED.inc()
        fields = {
            "request_id": request_id,
            "method": scope.get("method", ""),
            "path": scope.get("path", ""),
            "operation": operation,
            "key_prefix": key_prefix(scope),
            "status": exchange.status,
            "duration_ms": round(seconds * 1000, 2),
            "cost": cost,
            "outcome": result,
        }
        log.info(
            "%s %s %s %s in %.1f ms (%s)",
            fields["method"],
            fields["path"],
            operation or "-",
            exchange.status,
            seconds * 1000,
            result,
            extra=fields,
        )


def _operation_label(operation: str, result: str) -> str:
    """The operation as a metric label: `-` for unauthenticated callers, `other` past the cap."""
    if result == "unauthenticated":
        return "-"
    if operation in _operation_labels or not operation:
        return operation
    if len(_operation_labels) >= MAX_OPERATION_LABELS:
        return "other"
    _operation_labels.add(operation)
    return operation


def _route(scope: Scope) -> str:
    path = str(scope.get("path", ""))
    if path.startswith("/documents/"):
        return "/documents/{id}"
    if path in (GRAPHQL_PATH, "/healthz", "/"):
        return path
    if path.startswith("/graphiql/"):
        return "/graphiql"
    return "other"


def _ensure_request_id(scope: Scope) -> str:
    """The caller's X-Request-Id (at most 64 characters) or a new one, seen by every layer."""
    headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
    given = next((v.decode("latin-1") for k, v in headers if k == b"x-request-id"), "")[:64]
    request_id = given or uuid.uuid4().hex
    scope["headers"] = [(k, v) for k, v in headers if k != b"x-request-id"] + [
        (b"x-request-id", request_id.encode())
    ]
    return request_id


async def _crash_answer(send: Send, error_id: str) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "INTERNAL_SERVER_ERROR",
                "message": f"Internal error. Quote error id {error_id} when reporting it.",
                "errorId": error_id,
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
