"""The fast path of queries (issue 14): the same answer as graphql-core's own execution, and
graphql-core's own answer whenever the fast path gives up."""

from __future__ import annotations

import asyncio
import gc
import warnings
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import ExecutionResult
from prometheus_client import REGISTRY
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig

from benchmarks import dataset
from benchmarks.dashboard import DASHBOARD
from schema.answers import count_fields
from schema.context import Info
from schema.lean import LeanExecutionContext, lean_resolvers
from tests.conftest import Api

pytestmark = pytest.mark.anyio


@strawberry.enum
class Direction(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    name: str
    size: int | None
    tags: list[str]

    @strawberry.field
    def upper(self) -> str:
        return self.name.upper()

    @strawberry.field
    async def later(self, info: Info) -> str:
        await asyncio.sleep(0)
        return f"{self.name} later"

    @strawberry.field
    async def broken(self) -> str | None:
        await asyncio.sleep(0)
        raise ValueError(f"{self.name} is broken")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]  # a null for a non-null field

    @strawberry.field
    def sized(self, at_least: int = 0) -> bool:
        return (self.size or 0) >= at_least

    @strawberry.field
    def order(self) -> Direction:
        return Direction.DESC if self.size else Direction.ASC

    @strawberry.field
    def where(self, info: Info) -> str:
        return "/".join(map(str, info.path.as_list()))

    @strawberry.field
    def meta(self) -> JSON:
        return {"size": self.size, "tags": {"count": len(self.tags), "all": self.tags}}


@strawberry.type
class Other(Named):
    name: str
    colour: str


@strawberry.input
class LeafFilter:
    names: list[str] | None = None


LEAVES = [Leaf(name="a", size=1, tags=["x"]), Leaf(name="b", size=None, tags=[])]


@strawberry.type
class Query:
    @strawberry.field
    def leaves(self) -> list[Leaf]:
        return LEAVES

    @strawberry.field
    async def later_leaves(self) -> list[Leaf]:
        await asyncio.sleep(0)
        return LEAVES

    @strawberry.field
    def named(self) -> list[Named]:
        return [LEAVES[0], Other(name="o", colour="red")]

    @strawberry.field
    def pick(
        self, info: Info, direction: Direction = Direction.ASC, where: LeafFilter | None = None
    ) -> list[Leaf]:
        names = where.names if where is not None and where.names is not None else None
        found = [leaf for leaf in LEAVES if names is None or leaf.name in names]
        return found[::-1] if direction is Direction.DESC else found

    @strawberry.field
    def nothing(self) -> Leaf | None:
        return None

    @strawberry.field
    def orders(self) -> list[Direction | None]:
        return [Direction.ASC, None, Direction.DESC]

    @strawberry.field
    def wrong(self) -> Leaf:
        return "not a leaf"  # type: ignore[return-value]

    @strawberry.field
    def cast_leaf(self) -> Leaf:
        return strawberry.cast(Other, Leaf(name="c", size=None, tags=[]))

    @strawberry.field
    def strict_leaves(self) -> list[Leaf]:
        return [LEAVES[0], None]  # type: ignore[list-item]


SCHEMA = strawberry.Schema(
    query=Query,
    types=[Other],
    config=StrawberryConfig(auto_camel_case=True),
    execution_context_class=LeanExecutionContext,
)
lean_resolvers(SCHEMA)
PLAIN = strawberry.Schema(query=Query, types=[Other], config=StrawberryConfig(auto_camel_case=True))
"""The same schema with strawberry's own resolvers and graphql-core's own execution."""

QUERIES = {
    "leaves": "{ leaves { name size tags upper __typename } }",
    "aliases and arguments": """{ a: leaves { n: name big: sized(atLeast: 1) sized }
        b: leaves { name } }""",
    "fragments": """query { laterLeaves { ...F ... on Leaf { later } } }
        fragment F on Leaf { name upper }""",
    "directives": """query($yes: Boolean!) { leaves { name @include(if: $yes)
        size @skip(if: $yes) } }""",
    "interface": "{ named { __typename name ... on Other { colour } ... on Leaf { size } } }",
    "input arguments": """{ all: pick { name } some: pick(direction: DESC,
        where: {names: ["a", "b"]}) { name } one: pick(where: {names: ["b"]}) { name } }""",
    "introspection": "{ __schema { queryType { name } } leaves { name } }",
    "JSON and enum values": "{ leaves { name meta order } }",
    "nulls": "{ nothing { name } orders leaves { size } }",
    "a resolver's path": """{ one: pick(where: {names: ["b"]}) { w: where }
        laterLeaves { name } pick(where: {names: ["a"]}) { where } }""",
}
FIELD_ERROR = "an error among async siblings"
FAILING = {
    FIELD_ERROR: "{ leaves { name later broken } }",
    "a null for a non-null field": "{ leaves { name missing } }",
    "a failure after an async sibling started": "{ leaves { later missing } }",
    "a failure under an async sibling": "{ laterLeaves { name } leaves { later missing } }",
    "a null item of a non-null list": "{ strictLeaves { name } }",
    "a value of the wrong type": "{ wrong { name } }",
    "a value cast to another type": "{ castLeaf { name } }",
}


@pytest.fixture
def graphql_core_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The fields graphql-core's own execution resolves (none on the fast path)."""
    calls: list[str] = []
    original = LeanExecutionContext.execute_field

    def execute_field(self: LeanExecutionContext, *args: Any) -> Any:
        calls.append(args[2][0].node.name.value)
        return original(self, *args)

    monkeypatch.setattr(LeanExecutionContext, "execute_field", execute_field)
    return calls


@dataclass
class Answered:
    """A context that keeps what the fast path reports of each answer it gave in full."""

    fields: list[int]

    def answered(self, fields: int) -> None:
        self.fields.append(fields)


async def _both(
    query: str, monkeypatch: pytest.MonkeyPatch, calls: list[str], answered: Answered | None = None
) -> tuple[ExecutionResult, ExecutionResult]:
    fast = await SCHEMA.execute(query, variable_values={"yes": True}, context_value=answered)
    fast_calls = list(calls)
    monkeypatch.setattr(LeanExecutionContext, "fast_path", False)
    slow = await SCHEMA.execute(query, variable_values={"yes": True})
    monkeypatch.setattr(LeanExecutionContext, "fast_path", True)
    assert calls[len(fast_calls) :], "the slow run must go through graphql-core"
    calls[:] = fast_calls
    return fast, slow


@dataclass(frozen=True)
class Fallbacks:
    """`partnergraph_fast_path_fallbacks_total`, by reason."""

    field_error: float = 0
    unsupported: float = 0

    def __sub__(self, other: Fallbacks) -> Fallbacks:
        return Fallbacks(self.field_error - other.field_error, self.unsupported - other.unsupported)


def _fallbacks() -> Fallbacks:
    def value(reason: str) -> float:
        found = REGISTRY.get_sample_value(
            "partnergraph_fast_path_fallbacks_total", {"reason": reason}
        )
        return found or 0.0

    return Fallbacks(value("field_error"), value("unsupported"))


def _formatted(result: ExecutionResult) -> dict[str, Any]:
    return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}


@pytest.mark.parametrize("name", sorted(QUERIES))
async def test_a_query_answers_as_graphql_core_does(
    name: str, monkeypatch: pytest.MonkeyPatch, graphql_core_calls: list[str]
) -> None:
    before = _fallbacks()
    answered = Answered([])
    fast, slow = await _both(QUERIES[name], monkeypatch, graphql_core_calls, answered)
    given_back = _fallbacks() - before
    plain = await PLAIN.execute(QUERIES[name], variable_values={"yes": True})
    assert not fast.errors
    assert _formatted(fast) == _formatted(slow) == _formatted(plain)
    if name == "introspection":
        assert graphql_core_calls, "introspection is left to graphql-core"
        assert given_back == Fallbacks(unsupported=1)
        assert answered.fields == [], "graphql-core's answer is counted by the edge"
    else:
        assert graphql_core_calls == [], "the fast path resolved every field itself"
        assert given_back == Fallbacks()
        assert answered.fields == [count_fields(fast.data)], "the fields of the answer"


@pytest.mark.parametrize("name", sorted(FAILING))
async def test_a_failing_query_gets_graphql_cores_answer(
    name: str, monkeypatch: pytest.MonkeyPatch, graphql_core_calls: list[str]
) -> None:
    before = _fallbacks()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        answered = Answered([])
        fast, slow = await _both(FAILING[name], monkeypatch, graphql_core_calls, answered)
        gc.collect()
    given_back = _fallbacks() - before
    assert given_back == (
        Fallbacks(field_error=1) if name == FIELD_ERROR else Fallbacks(unsupported=1)
    )
    plain = await PLAIN.execute(FAILING[name], variable_values={"yes": True})
    assert fast.errors
    assert _formatted(fast) == _formatted(slow) == _formatted(plain)
    assert graphql_core_calls, "the fast path gave the query back to graphql-core"
    assert answered.fields == [], "a partial answer is counted by the edge"
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], (
        "no coroutine is left never awaited"
    )


@pytest.mark.parametrize("by_sql", [True, False], ids=["sql-path", "fast-path"])
async def test_the_dashboard_answers_as_graphql_core_does(
    api: Api,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    graphql_core_calls: list[str],
    by_sql: bool,
) -> None:
    """On PostgreSQL the dashboard is answered by one statement (schema/sql_path.py) unless
    that is turned off: both answers are graphql-core's."""
    monkeypatch.setattr(LeanExecutionContext, "sql_path", by_sql)
    dataset.load(database_url, partners=6, referrals=60)
    variables = {"partners": 6, "referrals": 5}
    fast = await api.gql(DASHBOARD, variables)
    assert graphql_core_calls == []
    monkeypatch.setattr(LeanExecutionContext, "fast_path", False)
    slow = await api.gql(DASHBOARD, variables)
    assert graphql_core_calls
    assert fast == slow
    assert len(fast["partners"]["nodes"]) == 6


async def test_resolvers_are_bound_once_per_selection(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path builds one resolve info per field of a selection (its resolver bound to
    it and to the converted arguments), not one per object: the count does not grow with the
    number of partners."""
    monkeypatch.setattr(LeanExecutionContext, "sql_path", False)  # the fast path's own
    dataset.load(database_url, partners=6, referrals=60)
    built: list[str] = []
    build = LeanExecutionContext.build_resolve_info

    def counting(self: LeanExecutionContext, field: Any, *args: Any) -> Any:
        built.append(args[1].name)
        return build(self, field, *args)

    monkeypatch.setattr(LeanExecutionContext, "build_resolve_info", counting)
    counts = []
    for partners in (2, 6):
        built.clear()
        data = await api.gql(DASHBOARD, {"partners": partners, "referrals": 5})
        assert len(data["partners"]["nodes"]) == partners
        counts.append(len(built))
    assert counts[0] == counts[1] > 0
