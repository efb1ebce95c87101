"""An agreement's state on past and later dates, derived from the stored facts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Agreement
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key

pytestmark = pytest.mark.anyio


async def test_state_as_of_past_dates(api: Api) -> None:
    _partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    query = """query($id: ID!, $d: Date) { node(id: $id) { ... on Agreement {
        state(asOf: $d) { asOf status renewalCount } } } }"""
    effective = date.fromisoformat(agreement["effectiveDate"])
    before = await api.gql(
        query, {"id": agreement["id"], "d": (effective - timedelta(days=1)).isoformat()}
    )
    assert before["node"]["state"]["status"] == "PENDING"
    later = await api.gql(
        query,
        {"id": agreement["id"], "d": (effective.replace(year=effective.year + 2)).isoformat()},
    )
    assert later["node"]["state"] == {
        "asOf": effective.replace(year=effective.year + 2).isoformat(),
        "status": "ACTIVE",
        "renewalCount": 2,
    }
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Agreement)) == 1
