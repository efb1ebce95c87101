"""Concurrent first writes give one result and no 500 (issue 13: 14 of 20 concurrent
`acceptAgreement` calls by one partner got INTERNAL_SERVER_ERROR on PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from models import SupportProfile
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, APPLY, SIGNER, partner_key
from tests.helpers.api import program

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("mutation", "slug", "kind"),
    [
        (ACCEPT, "segment-technology", "segment-program-agreement"),
        (APPLY, "segment-technology", None),
    ],
    ids=["acceptAgreement", "applyToProgram"],
)
async def test_20_concurrent_first_writes_give_one_result(
    api: Api, mutation: str, slug: str, kind: str | None
) -> None:
    _partner, key = await partner_key(api)
    target = await program(api, slug)
    given = {"programId": target["id"], "signer": SIGNER}
    if kind is not None:
        given["kind"] = kind
    answers = await asyncio.gather(
        *(api.post(mutation, {"input": given}, key=key) for _ in range(20))
    )
    assert [a.status_code for a in answers] == [200] * 20
    bodies = [a.json() for a in answers]
    codes = {e["extensions"]["code"] for b in bodies for e in b.get("errors", [])}
    assert "INTERNAL_SERVER_ERROR" not in codes, codes
    payloads = [next(iter(b["data"].values())) for b in bodies if b.get("data")]
    agreements = {p["agreement"]["id"] for p in payloads if p and p.get("agreement")}
    assert len(agreements) <= 1  # one agreement, whoever won
    assert agreements or codes or any(p["userErrors"] for p in payloads if p)


async def test_20_concurrent_first_support_hours_give_one_profile(api: Api) -> None:
    """setSupportHours creates the partner's support profile on first use (SUP-01): twenty at
    once give one profile with the window asked for, and no 500."""
    from tests.support.test_api import HOURS

    _partner, key = await partner_key(api)
    segment = await program(api, "segment-technology")
    given = {"programId": segment["id"], "window": "pacific"}
    answers = await asyncio.gather(*(api.post(HOURS, {"input": given}, key=key) for _ in range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    bodies = [a.json() for a in answers]
    codes = {e["extensions"]["code"] for b in bodies for e in b.get("errors", [])}
    assert "INTERNAL_SERVER_ERROR" not in codes, codes
    payloads = [b["data"]["setSupportHours"] for b in bodies if b.get("data")]
    done = [p for p in payloads if p and not p["userErrors"]]
    assert done, payloads
    assert {p["support"]["window"]["key"] for p in done} == {"pacific"}
    refused = {e["code"] for p in payloads if p for e in p["userErrors"]}
    assert refused <= {"CONCURRENT_WRITE"}, refused
    async with api.sessionmaker() as session:
        profiles = await session.scalar(select(func.count()).select_from(SupportProfile))
    assert profiles == 1
