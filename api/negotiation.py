"""GraphQL over HTTP: media types, request checks and status codes (the GraphQL-over-HTTP spec)."""

from __future__ import annotations

import json
from typing import Any

import orjson

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE, JSON)
PREFLIGHT_HEADER = "graphql-require-preflight"


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when nothing acceptable is offered.

    Clients that name no type (no Accept header, `*/*`, `application/*`) get the legacy
    application/json, as the GraphQL-over-HTTP watershed rules ask; clients that ask for
    application/graphql-response+json get it.
    """
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        quality = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if media in ("*/*", "application/*"):
            choice = JSON
        elif media in SUPPORTED:
            choice = media
        else:
            continue
        rank = (quality, -position, choice)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return None if best is None else best[2]


def content_type_problem(content_type: str | None, headers: dict[str, str]) -> str | None:
    """Why a POST body's content type is refused (415), or None.

    JSON (UTF-8) is the request format. multipart/form-data (file uploads) is a "simple"
    content type a browser form can send across sites, so it also needs the
    `GraphQL-Require-Preflight` header, which forces a CORS preflight (CSRF).
    """
    if not content_type:
        return "send Content-Type: application/json"
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media == JSON:
        charset = [
            p.split("=", 1)[1].strip().strip('"').lower()
            for p in params.split(";")
            if p.strip().lower().startswith("charset=")
        ]
        if charset and charset[0] not in ("utf-8", "utf8"):
            return "only the utf-8 charset is accepted"
        return None
    if media == "multipart/form-data":
        if PREFLIGHT_HEADER not in headers:
            return (
                "multipart uploads need the GraphQL-Require-Preflight header "
                "(cross-site request protection)"
            )
        return None
    return f"{media} is not accepted: send application/json"


def params_problem(body: Any) -> str | None:
    """Why a decoded GraphQL-over-HTTP request body is malformed (400), or None."""
    if isinstance(body, list):
        return "batched requests are not accepted; send one operation per request"
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        return "`query` must be a non-empty string"
    if body.get("operationName") is not None and not isinstance(body["operationName"], str):
        return "`operationName` must be a string"
    for name in ("variables", "extensions"):
        if body.get(name) is not None and not isinstance(body[name], dict):
            return f"`{name}` must be an object"
    return None


def encode_json(value: object) -> bytes:
    """`value` as compact UTF-8 JSON, written by orjson (a dashboard's 70 KB answer took the
    standard encoder about 1.5 ms of CPU; issue 14): the same JSON as `json.dumps` with
    compact separators, non-ASCII characters written as themselves rather than `\\u` escapes
    and keys that are not strings written as strings. What orjson refuses (an integer beyond
    64 bits) the standard library writes."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), default=_fragment).encode()


def _fragment(value: object) -> Any:
    """A JSON value written elsewhere (`orjson.Fragment`: an answer PostgreSQL wrote,
    `schema/sql_path.py`), decoded for the standard library's encoder."""
    if isinstance(value, orjson.Fragment):
        return json.loads(value.contents)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def decode_json(raw: bytes) -> tuple[Any, str | None]:
    """The JSON value of a body, or why it is not JSON."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"the body is not valid UTF-8 JSON: {exc}"
    except RecursionError:
        return None, f"the body nests deeper than {MAX_JSON_DEPTH} levels"
    if _depth_over(value, MAX_JSON_DEPTH):
        return None, f"the body nests deeper than {MAX_JSON_DEPTH} levels"
    return value, None


MAX_JSON_DEPTH = 64


def _depth_over(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


REQUEST_ERROR_STATUS = {
    "GRAPHQL_PARSE_FAILED": 400,
    "GRAPHQL_VALIDATION_FAILED": 400,
    "QUERY_TOO_COSTLY": 400,
    "QUERY_TOO_LARGE": 400,
    "BAD_USER_INPUT": 400,
}


def graphql_response_status(body: dict[str, Any]) -> int:
    """The status of an application/graphql-response+json answer.

    Requests that never executed (no `data`): parse, validation, variable-coercion and limit
    failures are 400 (the GraphQL-over-HTTP audit asks 400 for all of them). Everything that
    executed is 200.
    """
    if body.get("data") is not None or not body.get("errors"):
        return 200
    codes = [e.get("extensions", {}).get("code") for e in body["errors"]]
    statuses = [REQUEST_ERROR_STATUS[c] for c in codes if c in REQUEST_ERROR_STATUS]
    return max(statuses) if statuses else 200
