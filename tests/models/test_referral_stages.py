"""The stored stage and the status predicates agree with rules.referral_state.status_on."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Partner, Program, Referral
from models.referrals.queries import ReferralFilter, referrals_query
from rules.referral_state import ReferralFacts, ReferralStatus, status_on

pytestmark = pytest.mark.anyio
TODAY = date(2026, 6, 15)
DAY = timedelta(days=1)


def fact_combinations() -> list[dict[str, object]]:
    """Every shape of stored facts a referral reaches (facts dated up to today)."""
    out: list[dict[str, object]] = []
    deadlines = (None, TODAY - 10 * DAY, TODAY - DAY, TODAY, TODAY + DAY)
    for decision, meeting_deadline, outcome in itertools.product(
        deadlines, deadlines, ("deemed_rejected", "deemed_approved")
    ):
        for approved, rejected, not_viable, qualified, closed, meeting in itertools.product(
            (None, TODAY - 5 * DAY),
            (None, TODAY - 4 * DAY),
            (None, TODAY - 3 * DAY),
            (None, TODAY - 2 * DAY),
            (None, TODAY - DAY),
            (None, TODAY - 9 * DAY, TODAY - 30 * DAY),
        ):
            if rejected and (approved or not_viable):
                continue
            # not viable is recorded on a live referral: approved, or deemed approved
            deemed_approved = (
                outcome != "deemed_rejected" and decision and decision < TODAY - 3 * DAY
            )
            if not_viable and not (approved or deemed_approved):
                continue
            out.append(
                {
                    "decision_deadline": decision,
                    "meeting_deadline": meeting_deadline,
                    "undecided_outcome": outcome,
                    "approved_on": approved,
                    "rejected_on": rejected,
                    "not_viable_on": not_viable,
                    "qualified_on": qualified,
                    "closed_on": closed,
                    "meeting_on": meeting,
                }
            )
    return out


async def test_status_filters_match_the_rules(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None
) -> None:
    """Each status filter selects exactly the referrals whose computed status it names."""
    combos = fact_combinations()
    expected: dict[uuid.UUID, ReferralStatus] = {}
    async with sessionmaker.begin() as session:
        program = (await session.scalars(select(Program))).first()
        assert program is not None
        partner = Partner(
            legal_name="Stage SAS", display_name="Stage", country="FR", notice_address="Paris"
        )
        session.add(partner)
        await session.flush()
        for i, facts in enumerate(combos):
            row = Referral(
                program_id=program.id,
                partner_id=partner.id,
                client_name=f"client {i}",
                client_keys=[f"k{i}"],
                contact_name="c",
                contact_role="r",
                contact_email="c@example.com",
                contact_phone="1",
                description="d",
                submitted_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                submitted_on=TODAY - 40 * DAY,
                **facts,
            )
            session.add(row)
            await session.flush()
            rule_facts = {k: v for k, v in facts.items() if k != "undecided_outcome"}
            expected[row.id] = status_on(
                ReferralFacts(submitted_on=TODAY - 40 * DAY, **rule_facts),  # type: ignore[arg-type]
                TODAY,
                str(facts["undecided_outcome"]),
            )
    assert set(expected.values()) == set(ReferralStatus)
    async with sessionmaker() as session:
        for status in ReferralStatus:
            where = ReferralFilter(statuses=(status.value,), today_of=((program.id, TODAY),))
            found = set(
                await session.scalars(referrals_query(where).with_only_columns(Referral.id))
            )
            assert found == {i for i, s in expected.items() if s is status}, status
        pair = (ReferralStatus.APPROVED.value, ReferralStatus.NOT_LIVE.value)
        where = ReferralFilter(statuses=pair, today_of=((program.id, TODAY),))
        found = set(await session.scalars(referrals_query(where).with_only_columns(Referral.id)))
        assert found == {i for i, s in expected.items() if s.value in pair}


async def test_submitted_page_in_ascending_order_keeps_every_program_today(
    sessionmaker: async_sessionmaker[AsyncSession], seeded: None
) -> None:
    """The SUBMITTED filter bounds its walk by the oldest match (issue 14: a page at 1,000,000
    rows as fast as at 1,000); the bound is taken in each program's own today, so a referral
    still within its window only in the program whose today is earlier is listed first."""
    async with sessionmaker.begin() as session:
        first, second = list(await session.scalars(select(Program).order_by(Program.slug)))
        partner = Partner(
            legal_name="Bound SAS", display_name="Bound", country="FR", notice_address="Paris"
        )
        session.add(partner)
        await session.flush()
        rows: dict[str, Referral] = {}
        shapes = [
            ("old", first, 0, TODAY - 20 * DAY),  # past its window: deemed rejected
            ("late-only-in-first", first, 1, TODAY - DAY),  # first's today: past
            ("second-yesterday", second, 2, TODAY - DAY),  # second's today: still open
            ("first-today", first, 3, TODAY),
            ("second-today", second, 4, TODAY),
            ("first-later", first, 5, TODAY + DAY),
        ]
        for name, program, minute, deadline in shapes:
            rows[name] = Referral(
                program_id=program.id,
                partner_id=partner.id,
                client_name=name,
                client_keys=[name],
                contact_name="c",
                contact_role="r",
                contact_email="c@example.com",
                contact_phone="1",
                description="d",
                submitted_at=datetime(2026, 6, 1, tzinfo=UTC) + timedelta(minutes=minute),
                submitted_on=TODAY - 14 * DAY,
                decision_deadline=deadline,
                undecided_outcome="deemed_rejected",
            )
            session.add(rows[name])
        await session.flush()
    where = ReferralFilter(
        statuses=("submitted",), today_of=((first.id, TODAY), (second.id, TODAY - DAY))
    )
    query = referrals_query(where).order_by(Referral.submitted_at, Referral.id)
    async with sessionmaker() as session:
        page = list(await session.scalars(query.with_only_columns(Referral.client_name).limit(3)))
        every = list(await session.scalars(query.with_only_columns(Referral.client_name)))
    assert page == ["second-yesterday", "first-today", "second-today"]
    assert every == [*page, "first-later"]
