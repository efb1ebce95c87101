"""Client payments, tax documentation, payouts with set-off and statements (CS-REF-07/08/14/15,
CS-AGR-11).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import Api
from tests.helpers.agreements import docx_text
from tests.helpers.referrals import (
    DECIDE_REFERRAL,
    MEETING,
    QUALIFY,
    REVENUE,
    contentsquare_today,
    referrer,
    submit,
)

pytestmark = pytest.mark.anyio


async def test_seed_examples_payment_and_statement(api: Api) -> None:
    """Done when: the seed's examples (US$450,000 -> US$52,500; then US$200,000 ->
    US$32,500) come out to the cent with their explanation lines, payment waits for the
    client's full payment and tax documents, and a statement downloads (CS-REF-07/08/14/15,
    CS-AGR-11)."""
    partner, key, cs = await referrer(api, "Exact")
    today = await contentsquare_today(api)
    results = []
    for client, fee in (("Vandelay", "450000"), ("Kramerica", "200000")):
        referral = (await submit(api, key, cs["id"], client))["referral"]
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
    assert "US$22,500.00" in text and "US$10,000.00" in text
    assert "Commission earned\nUS$85,000.00" in text
    assert "Tax withheld\n-US$5,250.00" in text and "Set-off\n-US$500.00" in text
    assert "Net paid to the Partner\nUS$46,750.00" in text  # not the gross 52,500
    assert "Balance due to the Partner\nUS$32,500.00" in text
    assert "Content Square SAS, 7 rue de Madrid, 75008 Paris, France" in text
    assert "unpaid training invoice" in text
