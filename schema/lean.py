"""Lean resolvers (issue 14): the resolver graphql-core calls per field, without strawberry's
per-call wrapping where that wrapping does nothing.

Strawberry wraps every resolver in layers that convert arguments, chain field extensions and
handle exceptions, then call the function; for a field without arguments, field extensions or
exception handlers they only cost time (about a thousand calls per dashboard request). Such a
field gets a resolver that calls the function directly, with the same `self` and `Info` as
strawberry passes; a field without a resolver reads the attribute as strawberry's default
resolver does. Fields with arguments or extensions keep strawberry's resolver.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

Resolve = Callable[..., Any]


def _basic(name: str) -> Resolve:
    def resolve(source: Any, _info: Any) -> Any:
        return getattr(source, name)

    return resolve


def _lean(field: StrawberryField, info_class: type[Any]) -> Resolve | None:
    """A direct resolver for `field`, or None when strawberry's wrapping has work to do."""
    if field.extensions or field.arguments or field.is_subscription:
        return None
    resolver = field.base_resolver
    if resolver is None:
        return _basic(field.python_name) if field.default_resolver is getattr else None
    if resolver.parent_parameter is not None or resolver.root_parameter is not None:
        return None
    function = resolver.wrapped_func
    if not inspect.isfunction(function):
        return None  # a static or class method: leave the binding to strawberry
    takes_self = resolver.self_parameter is not None
    info = resolver.info_parameter
    if info is None:
        if takes_self:
            return lambda source, _info: function(source)
        return lambda _source, _info: function()
    name = info.name

    def resolve(source: Any, raw: Any) -> Any:
        wrapped = info_class(_raw_info=raw, _field=field)
        if takes_self:
            return function(source, **{name: wrapped})
        return function(**{name: wrapped})

    return resolve


def lean_resolvers(schema: strawberry.Schema) -> int:
    """Give every eligible object field its lean resolver; how many fields got one."""
    converter = schema.schema_converter
    if getattr(converter, "_exception_handler_specs", ()):
        return 0  # exception handlers wrap resolvers: keep strawberry's
    info_class = schema.config.info_class
    changed = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            resolve = _lean(field, info_class)
            if resolve is not None:
                graphql_field.resolve = resolve
                changed += 1
    return changed
