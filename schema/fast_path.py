"""The fast path of a query (issue 14): the same answer as graphql-core's execution, with less
work per field, or none at all.

graphql-core spends most of an uncached dashboard's time on its own machinery: per field it
looks the field up, builds a path and a resolve info, coerces arguments, then walks the value's
type through `complete_value` with an error handler at every level. Within one request the
fields of a selection never change, so `FastPath` plans each selection set once per type: the
field definitions, their resolvers, their arguments (coerced once: the variables are fixed),
and for scalar and enum attributes the attribute to read (`schema/fast_plan.py`). It then runs
the plan over every object of that selection. A field with a resolver gets one resolve info
per selection, built for the first object it meets, and its resolver is bound to that info and
to its converted arguments once (`schema/lean.py`): resolvers read the context, selections and
variables, which every object shares; only graphql-core's own run, after a fallback, reports
paths. It counts the fields of the answer as it goes, for the edge to charge.

It answers only what it answers exactly as graphql-core would. Whatever else happens (a field
error, a null for a non-null field, a value of the wrong type, an abstract type it cannot
place, `@defer`, introspection) raises `FallbackError`: `LeanExecutionContext` then waits for the
work under way and runs the whole operation again through graphql-core, whose answer (errors,
paths, partial data) is the one returned. Only queries take it: their resolvers read, so a
second run sees the same data, mostly from the request's loaders.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import CoroutineType
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLAbstractType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

from schema.answers import count_fields
from schema.fast_plan import (
    BIND,
    CAST,
    LEAF,
    PASSTHROUGH,
    FallbackError,
    FieldPlan,
    enum_names,
    own_class,
    plain,
)
from schema.fast_settle import discard, filled

if TYPE_CHECKING:
    from schema.lean import LeanExecutionContext

Fields = Mapping[str, list[FieldDetails]]


At = tuple[Any, str | int, str | None] | None
"""Where a value is in the answer: (where its parent is, its key, its parent's type name) as a
plain tuple, which costs less to make than graphql-core's `Path` (a named tuple built by
Python code); `as_path` turns it into one for the one resolve info a selection gets."""

Finish = Callable[[Any, At], Any]
"""Completes a resolver's value for a field's type (`FastPath.complete`, specialised)."""


def as_path(at: At) -> Path | None:
    """graphql-core's path of the place `at`."""
    return None if at is None else Path(as_path(at[0]), at[1], at[2])


class FastPath:
    """Executes one query operation's selections; see the module's docstring."""

    def __init__(self, context: LeanExecutionContext) -> None:
        self.context = context
        self.is_awaitable = context.is_awaitable
        self.plans: dict[tuple[str, int], list[FieldPlan]] = {}
        self.answered = 0
        """Fields answered so far (what `schema.answers.count_fields` counts in the answer)."""
        self.subplans: dict[tuple[str, int], list[FieldPlan]] = {}

    def release(self) -> None:
        """Drop the plans once the operation is answered (or given back): each plan's bound
        resolver and finisher refer back to this object, a reference cycle that would keep the
        request's resolve infos, and through them its context, for the cyclic garbage
        collector instead of freeing them at once (issue 14)."""
        for plans in (*self.plans.values(), *self.subplans.values()):
            for plan in plans:
                plan.call = plan.finish = None
                plan.info = None  # type: ignore[assignment]
        self.plans.clear()
        self.subplans.clear()

    def plan(self, parent_type: GraphQLObjectType, fields: Fields) -> list[FieldPlan]:
        """The plan of a grouped field set on `parent_type`, made once per request."""
        key = (parent_type.name, id(fields))
        found = self.plans.get(key)
        if found is not None:
            return found
        context = self.context
        plans = []
        for name, details in fields.items():
            first = details[0]
            if first.fragment_variable_values is not None:
                raise FallbackError
            node = first.node
            field_name = node.name.value
            if field_name == "__typename":
                plans.append(FieldPlan(name, None, None, details, {}, None))
                continue
            field = parent_type.fields.get(field_name)
            if field is None:
                raise FallbackError  # introspection
            leaf = getattr(field.resolve, LEAF, None)
            args = (
                get_argument_values(field, node, context.variable_values)
                if field.args or node.arguments
                else {}
            )
            resolve = field.resolve or context.field_resolver
            plans.append(FieldPlan(name, leaf, field, details, args, resolve))
        self.plans[key] = plans
        return plans

    def fields(
        self, parent_type: GraphQLObjectType, source: Any, path: At, plans: list[FieldPlan]
    ) -> Any:
        """The response map of the planned fields on `source` (or an awaitable of it)."""
        results: dict[str, Any] = {}
        waiting: list[str] = []
        try:
            for plan in plans:
                name = plan.name
                leaf = plan.leaf
                if leaf is not None:
                    value = getattr(source, leaf[0], Undefined)
                    if type(value) is plan.same:
                        results[name] = value
                        continue
                    if value is None:
                        if leaf[2]:
                            raise FallbackError
                        results[name] = None
                        continue
                    if value is Undefined or isinstance(value, Exception):
                        raise FallbackError
                    results[name] = self._coerce(leaf[1], value)
                    continue
                field = plan.field
                if field is None:
                    results[name] = parent_type.name
                    continue
                call = plan.call
                field_path = (path, name, parent_type.name)
                if call is None:
                    call = self._bind(plan, parent_type, field_path)
                completed = plan.finish(call(source), field_path)
                results[name] = completed
                if type(completed) is CoroutineType:
                    waiting.append(name)
        except BaseException:
            discard(results[name] for name in waiting)
            raise
        self.answered += len(results)
        return filled(results, waiting)

    def _bind(
        self, plan: FieldPlan, parent_type: GraphQLObjectType, path: tuple[Any, str, str]
    ) -> Any:
        """The plan's resolver bound to one resolve info (built for the first object the plan
        meets: resolvers read its context, selections and variables, which every object of the
        plan shares) and to the plan's arguments."""
        assert plan.field is not None
        info = self.context.build_resolve_info(
            plan.field,
            plan.nodes,
            parent_type,
            Path(as_path(path[0]), path[1], path[2]),
        )
        bind = getattr(plan.resolve, BIND, None)
        if bind is not None:
            call = bind(info, plan.args)
        else:
            resolve, args = plan.resolve, plan.args

            def call(source: Any) -> Any:
                return resolve(source, info, **args)

        plan.info = info
        plan.finish = self._finisher(plan.field.type, plan)
        plan.call = call
        return call

    def _finisher(self, type_: GraphQLOutputType, plan: FieldPlan) -> Finish:
        """`complete` for `type_`, with a shortcut for the values a resolver usually gives
        (a list, an object of a plain class, a string, an enum member): each shortcut answers
        exactly as `complete` would, and any other value takes `complete` itself."""

        def generic(value: Any, path: At) -> Any:
            return self.complete(type_, plan, value, path)

        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            items = self._finisher(inner.of_type, plan)

            def finish_list(value: Any, path: At) -> Any:
                if type(value) is list:
                    return self._items(items, value, path)
                return generic(value, path)

            return finish_list
        if isinstance(inner, GraphQLObjectType):
            is_type_of = inner.is_type_of
            own = own_class(inner)  # whose instances is_type_of accepts, when not cast
            known: type | None = None  # the class of the last value, once found plain
            plans: list[FieldPlan] | None = None  # the selection's plans, once made

            def finish_object(value: Any, path: At) -> Any:
                nonlocal known, plans
                if type(value) is not known:
                    if value is None or not plain(type(value)):
                        return generic(value, path)
                    known = type(value)
                if (
                    is_type_of is not None
                    and (type(value) is not own or CAST in getattr(value, "__dict__", ()))
                    and is_type_of(value, plan.info) is not True
                ):
                    raise FallbackError  # False, or an awaitable: graphql-core's own path
                if plans is None:
                    plans = self.subplan(inner, plan)
                return self.fields(inner, value, path, plans)

            return finish_object
        members = enum_names(inner) if isinstance(inner, GraphQLLeafType) else None
        if members is not None:
            member_class, names = members

            def finish_member(value: Any, path: At) -> Any:
                if type(value) is member_class:
                    return names[value]
                return generic(value, path)

            return finish_member
        same = PASSTHROUGH.get(inner) if isinstance(inner, GraphQLLeafType) else None
        if same is not None:

            def finish_same(value: Any, path: At) -> Any:
                return value if type(value) is same else generic(value, path)

            return finish_same
        return generic

    def _coerce(self, type_: GraphQLLeafType, value: Any) -> Any:
        members = enum_names(type_)
        if members is not None and type(value) is members[0]:
            return members[1][value]
        coerced = type_.coerce_output_value(value)
        if coerced is None or coerced is Undefined:
            raise FallbackError
        if isinstance(coerced, dict | list):
            self.answered += count_fields(coerced)
        return coerced

    def complete(self, type_: GraphQLOutputType, plan: FieldPlan, value: Any, path: At) -> Any:
        """`value` completed for `type_` as graphql-core's `complete_value` would; a
        coroutine when it waits for something (nothing else this returns is awaitable)."""
        if self.is_awaitable(value):
            return self._complete_later(type_, plan, value, path)
        if isinstance(value, Exception):
            raise FallbackError
        if isinstance(type_, GraphQLNonNull):
            if value is None or value is Undefined:
                raise FallbackError
            type_ = type_.of_type
        elif value is None or value is Undefined:
            return None
        if isinstance(type_, GraphQLList):
            return self._list(type_.of_type, plan, value, path)
        if isinstance(type_, GraphQLObjectType):
            return self._object(type_, plan, value, path)
        if isinstance(type_, GraphQLAbstractType):
            return self._object(self._runtime_type(type_, plan, value), plan, value, path)
        return self._coerce(type_, value)

    async def _complete_later(
        self, type_: GraphQLOutputType, plan: FieldPlan, value: Awaitable[Any], path: At
    ) -> Any:
        completed = self.complete(type_, plan, await value, path)
        return (await completed) if type(completed) is CoroutineType else completed

    def _list(self, item_type: GraphQLOutputType, plan: FieldPlan, value: Any, path: At) -> Any:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise FallbackError
        return self._items(lambda item, at: self.complete(item_type, plan, item, at), value, path)

    @staticmethod
    def _items(finish: Finish, value: Iterable[Any], path: At) -> Any:
        items: list[Any] = []
        waiting: list[int] = []
        try:
            for index, item in enumerate(value):
                completed = finish(item, (path, index, None))
                if type(completed) is CoroutineType:
                    waiting.append(index)
                items.append(completed)
        except BaseException:
            discard(items[index] for index in waiting)
            raise
        return filled(items, waiting)

    def _object(self, type_: GraphQLObjectType, plan: FieldPlan, value: Any, path: At) -> Any:
        if type_.is_type_of is not None and type_.is_type_of(value, plan.info) is not True:
            raise FallbackError  # False, or an awaitable: graphql-core's own path
        return self.fields(type_, value, path, self.subplan(type_, plan))

    def subplan(self, type_: GraphQLObjectType, plan: FieldPlan) -> list[FieldPlan]:
        """The plans of the selection under `plan` on `type_`, made once per request."""
        key = (type_.name, id(plan.details))
        plans = self.subplans.get(key)
        if plans is None:
            fields, deferred, _forbidden = self.context.collect_subfields(type_, plan.details)
            if deferred:
                raise FallbackError
            plans = self.subplans[key] = self.plan(type_, fields)
        return plans

    def _runtime_type(
        self, type_: GraphQLAbstractType, plan: FieldPlan, value: Any
    ) -> GraphQLObjectType:
        resolve_type = type_.resolve_type or self.context.type_resolver
        name = resolve_type(value, plan.info, type_)
        if not isinstance(name, str):
            raise FallbackError
        runtime = self.context.schema.get_type(name)
        if not isinstance(runtime, GraphQLObjectType) or not self.context.schema.is_sub_type(
            type_, runtime
        ):
            raise FallbackError
        return runtime
