"""Query cost: every field costs 1, and a connection multiplies what it contains by its page
size (`first`/`last`, default 20); `nodes(ids:)` by the number of IDs. The cost is reported in
`extensions.cost`; a query over the limit is refused before it runs (QUERY_TOO_COSTLY)."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from rules.bounded_cache import BoundedCache, variables_key
from schema.pagination import DEFAULT_PAGE

MAX_COST = 20_000


def _argument(node: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            return list(value.values)
    return None


def _multiplier(node: FieldNode, type_name: str, variables: dict[str, Any]) -> int:
    if type_name.endswith("Connection"):
        size = _argument(node, "first", variables) or _argument(node, "last", variables)
        if isinstance(size, float) and size.is_integer():
            size = int(size)  # graphql-core takes 100.0 for the Int 100
        return max(1, int(size)) if isinstance(size, int) else DEFAULT_PAGE
    if node.name.value == "nodes":
        ids = _argument(node, "ids", variables)
        return max(1, len(ids)) if isinstance(ids, list) else 1
    return 1


def selection_cost(
    schema: GraphQLSchema,
    parent: Any,
    selections: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    """The cost of a selection set on `parent`."""
    if selections is None:
        return 0
    total = 0
    for selection in _flatten(schema, parent, selections, fragments):
        node, owner = selection
        if node.name.value.startswith("__") or not isinstance(
            owner, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        field = owner.fields.get(node.name.value)
        if field is None:
            continue
        named = get_named_type(field.type)
        inner = selection_cost(schema, named, node.selection_set, fragments, variables)
        total += 1 + _multiplier(node, named.name, variables) * inner
    return total


def _flatten(
    schema: GraphQLSchema,
    parent: Any,
    selections: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> Iterator[tuple[FieldNode, Any]]:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            target = (
                schema.get_type(selection.type_condition.name.value)
                if selection.type_condition
                else parent
            )
            yield from _flatten(schema, target, selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                target = schema.get_type(fragment.type_condition.name.value)
                yield from _flatten(schema, target, fragment.selection_set, fragments)


_COSTS: BoundedCache[Hashable, tuple[GraphQLSchema, Any, int]] = BoundedCache(1024)
"""Costs by schema, document (both kept parsed by their caches: `schema/document_cache.py`,
the admission's parser), operation and variables (`variables_key`: typed, short scalars
only); each entry keeps its schema and document to tell a reused id. Clients send the same
few documents, and walking one cost as much as a tenth of a dashboard's CPU, twice per request
(issue 14)."""


def operation_cost(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any]
) -> int:
    """The cost of the operation a request runs."""
    kept = variables_key(variables)  # None: a list, input object or long string: not kept
    key = None if kept is None else (id(schema), id(document), operation_name, kept)
    found = None if key is None else _COSTS.entries.get(key)
    if found is not None and found[0] is schema and found[1] is document:
        return found[2]
    cost = _operation_cost(schema, document, operation_name, variables)
    if key is not None:
        _COSTS.put(key, (schema, document, cost))
    return cost


def _operation_cost(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any]
) -> int:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name and d.name.value == operation_name))
    ]
    if not operations:
        return 0
    operation = operations[0]
    root = schema.get_root_type(operation.operation)
    return selection_cost(schema, root, operation.selection_set, fragments, variables)


class QueryCost(SchemaExtension):
    """Compute, report and limit the cost of each operation."""

    def __init__(self, max_cost: int = MAX_COST) -> None:
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_validate(self) -> Iterator[None]:
        # Before validation runs: strawberry skips validation, and execution, when
        # pre-execution errors are already set. Unknown fields cost nothing here and are
        # reported by validation.
        self._measure()
        yield

    def _measure(self) -> None:
        context = self.execution_context
        if context.pre_execution_errors or context.graphql_document is None:
            return
        self.cost = operation_cost(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables or {},
        )
        if self.cost > self.max_cost:
            error = GraphQLError(
                f"Query cost {self.cost} exceeds the limit of {self.max_cost}: ask for smaller "
                "pages or fewer nested connections",
                extensions={"code": "QUERY_TOO_COSTLY", "cost": self.cost, "limit": self.max_cost},
            )
            context.pre_execution_errors = [error]

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": self.max_cost}}
