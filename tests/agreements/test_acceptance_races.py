"""Concurrent first acceptances (issue 14 keeps their outcome while the rows they write move
into fewer statements): the agreement's key makes the losers of a double submission see the
winner's acceptance."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from models import Acceptance, Agreement, Membership
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key

pytestmark = pytest.mark.anyio


async def _count(api: Api, model: type[object]) -> int:
    async with api.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_double_submission_accepts_once(api: Api) -> None:
    _, key = await partner_key(api)
    results = await asyncio.gather(*(accept_segment(api, key) for _ in range(3)))
    assert len([r for r in results if not r["userErrors"]]) == 1
    refused = {e["code"] for r in results for e in r["userErrors"]}
    assert refused == {"ALREADY_ACCEPTED"}
    assert [await _count(api, m) for m in (Agreement, Acceptance, Membership)] == [1, 1, 1]
