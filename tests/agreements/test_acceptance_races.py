"""Concurrent first acceptances (issue 14 keeps their outcome while the rows they write move
into fewer statements): the agreement's key makes the losers of a double submission see the
winner's acceptance."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Acceptance, Agreement, Membership
from rules.enums import MembershipStatus
from schema.ids import decode_id
from services.actor import SYSTEM
from services.agreements import signing
from services.partners.memberships import enrol_on_agreement, enroll_partner
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.api import program

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


async def test_an_enrolment_committed_during_an_acceptance_is_updated_not_refused(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An enrolPartner committed after the acceptance read the partner's (absent) membership
    makes the acceptance's own enrolment clash on the membership key: the acceptance runs
    again (Context.run), now sees the membership and activates it, instead of answering an
    enrolment error (ALREADY_ENROLLED) that is not an agreement error code. PostgreSQL only:
    SQLite serialises writers, so the two cannot overlap there."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: no enrolment can land mid-acceptance")
    partner, key = await partner_key(api)
    partner_id = decode_id(partner["id"])[1]
    segment = await program(api, "segment-technology")
    original = enrol_on_agreement
    calls: list[object] = []

    async def enrolled_meanwhile(*args: Any, **kwargs: Any) -> None:
        if not calls:  # the first attempt: a concurrent enrolment commits first
            async with api.sessionmaker.begin() as other:
                await enroll_partner(other, SYSTEM, partner_id, decode_id(segment["id"])[1])
            kwargs["membership"] = None  # what the first attempt's read saw
        calls.append(kwargs["membership"])
        await original(*args, **kwargs)

    monkeypatch.setattr(signing, "enrol_on_agreement", enrolled_meanwhile)
    payload = await accept_segment(api, key)
    assert payload["userErrors"] == []
    assert len(calls) == 2 and calls[0] is None and calls[1] is not None
    async with api.sessionmaker() as session:
        memberships = (await session.scalars(select(Membership))).all()
    assert [m.status for m in memberships] == [MembershipStatus.ACTIVE]
    assert [await _count(api, m) for m in (Agreement, Acceptance)] == [1, 1]
