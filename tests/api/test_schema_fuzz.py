"""A bounded hypothesis-graphql run against the schema finds no server error (issue 13).

Queries and mutations valid for the schema (with NUL bytes, odd unicode and extreme
numbers in their arguments) are drawn first, then sent: every answer must be coded, none a
5xx or an INTERNAL_SERVER_ERROR. Bounded to a few dozen of each so it stays well under a
minute; hypothesis' database is off so every run draws afresh from its seed.
"""

from __future__ import annotations

from pathlib import Path

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from tests.conftest import ROOT, Api

pytestmark = pytest.mark.anyio

SCHEMA = Path(ROOT, "schema.graphql").read_text()

EXAMPLES = 25


def _string(values: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return values.map(lambda value: graphql.StringValueNode(value=value))


SCALARS = {
    "Date": _string(st.dates().map(str) | st.text(max_size=12)),
    "DateTime": _string(st.datetimes().map(lambda d: d.isoformat()) | st.text(max_size=30)),
    "Time": _string(st.times().map(str) | st.text(max_size=10)),
    "Decimal": _string(st.decimals(allow_nan=False).map(str) | st.text(max_size=10)),
    "JSON": _string(st.text(max_size=20)),
    "Upload": _string(st.just("0")),
}


def _draw(strategy: st.SearchStrategy[object]) -> list[str]:
    drawn: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(query: object) -> None:
        drawn.append(str(query))

    collect()
    return drawn


@pytest.mark.parametrize("kind", ["queries", "mutations"])
async def test_generated_operations_get_no_server_error(api: Api, kind: str) -> None:
    make = queries if kind == "queries" else mutations
    failures = []
    for operation in _draw(make(SCHEMA, custom_scalars=SCALARS)):
        response = await api.post(operation)
        body = response.json()
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes or None in codes:
            failures.append((response.status_code, codes, operation[:300]))
    assert failures == []
