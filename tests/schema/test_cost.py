"""Query cost (schema/cost.py): each document's cost is walked once per operation and set of
variables, and a cost read back is the one its own variables give."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from benchmarks.dashboard import DASHBOARD
from rules.bounded_cache import variables_key
from schema import build_schema, cost

GRAPHQL = build_schema()._schema


def test_a_cost_is_walked_once_per_document_and_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walked: list[dict[str, Any]] = []
    walk = cost._operation_cost

    def counting(schema: Any, document: Any, name: str | None, variables: dict[str, Any]) -> int:
        walked.append(variables)
        return walk(schema, document, name, variables)

    monkeypatch.setattr(cost, "_operation_cost", counting)
    document = parse(DASHBOARD)
    small = {"partners": 2, "referrals": 3}
    large = {"partners": 50, "referrals": 5}
    first = cost.operation_cost(GRAPHQL, document, None, small)
    assert cost.operation_cost(GRAPHQL, document, None, dict(small)) == first
    bigger = cost.operation_cost(GRAPHQL, document, None, large)
    assert bigger > first
    assert walked == [small, large]
    # the same text parsed again is another document: walked for itself
    assert cost.operation_cost(GRAPHQL, parse(DASHBOARD), None, small) == first
    # variables holding a list are not kept, and still cost what they cost
    listed = {**small, "ids": ["a", "b"]}
    assert cost.operation_cost(GRAPHQL, document, None, listed) == first
    assert cost.operation_cost(GRAPHQL, document, None, listed) == first
    assert len(walked) == 5


def test_variables_of_other_types_or_long_ones_are_not_taken_for_each_other() -> None:
    """1, 1.0 and True are equal in Python: each is kept under its own type, so one never
    gives the others its cost; graphql-core takes 100.0 for the Int 100, and so does the
    cost; a long string is not kept."""
    query = """query($n: Int) {
      partners(first: $n) { nodes { referrals(first: 100) { nodes { id } } } } }"""
    document = parse(query)
    as_float = cost.operation_cost(GRAPHQL, document, None, {"n": 100.0})
    as_int = cost.operation_cost(GRAPHQL, document, None, {"n": 100})
    assert (
        as_float == as_int == 1 + 100 * (1 + 1 + 100 * 2)
    )  # partners, nodes, referrals, nodes, id
    assert cost.operation_cost(GRAPHQL, document, None, {"n": True}) != as_int
    assert variables_key({"n": 1}) != variables_key({"n": 1.0})
    assert variables_key({"n": "x" * 300}) is None
    assert variables_key({"n": ["a"]}) is None
