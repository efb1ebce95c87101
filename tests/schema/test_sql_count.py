"""Every relation goes through a DataLoader: statement counts do not grow with the page."""

from __future__ import annotations

import pytest

from tests.conftest import Api, StatementCounter
from tests.helpers.api import KEY_KEPT, create_partner, enroll, program

pytestmark = pytest.mark.anyio

NESTED = """query($first: Int!) { partners(first: $first) { edges { node { displayName
  memberships { status program { slug } tier { name benefits { key } requirements { key } }
                tierHistory { toTier { name } } } } } } }"""

# 1 page of partners, then one batch each: memberships with their tiers, programs, benefits,
# requirements, tier history, and the history's tiers (already cached: 0). The API key was read
# by the setup's requests moments ago and is kept (services/apikeys/recent.py), and rate limits
# count in memory (issue 13): no statement for either.
EXPECTED_STATEMENTS = 6


@KEY_KEPT
async def test_nested_query_statement_count_is_pinned(
    api: Api, statements: StatementCounter
) -> None:
    segment = await program(api, "segment-technology")
    contentsquare = await program(api, "contentsquare")
    for i in range(12):
        partner = await create_partner(api, displayName=f"partner {i:02}")
        await enroll(api, partner["id"], segment["id"])
        await enroll(api, partner["id"], contentsquare["id"])
    counts = {}
    for size in (2, 12):
        runs = []
        for _ in range(2):  # the edge leases rate-limit blocks now and then: take the quiet run
            statements.count = 0
            data = await api.gql(NESTED, {"first": size})
            runs.append(statements.count)
        assert len(data["partners"]["edges"]) == size
        assert all(len(e["node"]["memberships"]) == 2 for e in data["partners"]["edges"])
        counts[size] = min(runs)
    assert counts == {2: EXPECTED_STATEMENTS, 12: EXPECTED_STATEMENTS}
