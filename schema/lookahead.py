"""Look-ahead: which fields a resolver's selection asks of its results.

A list resolver that awaits its rows anyway can then read what its items' fields need in the
same round of batches (programs, commissions), and those fields answer synchronously from the
loaders (no asyncio task per item; issue 14). Reading data nobody asked for would add
statements, so a resolver reads ahead only along the paths a query selects. Fragments count;
`@skip`/`@include` do not (reading ahead for a skipped field costs a statement, never a wrong
answer: the fields fall back to awaiting what is not loaded).
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from schema.context import Info

Path = tuple[str, ...]


def _walk(
    sets: Iterable[SelectionSetNode], path: Path, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    name, rest = path[0], path[1:]
    for selection_set in sets:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value != name:
                    continue
                if not rest:
                    return True
                if selection.selection_set and _walk([selection.selection_set], rest, fragments):
                    return True
            elif isinstance(selection, InlineFragmentNode):
                if _walk([selection.selection_set], path, fragments):
                    return True
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and _walk([fragment.selection_set], path, fragments):
                    return True
    return False


def selects(info: Info, *paths: Path) -> bool:
    """Whether the current field's selection reaches any of `paths` (GraphQL field names,
    e.g. `("nodes", "status")`)."""
    raw = info._raw_info
    sets = [node.selection_set for node in raw.field_nodes if node.selection_set]
    return any(_walk(sets, path, raw.fragments) for path in paths if path)


def under(prefixes: Iterable[Path], *paths: Path) -> list[Path]:
    """Every path of `paths` below each prefix (e.g. a connection's `nodes` and `edges.node`)."""
    return [prefix + path for prefix in prefixes for path in paths]


CONNECTION_NODES: tuple[Path, ...] = (("nodes",), ("edges", "node"))
"""Where a connection's items sit in its selection."""
