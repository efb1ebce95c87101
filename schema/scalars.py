"""Input checked at the scalar boundary: strings without control characters (but tab, line feed
and carriage return) or lone surrogates, timestamps with an offset that fit the calendar once in
UTC (issue 13: these reached the database and 500ed, or broke the documents they reached)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from rules.bounded_cache import BoundedCache

# NUL cannot be stored by PostgreSQL; the other C0 controls cannot be written in XML 1.0, so
# they would break every DOCX a text field reaches; lone surrogates are not text.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
REFUSED = "strings may not contain control characters (but tab and line ends) or lone surrogates"


def checked_string(value: Any) -> str:
    """A String input: refused when it holds a control character or a lone surrogate."""
    if not isinstance(value, str):
        raise ValueError(f"String cannot represent a non-string value: {str(value)[:40]!r}")
    if FORBIDDEN.search(value):
        raise ValueError(REFUSED)
    return value


def aware_datetime(value: Any) -> dt.datetime:
    """A DateTime input: ISO 8601 with an offset, within years 1..9999 in UTC."""
    if not isinstance(value, str):
        raise ValueError("DateTime is an ISO 8601 string with an offset, e.g. 2026-01-31T09:00:00Z")
    checked_string(value)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value[:40]!r} is not an ISO 8601 timestamp") from exc
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{value[:40]!r} has no offset: add Z or e.g. +02:00")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError(f"{value[:40]!r} is out of range once in UTC") from exc


def _serialize_datetime(value: dt.datetime) -> str:
    return value.isoformat()


AwareDateTime = strawberry.scalar(
    name="DateTime",
    description="An ISO 8601 timestamp with an offset (e.g. 2026-01-31T09:00:00Z).",
    serialize=_serialize_datetime,
    parse_value=aware_datetime,
)

SCALAR_MAP: dict[object, Any] = {dt.datetime: AwareDateTime}


def _bad_strings(document: Any, variables: Any) -> bool:
    stack: list[Any] = [variables]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if FORBIDDEN.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return document is not None and _bad_literals(document)


_LITERALS: BoundedCache[int, tuple[Any, bool]] = BoundedCache(512)


def _bad_literals(document: Any) -> bool:
    """Whether a parsed document's string literals hold a forbidden character, found once per
    document (parsed documents are cached and reused; issue 14)."""
    known = _LITERALS.entries.get(id(document))
    if known is not None and known[0] is document:
        return known[1]
    bad = any(FORBIDDEN.search(node.value) for node in _string_literals(document))
    _LITERALS.put(id(document), (document, bad))
    return bad


class _Collect(Visitor):
    """Collects the string literals of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        self.found.append(node)


def _string_literals(document: Any) -> list[StringValueNode]:
    collect = _Collect()
    visit(document, collect)
    return collect.found


class StringChecks(SchemaExtension):
    """Refuse every request whose strings (variables or literals) hold control characters or
    lone surrogates, before anything runs (BAD_USER_INPUT)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors and _bad_strings(
            context.graphql_document, context.variables
        ):
            context.pre_execution_errors = [
                GraphQLError(
                    REFUSED,
                    extensions={"code": "BAD_USER_INPUT"},
                )
            ]
        yield
