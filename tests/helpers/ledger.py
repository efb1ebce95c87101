"""Ledger test helpers: backdated referrals and the ledger's GraphQL calls.

`referral_on` records a referral's whole history through GraphQL with its own dates.
`backdated_referral` writes one straight to the database, for tests that need a referral
outside any agreement's history.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from models import Referral
from models.base import utcnow
from schema.ids import decode_id, encode_id
from tests.conftest import Api

QUALIFY = """mutation($input: RecordQualifiedAgreementInput!) {
  recordQualifiedAgreement(input: $input) {
  qualifiedAgreement { id commission { id } } userErrors { field code message } } }"""
REVENUE = """mutation($input: RecordRevenueInput!) { recordRevenue(input: $input) {
  qualifiedAgreement { id revenue { id } commission { id amount { amount } } }
  userErrors { field code message } } }"""
PAYMENT = """mutation($input: RecordClientPaymentInput!) { recordClientPayment(input: $input) {
  qualifiedAgreement { id } userErrors { field code message } } }"""
TAX = """mutation($input: RecordTaxDocumentationInput!) {
  recordTaxDocumentation(input: $input) { count userErrors { field code message } } }"""
PAYOUT = """mutation($input: RecordPayoutInput!) { recordPayout(input: $input) {
  commission { id status payout { gross { amount } adjustments { amount } net { amount } } }
  userErrors { field code message } } }"""
LEDGER = """query($partner: ID!, $program: ID!, $asOf: Date) {
  commissionLedger(partner: $partner, program: $program, asOf: $asOf) {
    asOf balance { amount } payable { amount } pending { amount } paid { amount }
    openAdjustments { qualifiedAgreementId amount { amount } cause reason }
    entries { qualifiedAgreementId year amount { amount } ncr { amount } status rateCarriedIn
      paidOn payableOn lines { base { amount } rate amount { amount } ruleId }
      adjustments { amount { amount } cause reason } } } }"""


async def backdated_referral(
    api: Api, partner: dict[str, Any], program: dict[str, Any], client: str, submitted_on: date
) -> str:
    """An approved referral whose meeting took place, submitted on a past day."""
    ident = uuid.uuid4()
    async with api.sessionmaker.begin() as session:
        session.add(
            Referral(
                id=ident,
                program_id=decode_id(program["id"])[1],
                partner_id=decode_id(partner["id"])[1],
                client_name=client,
                client_keys=[f"{client.lower()}-{ident.hex[:8]}"],
                contact_name="Ada Lovelace",
                contact_role="CFO",
                contact_email="ada@client.example",
                contact_phone="+33 1 00 00 00 00",
                description="Backdated referral for a ledger history.",
                submitted_at=utcnow(),
                submitted_on=submitted_on,
                decision_deadline=submitted_on + timedelta(days=10),
                meeting_deadline=submitted_on + timedelta(days=40),
                undecided_outcome="deemed_rejected",
                is_primary=True,
                approved_on=submitted_on + timedelta(days=1),
                meeting_on=submitted_on + timedelta(days=5),
            )
        )
    return encode_id("Referral", ident)


async def referral_on(
    api: Api, partner: dict[str, Any], program: dict[str, Any], client: str, submitted_on: date
) -> str:
    """An approved referral whose meeting was arranged, every fact dated from `submitted_on`
    on by an admin through GraphQL (issue 11): submitted, approved the next day, meeting
    arranged four days later."""
    from tests.helpers.referrals import DECIDE_REFERRAL, MEETING, submit_on

    submitted = await submit_on(api, partner, program["id"], client, submitted_on)
    assert submitted["userErrors"] == [], submitted["userErrors"]
    referral: str = submitted["referral"]["id"]
    decided_on = (submitted_on + timedelta(days=1)).isoformat()
    await gql_ok(
        api,
        DECIDE_REFERRAL,
        {"input": {"referralId": referral, "decision": "APPROVE", "decidedOn": decided_on}},
    )
    arranged_on = (submitted_on + timedelta(days=5)).isoformat()
    await gql_ok(api, MEETING, {"input": {"referralId": referral, "arrangedOn": arranged_on}})
    return referral


async def gql_ok(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A mutation's payload, asserting it raised no user error."""
    data = await api.gql(query, variables)
    payload: dict[str, Any] = next(iter(data.values()))
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def qualified_with_fee(
    api: Api,
    partner: dict[str, Any],
    program: dict[str, Any],
    client: str,
    signed_on: date,
    fee: str,
) -> tuple[str, str]:
    """A referral submitted 20 days before `signed_on`, signed that day, with one fee line
    that day, all through GraphQL: (QA, commission). The partner's agreements must be in
    effect by then (`referrer(..., since=...)`)."""
    referral = await referral_on(api, partner, program, client, signed_on - timedelta(days=20))
    qa = await gql_ok(
        api,
        QUALIFY,
        {"input": {"referralId": referral, "signedOn": signed_on.isoformat(), "products": ["X"]}},
    )
    qa_id: str = qa["qualifiedAgreement"]["id"]
    revenue = await add_fee(api, qa_id, fee, signed_on)
    return qa_id, revenue["qualifiedAgreement"]["commission"]["id"]


async def add_fee(api: Api, qa_id: str, amount: str, on: date) -> dict[str, Any]:
    """Record one invoiced fee line."""
    return await gql_ok(
        api,
        REVENUE,
        {
            "input": {
                "qualifiedAgreementId": qa_id,
                "lines": [{"kind": "invoiced_fee", "amount": amount, "occurredOn": on.isoformat()}],
            }
        },
    )


async def ledger(
    api: Api, partner: dict[str, Any], program: dict[str, Any], as_of: date | None = None
) -> dict[str, Any]:
    """The commissionLedger answer."""
    data = await api.gql(
        LEDGER,
        {
            "partner": partner["id"],
            "program": program["id"],
            "asOf": as_of.isoformat() if as_of else None,
        },
    )
    result: dict[str, Any] = data["commissionLedger"]
    return result
