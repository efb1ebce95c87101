"""The plan of a selection for the fast path (`schema/fast_path.py`, issue 14): per field of a
selection set, what the fast path needs to answer it on every object, worked out once."""

from __future__ import annotations

from enum import EnumMeta
from functools import cache
from types import CoroutineType, GeneratorType
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLString,
)
from graphql.execution.collect_fields import FieldDetails
from prometheus_client import Counter

ResolveInfo = GraphQLResolveInfo[Any]
LEAF = "partnergraph_leaf"
"""The attribute of a lean attribute resolver of a scalar or enum field: (name, type, non-null)."""
BIND = "partnergraph_bind"
"""The attribute of a lean resolver that binds it to one resolve info and one set of
arguments: `bind(info, args)` returns a function of the source alone (`schema/lean.py`)."""


class FallbackError(Exception):
    """This operation needs graphql-core's own execution."""


FALLBACKS = Counter(
    "partnergraph_fast_path_fallbacks_total",
    "Queries the fast path gave back to graphql-core: `field_error` (a resolver raised: the "
    "answer has errors) or `unsupported` (a null for a non-null field, a wrong type, an "
    "abstract type it could not place, @defer, introspection).",
    ["reason"],
)


def count_fallback(error: BaseException) -> None:
    """Count a query given back to graphql-core."""
    FALLBACKS.labels("unsupported" if isinstance(error, FallbackError) else "field_error").inc()


PASSTHROUGH: dict[GraphQLLeafType, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
}
"""Scalars whose output coercion returns a value of exactly this Python type unchanged."""


class FieldPlan:
    """One response key of a selection set on one object type."""

    __slots__ = (
        "args",
        "call",
        "details",
        "field",
        "finish",
        "info",
        "leaf",
        "name",
        "nodes",
        "resolve",
        "same",
    )

    def __init__(
        self,
        name: str,
        leaf: tuple[str, GraphQLLeafType, bool] | None,
        field: GraphQLField | None,  # None: __typename
        details: list[FieldDetails],
        args: dict[str, Any],
        resolve: Any,  # the field's resolver (graphql-core's default where it has none)
    ) -> None:
        self.name = name
        self.leaf = leaf
        # a leaf's values of this type are answered as they are
        self.same = PASSTHROUGH.get(leaf[1]) if leaf is not None else None
        self.field = field
        self.details = details
        self.args = args
        self.nodes = [d.node for d in details]
        self.resolve = resolve
        # set by FastPath._bind before any value of the plan is completed
        self.info: ResolveInfo = None  # type: ignore[assignment]
        self.call: Any = None  # the resolver bound to `info` and `args`: source -> value
        self.finish: Any = None  # completes the resolver's value for the field's type


@cache
def enum_names(type_: GraphQLLeafType) -> tuple[type, dict[Any, Any]] | None:
    """A strawberry enum's Python class and the name its output coercion gives each member
    (it compares a member with every value in turn)."""
    wrapped = getattr(type_, "wrapped_cls", None)
    if not isinstance(type_, GraphQLEnumType) or not isinstance(wrapped, EnumMeta):
        return None
    members: list[Any] = list(wrapped)
    return wrapped, {member: type_.coerce_output_value(member) for member in members}


CAST = "__as_strawberry_type__"
"""Where `strawberry.cast` marks an object (strawberry.types.cast.TYPE_CAST_ATTRIBUTE)."""


def own_class(type_: GraphQLObjectType) -> type | None:
    """The class whose instances strawberry's own `is_type_of` for `type_` always accepts
    when they carry no cast (it then answers `isinstance` of its classes); None when the
    type has its own `is_type_of`, or none at all."""
    definition = type_.extensions.get("strawberry-definition")
    if type_.is_type_of is None or definition is None or definition.is_type_of is not None:
        return None
    origin = getattr(definition, "origin", None)
    return origin if isinstance(origin, type) else None


PLAIN: dict[type, bool] = {}


def plain(kind: type) -> bool:
    """Whether instances of `kind` are never awaitable and never exceptions (strawberry types,
    records, lists, enums): decided once per class (no `__await__`, no `__getattr__` or own
    attribute lookup that could make one, no exception or coroutine class)."""
    verdict = PLAIN.get(kind)
    if verdict is None:
        verdict = PLAIN[kind] = kind not in (CoroutineType, GeneratorType) and not any(
            "__await__" in vars(c)
            or "__getattr__" in vars(c)
            or ("__getattribute__" in vars(c) and c.__module__ != "builtins")
            or issubclass(c, BaseException)
            for c in kind.__mro__
        )
    return verdict
