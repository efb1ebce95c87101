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
from tests.helpers.api import CREATE_PARTNER, ENROLL, KEY_KEPT, PROGRAM_TIERS, partner_input

pytestmark = pytest.mark.anyio


async def _answer(
    api: Api, query: str, variables: dict[str, Any], idempotency_key: str | None = None
) -> dict[str, Any]:
    """The app called straight through ASGI (the HTTP client keeps cycles of its own)."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = [] if idempotency_key is None else [(b"idempotency-key", idempotency_key.encode())]
    status, raw = await call(api.app, body, api.admin_key, headers)
    answer: dict[str, Any] = json.loads(raw)
    assert status == 200 and "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


OWN = ("api.", "schema.", "services.", "models.", "rules.", "graphql.", "strawberry.", "_asyncio")
"""Where the objects of a request's reads and answer come from: ours, graphql-core's,
strawberry's, asyncio's futures. SQLAlchemy's statement objects hold cycles of their own (a
statement built for one request's values, e.g. SQLite's pages or a use case's lookups); those
are not the request's graph and are not counted."""


def _kind(thing: object) -> str:
    """An object's class, or a class's own name (a class made at run time is a cycle)."""
    kind = thing if isinstance(thing, type) else type(thing)
    return f"{kind.__module__}.{kind.__qualname__}"


async def _cycles_of(work: Awaitable[dict[str, Any]]) -> tuple[dict[str, Any], list[Any]]:
    """`work`'s answer, and the kinds of the request's own objects it left that only the
    cyclic collector could free (most common first)."""
    gc.collect()
    gc.disable()
    try:
        answer = await work
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds = Counter(_kind(o) for o in gc.garbage if _kind(o).startswith(OWN))
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        gc.enable()
    gc.collect()
    return answer, kinds.most_common(20)


@KEY_KEPT
async def test_a_dashboard_leaves_no_reference_cycles(api: Api, database_url: str) -> None:
    dataset.load(database_url, partners=5, referrals=40)
    variables = {"partners": 5, "referrals": 5}
    await _answer(api, DASHBOARD, variables)  # the key kept, the document validated and kept
    data, left = await _cycles_of(_answer(api, DASHBOARD, variables))
    assert len(data["partners"]["nodes"]) == 5
    assert left == []


async def _partners_and_program(api: Api, count: int) -> tuple[list[str], str]:
    partners = []
    for number in range(count):
        made = await _answer(
            api, CREATE_PARTNER, {"input": partner_input(displayName=f"P{number}")}
        )
        partners.append(made["createPartner"]["partner"]["id"])
    program = (await _answer(api, PROGRAM_TIERS, {"slug": "segment-technology"}))["program"]["id"]
    return partners, program


ENROL_TWO = """mutation($one: EnrollPartnerInput!, $two: EnrollPartnerInput!) {
  one: enrollPartner(input: $one) { membership { tier { name } } }
  two: enrollPartner(input: $two) { membership { tier { name } } } }"""


@KEY_KEPT
async def test_a_mutation_leaves_no_reference_cycles(api: Api) -> None:
    """Each use case of a mutation renews the request's loaders; the loaders the fields before
    it used (here the first enrolment's payload: its tier and program) are closed then."""
    partners, program = await _partners_and_program(api, 4)
    inputs = [{"partnerId": p, "programId": program} for p in partners]
    await _answer(api, ENROL_TWO, {"one": inputs[0], "two": inputs[1]})
    data, left = await _cycles_of(_answer(api, ENROL_TWO, {"one": inputs[2], "two": inputs[3]}))
    assert data["one"]["membership"]["tier"]["name"] and data["two"]["membership"]
    assert left == []


@KEY_KEPT
async def test_an_idempotent_mutation_leaves_no_reference_cycles(api: Api) -> None:
    """A keyed request runs with a context of its own, whose loaders are closed too (the
    enrolment's payload reads its tier and program through them)."""
    partners, program = await _partners_and_program(api, 2)
    enrol = {"input": {"partnerId": partners[0], "programId": program}}
    await _answer(api, ENROLL, enrol, "enrol-1")
    enrol = {"input": {"partnerId": partners[1], "programId": program}}
    data, left = await _cycles_of(_answer(api, ENROLL, enrol, "enrol-2"))
    assert data["enrollPartner"]["membership"]["tier"]["name"]
    assert left == []
