"""The request's loaders (schema/loaders.py): the dashboard's lists are read as plain records."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any, cast

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from benchmarks import dataset
from benchmarks.dashboard import DASHBOARD
from models import Agreement, AgreementNotice, Base, Membership, Tier
from schema.batching import Loader
from schema.loaders import Loaders
from tests.conftest import Api

pytestmark = pytest.mark.anyio


async def test_the_dashboard_builds_no_orm_objects_for_agreements_memberships_tiers(
    api: Api, database_url: str
) -> None:
    """Agreements with their notices, memberships and their tiers come as plain records
    (models/records.py), not ORM objects (issue 14: their loading was most of the dashboard's
    SQLAlchemy CPU)."""
    dataset.load(database_url, partners=4, referrals=12)
    loaded: Counter[str] = Counter()

    def count(target: Any, _context: Any) -> None:
        loaded[type(target).__name__] += 1

    event.listen(Base, "load", count, propagate=True)
    try:
        data = await api.gql(DASHBOARD, {"partners": 4, "referrals": 3})
    finally:
        event.remove(Base, "load", count)
    partners = data["partners"]["nodes"]
    assert len(partners) == 4
    assert all(p["agreements"] and p["memberships"][0]["tier"]["name"] for p in partners)
    assert loaded["ApiKey"] == 1  # the probe sees ORM loads
    for model in (Agreement, AgreementNotice, Membership, Tier):
        assert loaded[model.__name__] == 0, model.__name__


async def test_a_request_s_loaders_are_made_on_first_use() -> None:
    """A request uses a few of its ~40 loaders: each is made when first used, then kept for the
    request (issue 14: making them all took ~0.23 ms per request, twice per mutation)."""
    lock = asyncio.Lock()
    loaders = Loaders(cast(AsyncSession, None), lock)
    assert not [v for v in vars(loaders).values() if isinstance(v, Loader)]
    partner, program = loaders.partner, loaders.program
    assert isinstance(partner, Loader) and isinstance(program, Loader)
    assert loaders.partner is partner and loaders.program is program
    assert loaders.tier is not partner
    assert Loaders(cast(AsyncSession, None), lock).partner is not partner  # per request


async def test_closed_loaders_forget_what_they_read() -> None:
    """At the request's end the loaders forget what they read and are dropped (their batch
    functions close over the loaders: a reference cycle that left everything read for the
    cyclic garbage collector, issue 14); a loader used afterwards is a new, empty one."""
    loaders = Loaders(cast(AsyncSession, None), asyncio.Lock())
    partner, program = loaders.partner, loaders.program
    partner.prime("p", "a partner")
    program.prime("q", "a program")
    loaders.states_today["s"] = "a state"
    loaders.close()
    assert partner.futures == {} and program.futures == {}
    assert not [v for v in vars(loaders).values() if isinstance(v, Loader)]
    assert loaders.states_today == {}
    assert loaders.partner is not partner and loaders.partner.settled("p") is None
