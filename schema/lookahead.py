"""Look-ahead: which fields a resolver's selection asks of its results.

A list resolver that awaits its rows anyway can then read what its items' fields need in the
same round of batches (programs, commissions), and those fields answer synchronously from the
loaders (no asyncio task per item; issue 14). Reading data nobody asked for would add
statements, so a resolver reads ahead only along the paths a query selects. Fragments count;
`@skip`/`@include` do not (reading ahead for a skipped field costs a statement, never a wrong
answer: the fields fall back to awaiting what is not loaded).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from schema.context import Info

Path = tuple[str, ...]


def selects(info: Info, *paths: Path) -> bool:
    """Whether the current field's selection reaches any of `paths` (GraphQL field names,
    e.g. `("nodes", "status")`)."""
    raw = info._raw_info
    sets = [node.selection_set for node in raw.field_nodes if node.selection_set]
    return any(
        next(_field_nodes(sets, path, raw.fragments), None) is not None for path in paths if path
    )


def under(prefixes: Iterable[Path], *paths: Path) -> list[Path]:
    """Every path of `paths` below each prefix (e.g. a connection's `nodes` and `edges.node`)."""
    return [prefix + path for prefix in prefixes for path in paths]


CONNECTION_NODES: tuple[Path, ...] = (("nodes",), ("edges", "node"))
"""Where a connection's items sit in its selection."""


def _field_nodes(
    sets: Iterable[SelectionSetNode], path: Path, fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    name, rest = path[0], path[1:]
    for selection_set in sets:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value != name:
                    continue
                if not rest:
                    yield selection
                elif selection.selection_set:
                    yield from _field_nodes([selection.selection_set], rest, fragments)
            elif isinstance(selection, InlineFragmentNode):
                yield from _field_nodes([selection.selection_set], path, fragments)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                # a spread with arguments (fragment variables) is not looked into: its fields'
                # arguments need the spread's own variables; they then await what they need
                if fragment is not None and not selection.arguments:
                    yield from _field_nodes([fragment.selection_set], path, fragments)


def _field_at(info: Info, path: Path) -> GraphQLField | None:
    type_: GraphQLOutputType = info._raw_info.return_type
    field = None
    for name in path:
        named = get_named_type(type_)
        if not isinstance(named, GraphQLObjectType) or name not in named.fields:
            return None
        field = named.fields[name]
        type_ = field.type
    return field


def arguments_at(info: Info, path: Path) -> list[dict[str, Any]]:
    """The arguments (Python names and values, as the field's resolver receives them) of each
    selection of the field at `path` below the current field (e.g. `("nodes", "referrals")`);
    none when the path names no field of an object type."""
    field = _field_at(info, path)
    if field is None:
        return []
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField):
        return []
    raw = info._raw_info
    schema = raw.schema._strawberry_schema  # type: ignore[attr-defined]
    given: Any = raw.variable_values  # strawberry hands resolvers the coerced dict
    variables = given if isinstance(given, VariableValues) else VariableValues({}, given)
    sets = [node.selection_set for node in raw.field_nodes if node.selection_set]
    found: list[dict[str, Any]] = []
    for node in _field_nodes(sets, path, raw.fragments):
        values = get_argument_values(field, node, variables)
        converted = convert_arguments(
            values,
            definition.arguments,
            scalar_registry=schema.schema_converter.scalar_registry,
            config=schema.config,
            info=info,
        )
        if converted not in found:
            found.append(converted)
    return found
