"""Done when (issue 11): through GraphQL, with backdated facts, three calendar years of a
partner's referrals reproduce the Referrer Schedule's carry-over and reset (CS-REF-15/16), the
seed's two examples come out to the cent, and a revenue line added afterwards to the first year
changes the later years' open commissions and adjusts a paid one.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Api
from tests.helpers.agreements import docx_text
from tests.helpers.api import program_today_of
from tests.helpers.ledger import (
    PAYMENT,
    PAYOUT,
    TAX,
    add_fee,
    gql_ok,
    ledger,
    qualified_with_fee,
)
from tests.helpers.referrals import referrer

pytestmark = pytest.mark.anyio
SINCE = date(2024, 1, 2)  # the partner's agreements are in effect from then on


def _amounts(answer: dict[str, object]) -> dict[str, str]:
    entries = answer["entries"]
    assert isinstance(entries, list)
    return {e["qualifiedAgreementId"]: e["amount"]["amount"] for e in entries}


async def test_seed_examples_carry_over_and_reset_across_three_years(api: Api) -> None:
    """CS-REF-15: 450,000 -> 52,500 and then 200,000 -> 32,500 in 2024 (20% reached).
    CS-REF-16: 2025's 100,000 earns the carried 20% (20,000); 2025 met no threshold, so 2026
    is back to the base rate: 100,000 -> 10,000."""
    partner, _key, cs = await referrer(api, "Threeyears", since=SINCE)
    a, _ = await qualified_with_fee(api, partner, cs, "Vandelay", date(2024, 2, 1), "450000")
    b, _ = await qualified_with_fee(api, partner, cs, "Kramerica", date(2024, 3, 1), "200000")
    c, _ = await qualified_with_fee(api, partner, cs, "Pendant", date(2025, 2, 1), "100000")
    d, _ = await qualified_with_fee(api, partner, cs, "Monks", date(2026, 2, 1), "100000")
    answer = await ledger(api, partner, cs)
    assert _amounts(answer) == {a: "52500.00", b: "32500.00", c: "20000.00", d: "10000.00"}
    by_id = {e["qualifiedAgreementId"]: e for e in answer["entries"]}
    assert [(x["rate"], x["amount"]["amount"]) for x in by_id[b]["lines"]] == [
        ("0.15", "22500.00"),
        ("0.20", "10000.00"),
    ]
    assert by_id[c]["rateCarriedIn"] == "0.20"
    assert {x["ruleId"] for x in by_id[c]["lines"]} == {"CS-REF-16"}
    assert by_id[d]["rateCarriedIn"] is None
    assert answer["pending"] == {"amount": "115000.00"}
    # As of the end of 2024 the later years do not exist yet.
    assert _amounts(await ledger(api, partner, cs, date(2024, 12, 31))) == {
        a: "52500.00",
        b: "32500.00",
    }


async def test_revenue_added_to_the_first_year_moves_later_years_and_adjusts_a_paid_one(
    api: Api,
) -> None:
    """CS-REF-16 reading: 2024 250,000 (no threshold); 2025 350,000 at base rates (37,500,
    paid); 2026 carries 15% (100,000 -> 15,000). A 400,000 line recorded afterwards in 2024
    makes 2024 reach 20%: 2025 would earn 70,000 (paid 37,500 stays; +32,500 adjustment naming
    the line), and 2026 keeps 20% (no step-down after the 350,000 year): 20,000."""
    partner, key, cs = await referrer(api, "Latecomer", since=SINCE)
    a, _ = await qualified_with_fee(api, partner, cs, "Initech", date(2024, 2, 1), "250000")
    c, c_commission = await qualified_with_fee(
        api, partner, cs, "Hooli", date(2025, 2, 1), "350000"
    )
    d, d_commission = await qualified_with_fee(
        api, partner, cs, "Globex", date(2026, 2, 1), "100000"
    )
    await gql_ok(
        api,
        TAX,
        {"input": {"partnerId": partner["id"], "receivedOn": "2025-01-15", "withholdingRate": "0"}},
    )
    await gql_ok(
        api,
        PAYMENT,
        {"input": {"qualifiedAgreementId": c, "receivedOn": "2025-03-01", "amount": "350000"}},
    )
    paid = await gql_ok(
        api, PAYOUT, {"input": {"commissionId": c_commission, "paidOn": "2025-04-01"}}
    )
    assert paid["commission"]["payout"]["gross"] == {"amount": "37500.00"}
    before = await ledger(api, partner, cs)
    assert _amounts(before) == {a: "25000.00", c: "37500.00", d: "15000.00"}

    late = await add_fee(api, a, "400000", date(2024, 6, 1))
    line_id = [r["id"] for r in late["qualifiedAgreement"]["revenue"]][-1]
    after = await ledger(api, partner, cs)
    assert _amounts(after) == {a: "85000.00", c: "37500.00", d: "20000.00"}
    by_id = {e["qualifiedAgreementId"]: e for e in after["entries"]}
    assert by_id[c]["status"] == "PAID"
    [adjustment] = by_id[c]["adjustments"]
    assert adjustment["amount"] == {"amount": "32500.00"}
    assert adjustment["cause"] == line_id
    assert "37,500.00 to 70,000.00" in adjustment["reason"]
    assert after["openAdjustments"][0]["amount"] == {"amount": "32500.00"}
    assert by_id[d]["rateCarriedIn"] == "0.20"
    # Before the late line's own date, 2024 is as it was.
    assert _amounts(await ledger(api, partner, cs, date(2024, 5, 31)))[a] == "25000.00"

    # Facts dated after a day never change that day's answer.
    end_2025 = await ledger(api, partner, cs, date(2025, 12, 31))
    await gql_ok(
        api,
        PAYMENT,
        {"input": {"qualifiedAgreementId": d, "receivedOn": "2026-03-01", "amount": "100000"}},
    )
    due = await ledger(api, partner, cs)
    assert due["payable"] == {"amount": "20000.00"}
    assert due["balance"] == {"amount": "52500.00"}  # the adjustment rides on the next payable
    early = await api.gql(PAYOUT, {"input": {"commissionId": d_commission, "paidOn": "2026-02-15"}})
    [error] = early["recordPayout"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "paidOn"], "PAYMENT_NOT_RECEIVED")
    payout = await gql_ok(
        api, PAYOUT, {"input": {"commissionId": d_commission, "paidOn": "2026-04-01"}}
    )
    assert payout["commission"]["payout"] == {
        "gross": {"amount": "20000.00"},
        "adjustments": {"amount": "32500.00"},
        "net": {"amount": "52500.00"},
    }
    settled = await ledger(api, partner, cs)
    assert settled["openAdjustments"] == [] and settled["balance"] == {"amount": "0.00"}
    assert await ledger(api, partner, cs, date(2025, 12, 31)) == end_2025

    # The statement of the year of the payout shows the adjustment it settled.
    statement = await api.gql(
        """mutation($input: GenerateCommissionStatementInput!) {
        generateCommissionStatement(input: $input) { document { id } userErrors { code } } }""",
        {"input": {"programId": cs["id"], "year": 2026}},
        key=key,
    )
    document = statement["generateCommissionStatement"]["document"]
    response = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    text = docx_text(response.content)
    assert (
        "Adjustment of the paid commission on Hooli, settled with the payout of 1 April 2026"
        in text
    )
    assert "Adjustments\nUS$32,500.00\nPaid (gross)\nUS$52,500.00" in text
    assert "Balance due to the Partner\nUS$0.00" in text


async def test_an_open_adjustment_is_on_the_current_statement(api: Api) -> None:
    """Issue 11: before the next payout settles it, an adjustment of a paid commission is on
    the current year's statement, carried to the next payout, and in the balance due: last
    year's 350,000 was paid 37,500 at base rates; a 400,000 line recorded afterwards in the
    year before makes that year reach 20% (CS-REF-16), so the paid commission would be 70,000."""
    year = (await program_today_of(api, "contentsquare")).year
    partner, key, cs = await referrer(api, "Opener", since=date(year - 2, 1, 2))
    first, _ = await qualified_with_fee(api, partner, cs, "Initech", date(year - 2, 2, 1), "250000")
    paid, commission = await qualified_with_fee(
        api, partner, cs, "Hooli", date(year - 1, 2, 1), "350000"
    )
    tax = {"partnerId": partner["id"], "receivedOn": f"{year - 1}-01-15", "withholdingRate": "0"}
    await gql_ok(api, TAX, {"input": tax})
    payment = {"qualifiedAgreementId": paid, "receivedOn": f"{year - 1}-03-01", "amount": "350000"}
    await gql_ok(api, PAYMENT, {"input": payment})
    await gql_ok(
        api, PAYOUT, {"input": {"commissionId": commission, "paidOn": f"{year - 1}-04-01"}}
    )
    await add_fee(api, first, "400000", date(year - 2, 6, 1))
    assert (await ledger(api, partner, cs))["balance"] == {"amount": "32500.00"}
    statement = await api.gql(
        """mutation($input: GenerateCommissionStatementInput!) {
        generateCommissionStatement(input: $input) { document { id } userErrors { code } } }""",
        {"input": {"programId": cs["id"], "year": year}},
        key=key,
    )
    document = statement["generateCommissionStatement"]["document"]
    response = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    text = docx_text(response.content)
    assert "Open adjustment of the paid commission on Hooli, carried to the next payout" in text
    assert "Adjustments\nUS$32,500.00" in text
    assert "Balance due to the Partner\nUS$32,500.00" in text
