"""A program's entry tier (services/partners/memberships.entry_tier) is worked out once per
program file version: its tiers change only with its file (issue 14: every enrolment read them)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Program, Tier
from rules.bounded_cache import BoundedCache
from services.partners import memberships
from tests.conftest import Api, StatementCounter
from tests.helpers.api import program

pytestmark = pytest.mark.anyio


async def test_the_entry_tier_is_read_once_per_program_version(
    api: Api, statements: StatementCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    await program(api, "segment-technology")
    monkeypatch.setattr(memberships, "_ENTRY_TIERS", BoundedCache(256))
    async with api.sessionmaker() as session:
        segment = await session.scalar(select(Program).where(Program.slug == "segment-technology"))
        assert segment is not None
        lowest = await session.scalar(
            select(Tier).where(Tier.program_id == segment.id).order_by(Tier.rank).limit(1)
        )
        assert lowest is not None
        statements.count = 0
        for _ in range(3):
            entry = await memberships.entry_tier(session, segment)
            assert (entry.id, entry.key) == (lowest.id, lowest.key)
        assert statements.count == 1
        session.expunge(segment)  # changed below, never written
        segment.definition_sha256 = "another version"  # a reloaded file: worked out again
        await memberships.entry_tier(session, segment)
        assert statements.count == 2
        segment.definition_sha256 = ""  # no version known: never kept
        await memberships.entry_tier(session, segment)
        await memberships.entry_tier(session, segment)
        assert statements.count == 4
