"""A request leaves no reference cycles (issue 14): what it read and answered is freed by
reference counting when it ends, not left for the cyclic garbage collector (which took ~15% of
an uncached dashboard's CPU, collecting thousands of objects per request)."""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Awaitable
from typing import Any

import pytest

from benchmarks import dataset
from benchmarks.cpu import call
from benchmarks.dashboard import DASHBOARD
from tests.conftest import Api
from tests.helpers.api import KEY_KEPT

pytestmark = pytest.mark.anyio

CREATE = """mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) {
  apiKey { id name } userErrors { code } } }"""


async def _answer(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The app called straight through ASGI (the HTTP client keeps cycles of its own)."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    status, raw = await call(api.app, body, api.admin_key)
    answer: dict[str, Any] = json.loads(raw)
    assert status == 200 and "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


async def _cycles_of(work: Awaitable[dict[str, Any]]) -> tuple[dict[str, Any], list[Any]]:
    """`work`'s answer, and the kinds of the objects it left that only the cyclic collector
    could free (most common first)."""
    gc.collect()
    gc.disable()
    try:
        answer = await work
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage)
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        gc.enable()
    gc.collect()
    return answer, kinds.most_common(20)


@KEY_KEPT
async def test_a_dashboard_leaves_no_reference_cycles(api: Api, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        # SQLite's pages are a UNION ALL built for each request's parents, and SQLAlchemy's
        # statement objects hold cycles; PostgreSQL's pages statement is built once and reused.
        pytest.skip("the pages statement is built per request on SQLite")
    dataset.load(database_url, partners=5, referrals=40)
    variables = {"partners": 5, "referrals": 5}
    await _answer(api, DASHBOARD, variables)  # the key kept, the document validated and kept
    data, left = await _cycles_of(_answer(api, DASHBOARD, variables))
    assert len(data["partners"]["nodes"]) == 5
    assert left == []


@KEY_KEPT
async def test_a_mutation_leaves_no_reference_cycles(api: Api) -> None:
    """A mutation renews the request's loaders after its use case; the used ones are closed."""
    await _answer(api, CREATE, {"input": {"name": "warm-up", "role": "ADMIN"}})
    data, left = await _cycles_of(_answer(api, CREATE, {"input": {"name": "two", "role": "ADMIN"}}))
    assert data["createApiKey"]["apiKey"]["name"] == "two"
    assert left == []
