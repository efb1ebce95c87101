"""Deciding, closing and sweeping referrals; status computed from facts (CS-REF-02/04/10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from models import Program, Referral
from rules.business_days import BusinessCalendar
from schema.ids import decode_id
from services.partners.memberships import program_today
from services.referrals.sweep import sweep
from tests.conftest import Api
from tests.helpers.referrals import (
    DECIDE_REFERRAL,
    contentsquare_today,
    referrer,
    submit,
)

pytestmark = pytest.mark.anyio


async def test_closed_for_no_sale_frees_the_client(api: Api) -> None:
    _a, key1, cs = await referrer(api, "Early")
    _b, key2, _ = await referrer(api, "Later")
    first = (await submit(api, key1, cs["id"], "Initech"))["referral"]
    closed = await api.gql(
        """mutation($input: CloseReferralInput!) { closeReferral(input: $input)
        { referral { status closeReason } userErrors { code } } }""",
        {"input": {"referralId": first["id"], "noSale": True}},
    )
    assert closed["closeReferral"]["referral"] == {"status": "CLOSED", "closeReason": "no_sale"}
    later = await submit(api, key2, cs["id"], "initech.com")
    assert later["referral"]["isPrimary"] is True


async def test_undecided_referral_is_deemed_rejected(api: Api) -> None:
    """Done when: undecided past 7 business days (holidays counted) reads as deemed rejected."""
    _p, key, cs = await referrer(api, "Patient")
    referral = (await submit(api, key, cs["id"], "Umbrella Corp"))["referral"]
    today = await contentsquare_today(api)
    calendar = BusinessCalendar(country="FR", extra=frozenset({(12, 25), (12, 26), (1, 1)}))
    deadline = calendar.add_business_days(today, 7)
    assert referral["decisionDeadline"] == deadline.isoformat()
    assert referral["status"] == "SUBMITTED"
    query = """query($id: ID!, $d: Date!) { node(id: $id) { ... on Referral {
        statusAsOf(date: $d) } } }"""
    at = await api.gql(query, {"id": referral["id"], "d": deadline.isoformat()})
    after = await api.gql(
        query, {"id": referral["id"], "d": (deadline + timedelta(days=1)).isoformat()}
    )
    assert at["node"]["statusAsOf"] == "SUBMITTED"
    assert after["node"]["statusAsOf"] == "DEEMED_REJECTED"
    # Move the facts back in time: the API answers as of now, with no background job.
    referral_id = decode_id(referral["id"])[1]
    old = date(2025, 12, 23)  # over Christmas: due on 6 January 2026
    async with api.sessionmaker.begin() as session:
        await session.execute(
            update(Referral)
            .where(Referral.id == referral_id)
            .values(
                submitted_on=old,
                decision_deadline=calendar.add_business_days(old, 7),
                meeting_deadline=old + timedelta(days=30),
            )
        )
    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Referral { status decisionDeadline } } }",
        {"id": referral["id"]},
    )
    assert data["node"] == {"status": "DEEMED_REJECTED", "decisionDeadline": "2026-01-06"}
    late = await api.gql(
        DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}}
    )
    assert late["decideReferral"]["userErrors"][0]["code"] == "DECISION_WINDOW_CLOSED"
    listed = await api.gql("{ referrals(filter: {status: [DEEMED_REJECTED]}) { totalCount } }")
    assert listed["referrals"]["totalCount"] == 1
    async with api.sessionmaker.begin() as session:
        programs = {p.id: program_today(p) for p in await session.scalars(select(Program))}
        first = await sweep(session, programs)
    async with api.sessionmaker.begin() as session:
        second = await sweep(session, programs)
        row = await session.get(Referral, referral_id)
    assert first["deemed_rejected"] == 1 and second["deemed_rejected"] == 0
    assert row is not None and row.deemed_rejected_on == date(2026, 1, 7)


async def test_status_filter_matches_computed_status(api: Api) -> None:
    _p, key, cs = await referrer(api, "Filter")
    made = {}
    for client in ("Alpha", "Beta", "Gamma"):
        made[client] = (await submit(api, key, cs["id"], client))["referral"]
    await api.gql(
        DECIDE_REFERRAL, {"input": {"referralId": made["Beta"]["id"], "decision": "APPROVE"}}
    )
    await api.gql(
        DECIDE_REFERRAL,
        {"input": {"referralId": made["Gamma"]["id"], "decision": "REJECT", "reason": "no fit"}},
    )
    data = await api.gql("{ referrals(first: 100) { edges { node { clientName status } } } }")
    computed = {e["node"]["clientName"]: e["node"]["status"] for e in data["referrals"]["edges"]}
    assert computed == {"Alpha": "SUBMITTED", "Beta": "APPROVED", "Gamma": "REJECTED"}
    for status in ("SUBMITTED", "APPROVED", "REJECTED", "NOT_LIVE", "CLOSED"):
        found = await api.gql(
            "query($s: [ReferralStatus!]) { referrals(filter: {status: $s}) "
            "{ edges { node { clientName } } } }",
            {"s": [status]},
        )
        names = {e["node"]["clientName"] for e in found["referrals"]["edges"]}
        assert names == {n for n, s in computed.items() if s == status}, status
