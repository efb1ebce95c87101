"""Ledger facts through GraphQL: taxes (CS-REF-13/14), revenue corrections and voids, fact
dates, and liability caps from recorded facts (SEG-AGR-11, CS-AGR-08)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from models import Agreement, Program
from schema.ids import decode_id
from services.agreements.state import agreement_spec
from services.commissions.liability import cap_on
from services.programs.sections.agreements import LiabilityCap
from services.programs.sections.fields import Money
from tests.conftest import Api
from tests.helpers.ledger import (
    PAYMENT,
    PAYOUT,
    QUALIFY,
    REVENUE,
    TAX,
    gql_ok,
    ledger,
    qualified_with_fee,
)
from tests.helpers.referrals import referrer

pytestmark = pytest.mark.anyio
SINCE = date(2024, 1, 2)  # the partner's agreements are in effect from then on

CORRECT = """mutation($input: CorrectRevenueLineInput!) { correctRevenueLine(input: $input) {
  qualifiedAgreement { revenue { id amount { amount } voided effectiveOn supersedesId }
    commission { amount { amount } } } userErrors { field code message } } }"""
VOID = """mutation($input: VoidRevenueLineInput!) { voidRevenueLine(input: $input) {
  qualifiedAgreement { revenue { id voided } commission { amount { amount } } }
  userErrors { field code message } } }"""


async def test_invoice_with_vat_paid_in_full(api: Api) -> None:
    """CS-REF-13/14 reading: fees are recorded net of tax. An invoice of 100,000 plus 20,000
    VAT is a fee line and a `vat` line: NCR 100,000 (10,000 commission), and 120,000 received
    is payment in full."""
    partner, _key, cs = await referrer(api, "Taxed", since=SINCE)
    qa, _ = await qualified_with_fee(api, partner, cs, "Vatco", date(2026, 2, 1), "100000")
    vat = {"kind": "vat", "amount": "20000", "occurredOn": "2026-02-01"}
    await gql_ok(api, REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": [vat]}})
    short = {"qualifiedAgreementId": qa, "receivedOn": "2026-03-01", "amount": "100000"}
    await gql_ok(api, PAYMENT, {"input": short})
    [entry] = (await ledger(api, partner, cs))["entries"]
    assert entry["ncr"] == {"amount": "100000.00"} and entry["status"] == "PENDING"
    rest = {"qualifiedAgreementId": qa, "receivedOn": "2026-03-02", "amount": "20000"}
    await gql_ok(api, PAYMENT, {"input": rest})
    [entry] = (await ledger(api, partner, cs))["entries"]
    assert entry["amount"] == {"amount": "10000.00"}
    assert (entry["status"], entry["payableOn"]) == ("PAYABLE", "2026-03-02")


async def test_tax_kinds_are_program_data(api: Api) -> None:
    """A kind outside the program's fees, deductions, exclusions and `revenue_taxes` is
    refused, naming the field."""
    partner, _key, cs = await referrer(api, "Kinds", since=SINCE)
    qa, _ = await qualified_with_fee(api, partner, cs, "Kindco", date(2026, 2, 1), "1000")
    data = await api.gql(
        REVENUE,
        {
            "input": {
                "qualifiedAgreementId": qa,
                "lines": [{"kind": "stamp_duty", "amount": "5", "occurredOn": "2026-02-01"}],
            }
        },
    )
    [error] = data["recordRevenue"]["userErrors"]
    assert error["code"] == "UNKNOWN_REVENUE_KIND" and "vat" in error["message"]


async def test_fact_dates_after_today_or_before_signing_are_refused(api: Api) -> None:
    """Issue 11: revenue and tax documents dated 2999-01-01 are refused; revenue before the
    signing too; each error names its field."""
    partner, _key, cs = await referrer(api, "Future", since=SINCE)
    qa, _ = await qualified_with_fee(api, partner, cs, "Futura", date(2026, 2, 1), "1000")
    for day, code in (("2999-01-01", "DATE_IN_FUTURE"), ("2026-01-31", "DATE_OUT_OF_ORDER")):
        line = {"kind": "invoiced_fee", "amount": "5", "occurredOn": day}
        data = await api.gql(REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": [line]}})
        [error] = data["recordRevenue"]["userErrors"]
        assert error["code"] == code
        assert error["field"] == ["input", "lines.0.occurredOn"]
    tax = await api.gql(
        TAX,
        {"input": {"partnerId": partner["id"], "receivedOn": "2999-01-01", "withholdingRate": "0"}},
    )
    assert tax["recordTaxDocumentation"]["userErrors"][0]["field"] == ["input", "receivedOn"]
    payment = await api.gql(
        PAYMENT,
        {"input": {"qualifiedAgreementId": qa, "receivedOn": "2999-01-01", "amount": "5"}},
    )
    assert payment["recordClientPayment"]["userErrors"][0]["code"] == "DATE_IN_FUTURE"
    early = await api.gql(
        PAYMENT,
        {"input": {"qualifiedAgreementId": qa, "receivedOn": "2026-01-31", "amount": "5"}},
    )
    [error] = early["recordClientPayment"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "receivedOn"], "DATE_OUT_OF_ORDER")


async def test_correct_and_void_revenue_lines(api: Api) -> None:
    """A correction supersedes a line from its own date; the old line stays on record; the
    ledger before that date still reads the old figure; a void removes the line."""
    partner, _key, cs = await referrer(api, "Fixer", since=SINCE)
    qa, _ = await qualified_with_fee(api, partner, cs, "Fixco", date(2025, 2, 1), "450000")
    answer = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on QualifiedAgreement { revenue { id } } } }",
        {"id": qa},
    )
    [line] = answer["node"]["revenue"]
    fixed = await gql_ok(
        api,
        CORRECT,
        {
            "input": {
                "revenueLineId": line["id"],
                "correction": {
                    "kind": "invoiced_fee",
                    "amount": "200000",
                    "occurredOn": "2025-02-01",
                },
                "effectiveOn": "2025-06-01",
                "reason": "credit note on the first invoice",
            }
        },
    )
    revenue = fixed["qualifiedAgreement"]["revenue"]
    [correction] = [r for r in revenue if r["supersedesId"] == line["id"]]
    assert len(revenue) == 2 and correction["effectiveOn"] == "2025-06-01"
    assert fixed["qualifiedAgreement"]["commission"]["amount"] == {"amount": "20000.00"}
    [before] = (await ledger(api, partner, cs, date(2025, 5, 31)))["entries"]
    assert before["amount"] == {"amount": "52500.00"}
    again = await api.gql(
        CORRECT,
        {
            "input": {
                "revenueLineId": line["id"],
                "correction": {"kind": "invoiced_fee", "amount": "1", "occurredOn": "2025-02-01"},
                "reason": "twice",
            }
        },
    )
    assert again["correctRevenueLine"]["userErrors"][0]["code"] == "ALREADY_SUPERSEDED"
    voided = await gql_ok(
        api, VOID, {"input": {"revenueLineId": correction["id"], "reason": "order cancelled"}}
    )
    assert voided["qualifiedAgreement"]["commission"]["amount"] == {"amount": "0.00"}
    assert sorted(r["voided"] for r in voided["qualifiedAgreement"]["revenue"]) == [
        False,
        False,
        True,
    ]


CAP = """query($id: ID!, $on: Date) { node(id: $id) { ... on Agreement { kind
  liabilityCap(eventOn: $on) { amount { amount } basis { amount } eventOn explanation
    basisLines { on amount { amount } text } } } } }"""
AGREEMENTS = """query($id: ID!) { node(id: $id) { ... on Partner { agreements {
  id kind } } } }"""
PARTNER_PAYMENT = """mutation($input: RecordPartnerPaymentInput!) {
  recordPartnerPayment(input: $input) { count userErrors { field code message } } }"""


async def _agreement(api: Api, partner: dict[str, Any], kind: str) -> str:
    data = await api.gql(AGREEMENTS, {"id": partner["id"]})
    rows = data["node"]["agreements"]
    return str(next(a["id"] for a in rows if a["kind"] == kind))


async def test_cs_agr_08_cap_from_partner_payments_before_the_event(api: Api) -> None:
    """CS-AGR-08: the greater of US$100,000 and what the partner paid in the 12 months before
    the first event giving rise to liability, taken on the event date."""
    partner, _key, cs = await referrer(api, "Payer", since=SINCE)
    agreement = await _agreement(api, partner, "contentsquare-membership-agreement")
    for day, amount in (("2025-01-10", "90000"), ("2025-06-01", "60000"), ("2026-02-01", "5")):
        data = {"partnerId": partner["id"], "programId": cs["id"], "paidOn": day, "amount": amount}
        await gql_ok(api, PARTNER_PAYMENT, {"input": data})
    cap = (await api.gql(CAP, {"id": agreement, "on": "2025-12-31"}))["node"]["liabilityCap"]
    assert cap["amount"] == {"amount": "150000.00"} and cap["basis"] == {"amount": "150000.00"}
    assert [line["on"] for line in cap["basisLines"]] == ["2025-01-10", "2025-06-01"]
    later = (await api.gql(CAP, {"id": agreement, "on": "2026-03-01"}))["node"]["liabilityCap"]
    assert later["amount"] == {"amount": "100000.00"}  # 60,005 in the 12 months: the floor
    assert later["basis"] == {"amount": "60005.00"}


async def test_seg_agr_11_cap_from_commissions_paid_or_payable(api: Api) -> None:
    """SEG-AGR-11: the greater of US$10,000 and the commissions paid or payable, from the
    ledger on the event date (a pending commission does not count). The Segment rule is applied
    to a ledger built through GraphQL; its referral-fee history is not needed for the basis."""
    partner, _key, cs = await referrer(api, "Capped", since=SINCE)
    qa, _ = await qualified_with_fee(api, partner, cs, "Capco", date(2026, 2, 1), "450000")
    await qualified_with_fee(api, partner, cs, "Pendco", date(2026, 2, 2), "100000")
    paid = {"qualifiedAgreementId": qa, "receivedOn": "2026-03-01", "amount": "450000"}
    await gql_ok(api, PAYMENT, {"input": paid})
    rule = LiabilityCap(
        floor=Money(amount=Decimal(10000), currency="USD"),
        basis="commissions_paid_or_payable",
        rule_ids=["SEG-AGR-11"],
    )
    async with api.sessionmaker() as session:
        cs_row = await session.get(Program, decode_id(cs["id"])[1])
        agreement = await session.scalar(
            select(Agreement).where(Agreement.partner_id == decode_id(partner["id"])[1])
        )
        assert cs_row is not None and agreement is not None
        found = agreement_spec(cs_row, agreement.kind)
        assert found is not None
        spec = found.model_copy(update={"liability_cap": rule})
        before = await cap_on(session, cs_row, agreement, spec, date(2026, 2, 28))
        after = await cap_on(session, cs_row, agreement, spec, date(2026, 3, 1))
    assert before is not None and after is not None
    assert before[0].amount == Decimal("10000.00") and before[1] == []
    cap, lines = after
    assert cap.amount == Decimal("52500.00") and cap.basis_amount == Decimal("52500")
    assert [(line.amount, line.text) for line in lines] == [
        (Decimal("52500"), "commission of 2026, payable")
    ]


AUDIT = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 20) {
  edges { node { operation factDate backfilled } } } }"""


async def _marks(api: Api, operation: str, obj: str) -> list[tuple[str, bool]]:
    events = await api.gql(AUDIT, {"f": {"operation": operation, "object": obj}})
    return [
        (e["node"]["factDate"], e["node"]["backfilled"]) for e in events["auditEvents"]["edges"]
    ]


async def test_backfilled_revenue_and_tax_documents_are_marked(api: Api) -> None:
    """Issue 11: recordRevenue and recordTaxDocumentation mark a backfill in the audit log
    with the date the fact carries (revenue: its earliest line), as every dated mutation does;
    a fact dated today is not marked."""
    partner, _key, cs = await referrer(api, "Marked", since=SINCE)
    qa, _ = await qualified_with_fee(api, partner, cs, "Markco", date(2025, 2, 1), "1000")
    lines = [
        {"kind": "invoiced_fee", "amount": "5", "occurredOn": "2025-05-01"},
        {"kind": "invoiced_fee", "amount": "5", "occurredOn": "2025-03-01"},
    ]
    await gql_ok(api, REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": lines}})
    assert ("2025-03-01", True) in await _marks(api, "recordRevenue", qa)
    program = "query($id: ID!) { node(id: $id) { ... on Program { today } } }"
    cs_today = (await api.gql(program, {"id": cs["id"]}))["node"]["today"]
    line = {"kind": "invoiced_fee", "amount": "5", "occurredOn": cs_today}
    await gql_ok(api, REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": [line]}})
    assert (cs_today, False) in await _marks(api, "recordRevenue", qa)
    tax = {"partnerId": partner["id"], "receivedOn": "2025-01-15", "withholdingRate": "0"}
    await gql_ok(api, TAX, {"input": tax})
    assert await _marks(api, "recordTaxDocumentation", partner["id"]) == [("2025-01-15", True)]


async def test_seg_agr_11_cap_on_a_segment_agreement_through_graphql(api: Api) -> None:
    """SEG-AGR-11 end to end on Segment's own program: referral fees (10% of NCR) recorded
    through GraphQL are the basis once payable; the cap of the program agreement is
    US$10,000 before, and the fee of 15,000.00 (NCR 150,000) from the client's full payment."""
    from tests.helpers.agreements import segment_with_addendum
    from tests.helpers.referrals import DECIDE_REFERRAL, SUBMIT, form

    agreement, _addendum, partner, segment = await segment_with_addendum(
        api, date(2025, 1, 10), "Capped Segment"
    )
    submitted = await gql_ok(
        api,
        SUBMIT,
        {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "submittedOn": "2025-02-03",
                "opportunityKind": "net_new_account",
                **form("Segcap Corp"),
            }
        },
    )
    referral = submitted["referral"]["id"]
    decided = {"referralId": referral, "decision": "APPROVE", "decidedOn": "2025-02-04"}
    await gql_ok(api, DECIDE_REFERRAL, {"input": decided})
    qualified = await gql_ok(
        api,
        QUALIFY,
        {"input": {"referralId": referral, "signedOn": "2025-03-03", "products": ["Connections"]}},
    )
    qa = qualified["qualifiedAgreement"]["id"]
    fee = {"kind": "invoiced_fee", "amount": "150000", "occurredOn": "2025-03-03"}
    await gql_ok(api, REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": [fee]}})
    paid = {"qualifiedAgreementId": qa, "receivedOn": "2025-04-01", "amount": "150000"}
    await gql_ok(api, PAYMENT, {"input": paid})
    before = (await api.gql(CAP, {"id": agreement["id"], "on": "2025-03-31"}))["node"]
    assert before["kind"] == "segment-program-agreement"
    assert before["liabilityCap"]["amount"] == {"amount": "10000.00"}
    assert before["liabilityCap"]["basisLines"] == []
    after = (await api.gql(CAP, {"id": agreement["id"], "on": "2025-04-01"}))["node"]
    cap = after["liabilityCap"]
    assert cap["amount"] == {"amount": "15000.00"} and cap["basis"] == {"amount": "15000.00"}
    assert [(line["on"], line["amount"]) for line in cap["basisLines"]] == [
        ("2025-04-01", {"amount": "15000.00"})
    ]
    # Paid; then a second invoice of 50,000: its 5,000 is neither paid nor payable until the
    # client pays it (CS-REF-07), so the cap moves only on that payment.
    tax = {"partnerId": partner["id"], "receivedOn": "2025-01-15", "withholdingRate": "0"}
    await gql_ok(api, TAX, {"input": tax})
    commission = qualified["qualifiedAgreement"]["commission"]["id"]
    await gql_ok(api, PAYOUT, {"input": {"commissionId": commission, "paidOn": "2025-04-10"}})
    more = {"kind": "invoiced_fee", "amount": "50000", "occurredOn": "2025-05-01"}
    await gql_ok(api, REVENUE, {"input": {"qualifiedAgreementId": qa, "lines": [more]}})
    waiting = (await api.gql(CAP, {"id": agreement["id"], "on": "2025-05-10"}))["node"]
    assert waiting["liabilityCap"]["basis"] == {"amount": "15000.00"}
    rest = {"qualifiedAgreementId": qa, "receivedOn": "2025-05-20", "amount": "50000"}
    await gql_ok(api, PAYMENT, {"input": rest})
    owed = (await api.gql(CAP, {"id": agreement["id"], "on": "2025-05-21"}))["node"]
    assert owed["liabilityCap"]["amount"] == {"amount": "20000.00"}
