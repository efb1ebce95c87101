"""Commission lines cite the rule ids of their program's own schedule section, through GraphQL
(issue 12): Contentsquare's lines keep CS-REF-15, Segment's referral fee lines cite its
`referral_fees` ids (SEG-TIER-11) and the made-up third program its own (ALP-COM-01), where
all three used to say CS-REF-15."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.documents.blobs import BlobStore
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.api import program
from tests.helpers.ledger import (
    PAYMENT,
    PAYOUT,
    QUALIFY,
    TAX,
    add_fee,
    gql_ok,
    ledger,
    qualified_with_fee,
)
from tests.helpers.referrals import DECIDE_REFERRAL, referrer, submit
from tests.programs.test_third_program_year import _distributor, _signed

pytestmark = pytest.mark.anyio
BLOCKED = """query($id: ID!) { node(id: $id) { ... on Commission { blockedReason } } }"""
NCR = """query($id: ID!) { node(id: $id) { ... on QualifiedAgreement {
  ncrLines { kind reason } } } }"""
LINES = """mutation($input: RecordRevenueInput!) { recordRevenue(input: $input) {
  qualifiedAgreement { id } userErrors { field code message } } }"""


async def _ncr_reasons(api: Api, qa: str, day: date, kinds: dict[str, str]) -> dict[str, str]:
    """Record a line of each kind on `day`, then each kind's NCR reason."""
    lines = [{"kind": k, "amount": a, "occurredOn": day.isoformat()} for k, a in kinds.items()]
    await gql_ok(api, LINES, {"input": {"qualifiedAgreementId": qa, "lines": lines}})
    data = await api.gql(NCR, {"id": qa})
    return {line["kind"]: line["reason"] for line in data["node"]["ncrLines"]}


async def test_contentsquare_lines_cite_cs_ref_15(api: Api) -> None:
    """CS-REF-15: 100,000 earns 10% on a line citing CS-REF-15, as before."""
    partner, _key, contentsquare = await referrer(api, "Cited CS", since=date(2025, 1, 2))
    qa, commission = await qualified_with_fee(
        api, partner, contentsquare, "Acme", date(2025, 3, 3), "100000"
    )
    (entry,) = (await ledger(api, partner, contentsquare, date(2025, 3, 31)))["entries"]
    assert [(x["rate"], x["ruleId"]) for x in entry["lines"]] == [("0.10", "CS-REF-15")]
    blocked = await api.gql(BLOCKED, {"id": commission})
    assert blocked["node"]["blockedReason"] == (
        "CS-REF-07: the program has not received the client's full payment"
    )
    reasons = await _ncr_reasons(api, qa, date(2025, 3, 4), {"vat": "100", "support": "50"})
    assert reasons == {
        "invoiced_fee": "recurring fee received (CS-REF-12)",
        "vat": "vat is tax on top of the net fee (CS-REF-13)",
        "support": "support is excluded (CS-REF-13)",
    }


async def test_segment_referral_fee_lines_cite_seg_tier_11(api: Api) -> None:
    """SEG-TIER-11: a 10% referral fee on 50,000 (5,000) cites SEG-TIER-11, the first id of
    Segment's `referral_fees` section, not Contentsquare's CS-REF-15."""
    partner, key = await partner_key(api)
    await accept_segment(api, key)
    await accept_segment(api, key, kind="segment-referral-addendum")
    segment = await program(api, "segment-technology")
    submitted = await submit(
        api, key, segment["id"], "Wayne Enterprises", opportunityKind="net_new_account"
    )
    assert submitted["userErrors"] == [], submitted
    today = submitted["referral"]["submittedOn"]
    early = await api.gql(
        QUALIFY,
        {
            "input": {
                "referralId": submitted["referral"]["id"],
                "signedOn": today,
                "products": ["X"],
            }
        },
    )
    (error,) = early["recordQualifiedAgreement"]["userErrors"]
    # Not approved yet: Segment's file cites no rule for liveness (it used to cite CS-REF-10).
    assert error["message"].endswith("not a live opportunity"), error
    decision = {"referralId": submitted["referral"]["id"], "decision": "APPROVE"}
    await gql_ok(api, DECIDE_REFERRAL, {"input": decision})
    qualified = await gql_ok(
        api,
        QUALIFY,
        {
            "input": {
                "referralId": submitted["referral"]["id"],
                "signedOn": today,
                "products": ["X"],
            }
        },
    )
    qa = qualified["qualifiedAgreement"]["id"]
    await add_fee(api, qa, "50000", date.fromisoformat(today))
    (entry,) = (await ledger(api, partner, segment))["entries"]
    assert entry["amount"] == {"amount": "5000.00"}
    assert [x["ruleId"] for x in entry["lines"]] == ["SEG-TIER-11"]
    blocked = await api.gql(BLOCKED, {"id": qualified["qualifiedAgreement"]["commission"]["id"]})
    assert (
        blocked["node"]["blockedReason"] == "the program has not received the client's full payment"
    )
    # Paid, then a later fee line changes it: the adjustment cites SEG-TIER-11, not CS-REF-15/16.
    commission = qualified["qualifiedAgreement"]["commission"]["id"]
    await gql_ok(
        api,
        PAYMENT,
        {"input": {"qualifiedAgreementId": qa, "receivedOn": today, "amount": "50000"}},
    )
    documents = {"partnerId": partner["id"], "receivedOn": today, "withholdingRate": "0"}
    await gql_ok(api, TAX, {"input": documents})
    await gql_ok(api, PAYOUT, {"input": {"commissionId": commission, "paidOn": today}})
    await add_fee(api, qa, "10000", date.fromisoformat(today))
    (entry,) = (await ledger(api, partner, segment))["entries"]
    (adjustment,) = entry["adjustments"]
    assert adjustment["amount"] == {"amount": "1000.00"}
    assert adjustment["reason"].endswith("from 5,000.00 to 6,000.00 (SEG-TIER-11)")
    # Segment's fee revenue terms are documented defaults: their reasons cite no rule.
    reasons = await _ncr_reasons(api, qa, date.fromisoformat(today), {"vat": "100"})
    assert reasons == {
        "invoiced_fee": "recurring fee received",
        "vat": "vat is tax on top of the net fee",
    }


async def test_the_third_program_s_lines_cite_its_own_ids(api: Api, store: BlobStore) -> None:
    """The third program's schedule gives `rule_ids = ["ALP-COM-01"]`: 80,000 CHF at 5%
    (4,000) cites ALP-COM-01, no seed's id."""
    since = date(2025, 5, 1)
    partner, _key, alpine = await _distributor(api, store, "Cited Alpine", since)
    qa = await _signed(api, partner, alpine, "Matterhorn AG", since + timedelta(days=40))
    (entry,) = (await ledger(api, partner, alpine, since + timedelta(days=60)))["entries"]
    assert entry["amount"] == {"amount": "4000.00"}
    assert [x["ruleId"] for x in entry["lines"]] == ["ALP-COM-01"]
    # Paid, then a later fee line: the adjustment cites ALP-COM-01 (no tax documents needed).
    day = (since + timedelta(days=40)).isoformat()
    payment = {"qualifiedAgreementId": qa, "receivedOn": day, "amount": "80000"}
    await gql_ok(api, PAYMENT, {"input": payment})
    node = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on QualifiedAgreement {
        commission { id } } } }""",
        {"id": qa},
    )
    commission = node["node"]["commission"]["id"]
    await gql_ok(api, PAYOUT, {"input": {"commissionId": commission, "paidOn": day}})
    await add_fee(api, qa, "20000", since + timedelta(days=40))
    (entry,) = (await ledger(api, partner, alpine, since + timedelta(days=60)))["entries"]
    (adjustment,) = entry["adjustments"]
    assert adjustment["reason"].endswith("from 4,000.00 to 5,000.00 (ALP-COM-01)")
    # Its file cites no rule for its revenue terms: no seed's CS-REF-12/13 either.
    day = since + timedelta(days=41)
    reasons = await _ncr_reasons(api, qa, day, {"mwst": "100", "training": "50"})
    assert reasons == {
        "invoiced_fee": "recurring fee received",
        "mwst": "mwst is tax on top of the net fee",
        "training": "training is excluded",
    }
