"""Query cost (schema/cost.py): each document's cost is walked once per operation and set of
variables, and a cost read back is the one its own variables give."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from benchmarks.dashboard import DASHBOARD
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
