"""Referrals and commissions through GraphQL (CS-REF-*, CS-AGR-10/11)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from models import Program, Referral
from rules.business_days import BusinessCalendar
from schema.ids import decode_id
from services.partners.memberships import program_today
from services.referrals.sweep import sweep
from tests.conftest import Api
from tests.helpers.agreements import docx_text
from tests.helpers.referrals import (
    DECIDE_REFERRAL,
    MEETING,
    QUALIFY,
    REVENUE,
    SUBMIT,
    form,
    quick_referrers,
    referrer,
)

pytestmark = pytest.mark.anyio


async def _submit(api: Api, key: str, program_id: str, client: str, **extra: Any) -> dict[str, Any]:
    data = await api.gql(
        SUBMIT, {"input": {"programId": program_id, **form(client, **extra)}}, key=key
    )
    payload: dict[str, Any] = data["submitReferral"]
    return payload


async def _today(api: Api) -> date:
    async with api.sessionmaker() as session:
        program = await session.scalar(select(Program).where(Program.slug == "contentsquare"))
        assert program is not None
        return program_today(program)


async def test_first_referrer_wins_and_the_second_conflicts(api: Api) -> None:
    """Done when: two partners refer the same client, the first wins (CS-REF-04)."""
    _first, key1, cs = await referrer(api, "First")
    _second, key2, _ = await referrer(api, "Second")
    one = await _submit(api, key1, cs["id"], "ACME, Inc.", clientWebsite="https://www.acme.com")
    two = await _submit(api, key2, cs["id"], "Acme SAS")
    assert one["userErrors"] == [] and two["userErrors"] == []
    assert (one["referral"]["isPrimary"], one["referral"]["isConflicting"]) == (True, False)
    assert (two["referral"]["isPrimary"], two["referral"]["isConflicting"]) == (False, True)
    assert two["referral"]["conflictsWith"] is None  # a partner never learns who came first
    admin = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Referral { conflictsWith { id } } } }",
        {"id": two["referral"]["id"]},
    )
    assert admin["node"]["conflictsWith"] == {"id": one["referral"]["id"]}
    hidden = await api.gql(
        "query($id: ID!) { node(id: $id) { id } }", {"id": one["referral"]["id"]}, key=key2
    )
    assert hidden["node"] is None
    mine = await api.gql("{ referrals { totalCount edges { node { clientName } } } }", key=key2)
    assert mine["referrals"]["totalCount"] == 1
    again = await _submit(api, key1, cs["id"], "acme.com")
    assert again["userErrors"][0]["code"] == "DUPLICATE_REFERRAL"


async def test_closed_for_no_sale_frees_the_client(api: Api) -> None:
    _a, key1, cs = await referrer(api, "Early")
    _b, key2, _ = await referrer(api, "Later")
    first = (await _submit(api, key1, cs["id"], "Initech"))["referral"]
    closed = await api.gql(
        """mutation($input: CloseReferralInput!) { closeReferral(input: $input)
        { referral { status closeReason } userErrors { code } } }""",
        {"input": {"referralId": first["id"], "noSale": True}},
    )
    assert closed["closeReferral"]["referral"] == {"status": "CLOSED", "closeReason": "no_sale"}
    later = await _submit(api, key2, cs["id"], "initech.com")
    assert later["referral"]["isPrimary"] is True


async def test_missing_and_malformed_fields(api: Api) -> None:
    _p, key, cs = await referrer(api, "Careful")
    data = await api.gql(
        SUBMIT,
        {
            "input": {
                "programId": cs["id"],
                **form(
                    "Acme",
                    contactName=" ",
                    contactEmail="nope",
                    contactPhone="call me",
                    description="",
                ),
            }
        },
        key=key,
    )
    codes = {tuple(e["field"]): e["code"] for e in data["submitReferral"]["userErrors"]}
    assert codes == {
        ("input", "contactName"): "REQUIRED",
        ("input", "description"): "REQUIRED",
        ("input", "contactEmail"): "INVALID_EMAIL",
        ("input", "contactPhone"): "INVALID_PHONE",
    }


async def test_eligibility(api: Api) -> None:
    """CS-REF-09: a referrer schedule in effect; CS-REF-03: not an active opportunity."""
    from tests.helpers.api import create_partner

    outsider = await create_partner(api, capacities=["REFERRER"])
    _p, key, cs = await referrer(api, "Eligible")
    refused = await api.gql(
        SUBMIT, {"input": {"programId": cs["id"], "partnerId": outsider["id"], **form("Hooli")}}
    )
    assert refused["submitReferral"]["userErrors"][0]["code"] == "NO_ELIGIBLE_AGREEMENT"
    imported = await api.gql(
        """mutation($input: ImportActiveOpportunitiesInput!) {
        importActiveOpportunities(input: $input) { count userErrors { field code message } } }""",
        {
            "input": {
                "programId": cs["id"],
                "csv": "client_name,client_website,active_from\n"
                "Hooli Inc.,hooli.xyz,2020-01-01\n"
                "Pied Piper,,not-a-date\n",
            }
        },
    )
    result = imported["importActiveOpportunities"]
    assert result["count"] == 0
    assert result["userErrors"][0]["field"] == ["csv", "line 3"]
    imported = await api.gql(
        """mutation($input: ImportActiveOpportunitiesInput!) {
        importActiveOpportunities(input: $input) { count userErrors { code } } }""",
        {
            "input": {
                "programId": cs["id"],
                "csv": "client_name,client_website\nHooli Inc.,hooli.xyz\n",
            }
        },
    )
    assert imported["importActiveOpportunities"]["count"] == 1
    blocked = await _submit(api, key, cs["id"], "HOOLI")
    assert blocked["userErrors"][0]["code"] == "ACTIVE_OPPORTUNITY"


async def test_undecided_referral_is_deemed_rejected(api: Api) -> None:
    """Done when: undecided past 7 business days (holidays counted) reads as deemed rejected."""
    _p, key, cs = await referrer(api, "Patient")
    referral = (await _submit(api, key, cs["id"], "Umbrella Corp"))["referral"]
    today = await _today(api)
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


async def test_ncr_deductions_and_exclusions(api: Api) -> None:
    """CS-REF-13: taxes are deducted, professional services never count."""
    partner, key, cs = await referrer(api, "Seller")
    today = await _today(api)
    commissions = []
    for client, fee in (("Globex", "450000"), ("Soylent", "200000")):
        referral = (await _submit(api, key, cs["id"], client))["referral"]
        await api.gql(
            DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}}
        )
        met = await api.gql(MEETING, {"input": {"referralId": referral["id"]}})
        assert met["recordMeeting"]["referral"]["status"] == "APPROVED"
        qualified = await api.gql(
            QUALIFY,
            {
                "input": {
                    "referralId": referral["id"],
                    "signedOn": today.isoformat(),
                    "products": ["Experience Analytics"],
                }
            },
        )
        qa = qualified["recordQualifiedAgreement"]["qualifiedAgreement"]
        assert qualified["recordQualifiedAgreement"]["userErrors"] == []
        revenue = await api.gql(
            REVENUE,
            {
                "input": {
                    "qualifiedAgreementId": qa["id"],
                    "lines": [
                        {"kind": "invoiced_fee", "amount": fee, "occurredOn": today.isoformat()},
                        {
                            "kind": "professional_services",
                            "amount": "25000",
                            "occurredOn": today.isoformat(),
                        },
                        {"kind": "sales_tax", "amount": "1000", "occurredOn": today.isoformat()},
                        {"kind": "sales_tax", "amount": "1000", "occurredOn": today.isoformat()},
                    ],
                }
            },
        )
        payload = revenue["recordRevenue"]
        assert payload["userErrors"] == []
        commissions.append(payload["qualifiedAgreement"])
    first, second = (c["commission"] for c in commissions)
    # NCR deducts sales tax (CS-REF-13): 450,000 - 2,000 = 448,000 -> 30,000 + 22,200
    assert first["ncr"] == {"amount": "448000.00"}
    assert first["amount"] == {"amount": "52200.00", "currency": "USD"}
    assert second["ncr"] == {"amount": "198000.00"}
    reasons = {line["reason"] for line in commissions[0]["ncrLines"]}
    assert "professional services is excluded (CS-REF-13)" in reasons
    assert "sales tax deducted (CS-REF-13)" in reasons
    for line in first["lines"] + second["lines"]:
        assert line["ruleId"] == "CS-REF-15" and line["scheduleVersion"] == "2023-08"
    assert sum(float(line["amount"]["amount"]) for line in second["lines"]) == float(
        second["amount"]["amount"]
    )
    assert first["status"] == "PENDING"
    assert first["blockedReason"].startswith("CS-REF-07")
    del partner


async def test_seed_examples_payment_and_statement(api: Api) -> None:
    """Done when: the seed's examples (US$450,000 -> US$52,500; then US$200,000 ->
    US$32,500) come out to the cent with their explanation lines, payment waits for the
    client's full payment and tax documents, and a statement downloads (CS-REF-07/08/14/15,
    CS-AGR-11)."""
    partner, key, cs = await referrer(api, "Exact")
    today = await _today(api)
    results = []
    for client, fee in (("Vandelay", "450000"), ("Kramerica", "200000")):
        referral = (await _submit(api, key, cs["id"], client))["referral"]
        await api.gql(
            DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}}
        )
        await api.gql(MEETING, {"input": {"referralId": referral["id"]}})
        qa = (
            await api.gql(
                QUALIFY,
                {
                    "input": {
                        "referralId": referral["id"],
                        "signedOn": today.isoformat(),
                        "products": ["Analytics"],
                    }
                },
            )
        )["recordQualifiedAgreement"]["qualifiedAgreement"]
        revenue = await api.gql(
            REVENUE,
            {
                "input": {
                    "qualifiedAgreementId": qa["id"],
                    "lines": [
                        {"kind": "invoiced_fee", "amount": fee, "occurredOn": today.isoformat()}
                    ],
                }
            },
        )
        results.append((qa, revenue["recordRevenue"]["qualifiedAgreement"]["commission"]))
    (qa1, first), (_qa2, second) = results
    assert first["amount"]["amount"] == "52500.00"
    assert second["amount"]["amount"] == "32500.00"
    assert [
        (line["sliceFrom"], line["sliceTo"], line["rate"], line["amount"]["amount"])
        for line in second["lines"]
    ] == [
        ("450000.00", "600000.00", "0.15", "22500.00"),
        ("600000.00", "650000.00", "0.20", "10000.00"),
    ]

    payment = await api.gql(
        """mutation($input: RecordClientPaymentInput!) {
        recordClientPayment(input: $input) { qualifiedAgreement { commission { status dueDate
        blockedReason } } userErrors { code } } }""",
        {
            "input": {
                "qualifiedAgreementId": qa1["id"],
                "receivedOn": today.isoformat(),
                "amount": "450000",
            }
        },
    )
    commission = payment["recordClientPayment"]["qualifiedAgreement"]["commission"]
    assert commission["status"] == "PAYABLE"
    assert commission["dueDate"] == (today + timedelta(days=30)).isoformat()
    assert commission["blockedReason"].startswith("CS-REF-08")
    payout = """mutation($input: RecordPayoutInput!) { recordPayout(input: $input) {
        commission { status paidOn payout { gross { amount } withholding { amount }
        setOff { amount } net { amount } } } userErrors { code message } } }"""
    blocked = await api.gql(
        payout, {"input": {"commissionId": first["id"], "paidOn": today.isoformat()}}
    )
    assert blocked["recordPayout"]["userErrors"][0]["code"] == "TAX_DOCUMENTATION_MISSING"
    unpaid = await api.gql(
        payout, {"input": {"commissionId": second["id"], "paidOn": today.isoformat()}}
    )
    assert unpaid["recordPayout"]["userErrors"][0]["code"] == "PAYMENT_NOT_RECEIVED"
    tax = await api.gql(
        """mutation($input: RecordTaxDocumentationInput!) {
        recordTaxDocumentation(input: $input) { count userErrors { code } } }""",
        {
            "input": {
                "partnerId": partner["id"],
                "receivedOn": today.isoformat(),
                "withholdingRate": "0.1",
            }
        },
    )
    assert tax["recordTaxDocumentation"]["count"] == 1
    paid = await api.gql(
        payout,
        {
            "input": {
                "commissionId": first["id"],
                "paidOn": today.isoformat(),
                "setOff": "500",
                "setOffReason": "unpaid training invoice",
            }
        },
    )
    result = paid["recordPayout"]["commission"]
    assert result["status"] == "PAID"
    assert result["payout"] == {
        "gross": {"amount": "52500.00"},
        "withholding": {"amount": "5250.00"},
        "setOff": {"amount": "500.00"},
        "net": {"amount": "46750.00"},
    }
    again = await api.gql(
        payout, {"input": {"commissionId": first["id"], "paidOn": today.isoformat()}}
    )
    assert again["recordPayout"]["userErrors"][0]["code"] == "ALREADY_PAID"

    statement = await api.gql(
        """mutation($input: GenerateCommissionStatementInput!) {
        generateCommissionStatement(input: $input) { document { id sha256 kind }
        userErrors { code } } }""",
        {"input": {"programId": cs["id"], "year": today.year}},
        key=key,
    )
    document = statement["generateCommissionStatement"]["document"]
    assert document["kind"] == "commission-statement"
    response = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    text = docx_text(response.content)
    assert "Vandelay" in text and "Kramerica" in text
    assert "USD 22,500.00" in text and "USD 10,000.00" in text
    assert "Total commission: USD 85,000.00" in text


async def test_fifty_concurrent_submissions_make_one_primary(api: Api) -> None:
    """CS-REF-04 under concurrency: the database decides, on SQLite and PostgreSQL."""
    partners = await quick_referrers(api.sessionmaker, api, 50)
    cs_id = (await api.gql('{ program(slug: "contentsquare") { id } }'))["program"]["id"]
    spellings = [
        "Massive Dynamic",
        "massive dynamic inc.",
        "MASSIVE DYNAMIC SAS",
        "massivedynamic.com",
        "https://www.massivedynamic.com/en",
    ]
    results = await asyncio.gather(
        *(
            _submit(api, key, cs_id, spellings[i % len(spellings)])
            for i, (_partner, key) in enumerate(partners)
        )
    )
    assert all(r["userErrors"] == [] for r in results), results
    primaries = [r["referral"] for r in results if r["referral"]["isPrimary"]]
    assert len(primaries) == 1
    async with api.sessionmaker() as session:
        rows = list(await session.scalars(select(Referral)))
    primary_id = decode_id(primaries[0]["id"])[1]
    assert len(rows) == 50
    assert {r.conflicts_with_id for r in rows if not r.is_primary} == {primary_id}


async def test_qualification_rules(api: Api) -> None:
    """CS-REF-04/10/11: only a live, primary referral qualifies, inside its window."""
    _a, key1, cs = await referrer(api, "Holder")
    _b, key2, _ = await referrer(api, "Follower")
    today = await _today(api)
    first = (await _submit(api, key1, cs["id"], "Stark Industries"))["referral"]
    second = (await _submit(api, key2, cs["id"], "stark industries inc"))["referral"]
    for referral in (first, second):
        await api.gql(
            DECIDE_REFERRAL, {"input": {"referralId": referral["id"], "decision": "APPROVE"}}
        )
    qualify = {"signedOn": today.isoformat(), "products": ["Analytics"]}
    not_primary = await api.gql(QUALIFY, {"input": {"referralId": second["id"], **qualify}})
    assert not_primary["recordQualifiedAgreement"]["userErrors"][0]["code"] == "NOT_PRIMARY"
    future = await api.gql(
        QUALIFY,
        {
            "input": {
                "referralId": first["id"],
                **qualify,
                "signedOn": (today + timedelta(days=1)).isoformat(),
            }
        },
    )
    assert future["recordQualifiedAgreement"]["userErrors"][0]["code"] == "INVALID_DATE"
    not_viable = await api.gql(
        """mutation($input: MarkReferralNotViableInput!) {
        markReferralNotViable(input: $input) { referral { status notViableReason }
        userErrors { code } } }""",
        {"input": {"referralId": first["id"], "omitted": True}},
    )
    assert not_viable["markReferralNotViable"]["referral"] == {
        "status": "NOT_LIVE",
        "notViableReason": "Omitted",
    }
    dead = await api.gql(QUALIFY, {"input": {"referralId": first["id"], **qualify}})
    assert dead["recordQualifiedAgreement"]["userErrors"][0]["code"] == "NOT_LIVE"


async def test_status_filter_matches_computed_status(api: Api) -> None:
    _p, key, cs = await referrer(api, "Filter")
    made = {}
    for client in ("Alpha", "Beta", "Gamma"):
        made[client] = (await _submit(api, key, cs["id"], client))["referral"]
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


async def test_segment_referrals_need_the_addendum(api: Api) -> None:
    """SEG-TIER-10/11: Segment's referral fee is program data and needs the addendum."""
    from tests.helpers.agreements import accept_segment, partner_key

    _partner, key = await partner_key(api)
    segment = (await api.gql('{ program(slug: "segment-technology") { id } }'))["program"]
    await accept_segment(api, key)
    refused = await _submit(api, key, segment["id"], "Wayne Enterprises")
    assert refused["userErrors"][0]["code"] == "NO_ELIGIBLE_AGREEMENT"
    await accept_segment(api, key, kind="segment-referral-addendum")
    accepted = await _submit(api, key, segment["id"], "Wayne Enterprises")
    assert accepted["userErrors"] == []
    assert accepted["referral"]["decisionDeadline"] is None  # Segment sets no window
