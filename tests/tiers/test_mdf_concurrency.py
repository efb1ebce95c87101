"""MDF budget checks are serialised (SEG-TIER-08; issue 12: on PostgreSQL four concurrent
approvals of 60,000 all passed against Segment's 100,000 budget per program year)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import MdfRequest
from models.base import utcnow
from schema.ids import decode_id, encode_id
from tests.conftest import Api
from tests.helpers.api import create_partner, program, program_today_of

pytestmark = pytest.mark.anyio

ADVANCE = """mutation($input: AdvanceMdfInput!) { advanceMdf(input: $input) {
  request { id status } userErrors { code message } } }"""


async def test_four_concurrent_approvals_of_60000_against_100000_pass_once(api: Api) -> None:
    """SEG-TIER-08: US$100,000 per program year; four requests of US$60,000 approved at once:
    exactly one is approved, three are refused BUDGET_EXCEEDED, 60,000 is committed."""
    segment = await program(api, "segment-technology")
    program_id = decode_id(segment["id"])[1]
    today = await program_today_of(api, "segment-technology")
    ids = []
    async with api.sessionmaker.begin() as session:
        for i in range(4):
            partner = await create_partner(api, displayName=f"Budget {i}")
            ident = uuid.uuid4()
            session.add(
                MdfRequest(
                    id=ident,
                    partner_id=decode_id(partner["id"])[1],
                    program_id=program_id,
                    program_year=today.year,
                    activity="Joint webinar",
                    amount=Decimal(60000),
                    currency="USD",
                    starts_on=today,
                    ends_on=today + timedelta(days=30),
                    status="requested",
                    requested_at=utcnow(),
                    version=1,
                )
            )
            ids.append(encode_id("MdfRequest", ident))
    answers = await asyncio.gather(
        *(api.gql(ADVANCE, {"input": {"requestId": i, "action": "APPROVE"}}) for i in ids)
    )
    outcomes = sorted(
        a["advanceMdf"]["request"]["status"]
        if a["advanceMdf"]["request"]
        else a["advanceMdf"]["userErrors"][0]["code"]
        for a in answers
    )
    assert outcomes == ["APPROVED", "BUDGET_EXCEEDED", "BUDGET_EXCEEDED", "BUDGET_EXCEEDED"]
    async with api.sessionmaker() as session:
        approved = (
            await session.scalars(
                select(MdfRequest.amount).where(
                    MdfRequest.program_id == program_id, MdfRequest.status == "approved"
                )
            )
        ).all()
    assert sum(approved, Decimal(0)) == Decimal(60000)
