"""Lean resolvers (issue 14): the resolver graphql-core calls per field, without strawberry's
per-call wrapping where that wrapping does nothing.

Strawberry wraps every resolver in layers that convert arguments, chain field extensions and
handle exceptions, then call the function; for a field without arguments, field extensions or
exception handlers they only cost time (about a thousand calls per dashboard request). Such a
field gets a resolver that calls the function directly, with the same `self` and `Info` as
strawberry passes (arguments converted as strawberry converts them); a field without a
resolver reads the attribute as strawberry's default resolver does. Fields with extensions
keep strawberry's resolver.

`LeanExecutionContext` goes one step further for such attribute fields of a scalar or enum
type (most fields of a dashboard): it reads and serialises the value itself, without building
a resolve info and walking graphql-core's completion, and hands anything unusual (an error, a
null for a non-null field, another execution with middleware) to graphql-core's own path, which
then answers exactly as before.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from operator import attrgetter
from typing import Any

import strawberry
from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfoHelpers,
    Undefined,
    is_leaf_type,
)
from graphql.execution.executor import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from schema.fast_path import FastPath
from schema.fast_plan import BIND, LEAF, count_fallback
from schema.sql_path import SQL_FALLBACKS, compile_answer

Resolve = Callable[..., Any]


def _leaf(name: str, type_: GraphQLOutputType) -> tuple[str, GraphQLLeafType, bool] | None:
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return (name, inner, non_null) if is_leaf_type(inner) else None


def _bound(resolve: Resolve, bind: Callable[[Any, dict[str, Any]], Resolve]) -> Resolve:
    setattr(resolve, BIND, bind)
    return resolve


def _basic(name: str) -> Resolve:
    def resolve(source: Any, _info: Any) -> Any:
        return getattr(source, name)

    return _bound(resolve, lambda _info, _args: attrgetter(name))


def _lean(field: StrawberryField, schema: strawberry.Schema) -> Resolve | None:
    """A direct resolver for `field`, or None when strawberry's wrapping has work to do.

    Each carries a `BIND` function for the fast path: the resolver bound once to a resolve
    info and the arguments of a selection, then called with each source alone."""
    if field.extensions or field.is_subscription:
        return None
    resolver = field.base_resolver
    if resolver is None:
        if field.arguments or field.default_resolver is not getattr:
            return None
        return _basic(field.python_name)
    if resolver.parent_parameter is not None or resolver.root_parameter is not None:
        return None
    function = resolver.wrapped_func
    if not inspect.isfunction(function):
        return None  # a static or class method: leave the binding to strawberry
    takes_self = resolver.self_parameter is not None
    info_class = schema.config.info_class
    config = schema.config
    registry = schema.schema_converter.scalar_registry
    info = resolver.info_parameter
    name = info.name if info is not None else None
    arguments = field.arguments

    def call_with(raw: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments of the function: the field's arguments converted as
        strawberry converts them (its `get_arguments` without extensions), and the info."""
        if name is None and not arguments:
            return {}
        wrapped = info_class(_raw_info=raw, _field=field)
        converted = (
            convert_arguments(
                kwargs, arguments, scalar_registry=registry, config=config, info=wrapped
            )
            if arguments
            else {}
        )
        if name is not None:
            converted[name] = wrapped
        return converted

    def resolve(source: Any, raw: Any, **kwargs: Any) -> Any:
        if takes_self:
            return function(source, **call_with(raw, kwargs))
        return function(**call_with(raw, kwargs))

    def bind(raw: Any, kwargs: dict[str, Any]) -> Resolve:
        bound = call_with(raw, kwargs)
        if takes_self:
            return partial(function, **bound) if bound else function
        return lambda _source: function(**bound)

    return _bound(resolve, bind)


def lean_resolvers(schema: strawberry.Schema) -> int:
    """Give every eligible object field its lean resolver; how many fields got one."""
    converter = schema.schema_converter
    if getattr(converter, "_exception_handler_specs", ()):
        return 0  # exception handlers wrap resolvers: keep strawberry's
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            resolve = _lean(field, schema)
            if resolve is not None:
                if field.base_resolver is None:
                    setattr(resolve, LEAF, _leaf(field.python_name, graphql_field.type))
                graphql_field.resolve = resolve
                changed += 1
    return changed


def weak_helpers(executor: Executor[Any]) -> GraphQLResolveInfoHelpers:
    """graphql-core's helpers for resolvers (`info.async_helpers`), calling the executor
    through a weak reference: its own are its bound methods, kept in its attributes, a
    reference cycle that left every executor, and what it refers to (the answer, the request's
    scope), for the cyclic garbage collector instead of freeing them at once (issue 14). The
    executor outlives every resolver it runs."""
    ref = weakref.ref(executor)

    def gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
        alive = ref()
        assert alive is not None, "the executor has ended"
        return alive.gather_async_work(values)

    def track(values: Sequence[Any]) -> None:
        alive = ref()
        assert alive is not None, "the executor has ended"
        alive.track_async_work(values)

    return GraphQLResolveInfoHelpers(gather=gather, track=track)


class LeanExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with a short path for scalar and enum attributes, and
    queries answered by PostgreSQL alone (`schema.sql_path`) or run through
    `schema.fast_path.FastPath`."""

    fast_path = True
    """Whether queries try the fast path first (tests compare both ways)."""

    sql_path = True
    """Whether queries PostgreSQL can answer alone are answered so (`schema/sql_path.py`;
    only with `fast_path` on)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.async_helpers = weak_helpers(self)

    def settle_in_background(self, awaitables: list[Awaitable[Any]]) -> None:
        """graphql-core's background settling, also handed to the request's context, which
        waits for it before the request's session closes."""
        super().settle_in_background(awaitables)
        background = getattr(self.context_value, "background", None)
        if isinstance(background, set):
            background.update(self.background_futures)

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        position_context: Any,
    ) -> Any:
        """A query's root fields by one PostgreSQL statement when every field has a mirror
        (`schema/sql_path.py`), else (or when that fails) through `FastPath`; graphql-core's
        own execution for the rest, and again for a query the fast path gives up on
        (`schema/fast_path.py`)."""
        if (
            serially
            or position_context is not None
            or not self.fast_path
            or not _no_middleware(self)
        ):
            return super().execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )

        def slow() -> Any:
            return super(LeanExecutionContext, self).execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )

        by_sql = compile_answer(self, root_type, grouped_field_set) if self.sql_path else None
        if by_sql is None:
            return self._fast(root_type, root_value, grouped_field_set, slow)

        async def first_by_sql() -> Any:
            try:
                answer, fields = await by_sql()
            except Exception as error:
                SQL_FALLBACKS.labels(type(error).__name__).inc()
                again = self._fast(root_type, root_value, grouped_field_set, slow)
                return (await again) if self.is_awaitable(again) else again
            self._answered(fields)
            return answer

        return first_by_sql()

    def _fast(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        slow: Callable[[], Any],
    ) -> Any:
        fast = FastPath(self)
        try:
            result = fast.fields(
                root_type, root_value, None, fast.plan(root_type, grouped_field_set)
            )
        except Exception as error:
            fast.release()
            count_fallback(error)
            return slow()
        if not self.is_awaitable(result):
            fast.release()
            self._answered(fast.answered)
            return result

        async def settle() -> Any:
            try:
                answer = await result
            except Exception as error:
                count_fallback(error)
                again = slow()
                return (await again) if self.is_awaitable(again) else again
            finally:
                fast.release()
            self._answered(fast.answered)
            return answer

        return settle()

    def _answered(self, fields: int) -> None:
        report = getattr(self.context_value, "answered", None)
        if callable(report):
            report(fields)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        field_def = parent_type.fields.get(field_details_list[0].node.name.value)
        leaf = getattr(field_def.resolve, LEAF, None) if field_def is not None else None
        if leaf is not None and _no_middleware(self):
            name, type_, non_null = leaf
            value = getattr(source, name, Undefined)
            if value is None and not non_null:
                return None
            if value is not None and value is not Undefined and not isinstance(value, Exception):
                try:
                    coerced = type_.coerce_output_value(value)
                except Exception:
                    coerced = None
                if coerced is not None and coerced is not Undefined:
                    return coerced
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _no_middleware(context: LeanExecutionContext) -> bool:
    manager = context.middleware_manager
    return manager is None or getattr(manager, "_middleware_resolvers", None) is None
