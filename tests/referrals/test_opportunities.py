"""The registry of clients a program already pursues, entry by entry (CS-REF-03)."""

from __future__ import annotations

import uuid

import pytest

from schema.ids import encode_id
from tests.conftest import Api
from tests.helpers.referrals import referrer, submit

pytestmark = pytest.mark.anyio

ADD = """mutation($input: AddActiveOpportunityInput!) { addActiveOpportunity(input: $input) {
  count userErrors { field code message } } }"""


async def test_add_active_opportunity_blocks_referrals_of_the_client(api: Api) -> None:
    """Admins register a client one at a time; referrals of it are then refused (CS-REF-03)."""
    _p, key, cs = await referrer(api, "Registrar")
    entry = {"programId": cs["id"], "clientName": "Tyrell Corporation"}
    by_partner = await api.gql(ADD, {"input": entry}, key=key)
    assert by_partner["addActiveOpportunity"]["count"] == 0
    assert by_partner["addActiveOpportunity"]["userErrors"][0]["code"] == "FORBIDDEN"
    nowhere = encode_id("Program", uuid.uuid4())
    unknown = await api.gql(ADD, {"input": {**entry, "programId": nowhere}})
    assert unknown["addActiveOpportunity"]["userErrors"][0]["code"] == "PROGRAM_NOT_FOUND"
    backwards = await api.gql(
        ADD, {"input": {**entry, "activeFrom": "2026-03-01", "activeUntil": "2026-02-01"}}
    )
    assert backwards["addActiveOpportunity"]["count"] == 0
    assert [(e["field"], e["code"]) for e in backwards["addActiveOpportunity"]["userErrors"]] == [
        (["input", "activeUntil"], "INVALID_DATE")
    ]
    allowed = await submit(api, key, cs["id"], "Tyrell Corp.")
    assert allowed["userErrors"] == []
    added = await api.gql(ADD, {"input": {**entry, "clientWebsite": "tyrell.example"}})
    assert added["addActiveOpportunity"] == {"count": 1, "userErrors": []}
    blocked = await submit(api, key, cs["id"], "https://www.tyrell.example")
    assert blocked["userErrors"][0]["code"] == "ACTIVE_OPPORTUNITY"
