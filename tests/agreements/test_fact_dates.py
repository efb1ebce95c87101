"""Agreement facts carry their own dates (issue 11) and the issue 12 readings: SEG-AGR-13
notices given on receipt or a day after courier dispatch; a breach notice opens a cure period
and the agreement ends when it lapses uncured; a cure is a dated fact; either party terminates;
supplementary agreements end with the agreement they supplement."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from models import Program
from models.documents.blobs import BlobStore
from rules.agreement_terms import Facts, Notice, state_on
from services.agreements.lapses import issue_lapsed_breach_notices
from services.agreements.state import agreement_spec, terms_of
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, APPLY, DECIDE, SIGNER, partner_key, segment_agreement
from tests.helpers.api import program, program_today_of

pytestmark = pytest.mark.anyio

NOTICE = """mutation($input: GiveNonRenewalNoticeInput!) { giveNonRenewalNotice(input: $input) {
  agreement { id nonRenewalNoticeOn nonRenewalNoticeSentOn nonRenewalNoticeReceivedOn
    nonRenewalNoticeMethod } userErrors { field code message } } }"""
TERMINATE = """mutation($input: TerminateAgreementInput!) { terminateAgreement(input: $input) {
  agreement { id terminationNoticeOn terminatedBy terminationReason state { status endsOn } }
  userErrors { field code message } } }"""
CURE = """mutation($input: RecordCureInput!) { recordCure(input: $input) {
  agreement { id curedOn state { status endsOn } } userErrors { field code message } } }"""
STATE = """query($id: ID!, $on: Date) { node(id: $id) { ... on Agreement {
  state(asOf: $on) { status endsOn renewalCount } documents { kind event } } } }"""


async def state(api: Api, agreement_id: str, on: date | None = None) -> dict[str, Any]:
    data = await api.gql(STATE, {"id": agreement_id, "on": on.isoformat() if on else None})
    result: dict[str, Any] = data["node"]
    return result


async def test_backdated_acceptance_runs_its_terms_from_its_own_date(api: Api) -> None:
    """SEG-AGR-07 from a backdated Effective Date: accepted 2025-01-10, the first renewal term
    starts 2026-01-10; a partner key cannot backdate its acceptance."""
    agreement, key = await segment_agreement(api, date(2025, 1, 10), "Backdated")
    assert (await state(api, agreement["id"], date(2026, 1, 9)))["state"]["renewalCount"] == 0
    assert (await state(api, agreement["id"], date(2026, 1, 10)))["state"]["renewalCount"] == 1
    segment = await program(api, "segment-technology")
    today = await program_today_of(api, "segment-technology")
    refused = await api.gql(
        ACCEPT,
        {
            "input": {
                "programId": segment["id"],
                "kind": "segment-referral-addendum",
                "signer": SIGNER,
                "effectiveDate": (today - timedelta(days=1)).isoformat(),
            }
        },
        key=key,
    )
    [error] = refused["acceptAgreement"]["userErrors"]
    assert (error["code"], error["field"]) == ("BACKDATING_FORBIDDEN", ["input", "effectiveDate"])


async def test_application_and_decision_dates(api: Api) -> None:
    """CS-AGR-01 with dates: applied on 1 March, a decision dated before it is out of order,
    approval on 5 March makes 5 March the Effective Date."""
    partner, _key = await partner_key(api, displayName="Dated", capacities=["REFERRER"])
    cs = await program(api, "contentsquare")
    applied = await api.gql(
        APPLY,
        {
            "input": {
                "programId": cs["id"],
                "partnerId": partner["id"],
                "signer": SIGNER,
                "appliedOn": "2026-03-01",
            }
        },
    )
    agreement = applied["applyToProgram"]["agreement"]
    assert agreement["appliedOn"] == "2026-03-01"
    early = {"agreementId": agreement["id"], "decision": "APPROVE", "decidedOn": "2026-02-28"}
    refused = await api.gql(DECIDE, {"input": early})
    [error] = refused["decideApplication"]["userErrors"]
    assert (error["code"], error["field"]) == ("DATE_OUT_OF_ORDER", ["input", "decidedOn"])
    approved = await api.gql(DECIDE, {"input": {**early, "decidedOn": "2026-03-05"}})
    assert approved["decideApplication"]["agreement"]["effectiveDate"] == "2026-03-05"
    assert approved["decideApplication"]["agreement"]["state"]["status"] == "ACTIVE"


async def test_seg_agr_13_notices_given_on_receipt_or_a_day_after_courier(api: Api) -> None:
    """Certified mail sent 1 Dec 2025 and received 4 Dec is given on 4 Dec; next-day courier
    sent 1 Dec is given on 2 Dec; a receipt before the dispatch is out of order."""
    first, _ = await segment_agreement(api, date(2025, 1, 10), "Mailed")
    wrong = {
        "agreementId": first["id"],
        "noticeDate": "2025-12-01",
        "deliveryMethod": "certified_mail",
        "receivedOn": "2025-11-30",
    }
    refused = await api.gql(NOTICE, {"input": wrong})
    [error] = refused["giveNonRenewalNotice"]["userErrors"]
    assert (error["code"], error["field"]) == ("DATE_OUT_OF_ORDER", ["input", "receivedOn"])
    mailed = await api.gql(NOTICE, {"input": {**wrong, "receivedOn": "2025-12-04"}})
    notice = mailed["giveNonRenewalNotice"]["agreement"]
    assert notice["nonRenewalNoticeOn"] == "2025-12-04"
    assert (notice["nonRenewalNoticeSentOn"], notice["nonRenewalNoticeMethod"]) == (
        "2025-12-01",
        "certified_mail",
    )
    second, _ = await segment_agreement(api, date(2025, 1, 10), "Couriered")
    courier = {
        "agreementId": second["id"],
        "noticeDate": "2025-12-01",
        "deliveryMethod": "next_day_courier",
    }
    sent = await api.gql(NOTICE, {"input": courier})
    assert sent["giveNonRenewalNotice"]["agreement"]["nonRenewalNoticeOn"] == "2025-12-02"


async def test_a_notice_entered_late_gives_the_result_of_its_day(api: Api) -> None:
    """A courier notice of non-renewal sent 1 Dec 2025 (given 2 Dec, before the 10 Dec deadline
    of SEG-AGR-07) entered today reads, on every date, exactly as the term engine reads the
    same facts: active, notice given, expired on the anniversary 10 Jan 2026."""
    agreement, _ = await segment_agreement(api, date(2025, 1, 10), "Late")
    notice = {
        "agreementId": agreement["id"],
        "noticeDate": "2025-12-01",
        "deliveryMethod": "next_day_courier",
    }
    assert (await api.gql(NOTICE, {"input": notice}))["giveNonRenewalNotice"]["userErrors"] == []
    segment = await program(api, "segment-technology")
    async with api.sessionmaker() as session:
        row = await session.scalar(select(Program).where(Program.slug == segment["slug"]))
        assert row is not None
        spec = agreement_spec(row, "segment-program-agreement")
        assert spec is not None
    facts = Facts(effective_on=date(2025, 1, 10), notices=(Notice(date(2025, 12, 2)),))
    for on in (date(2025, 12, 1), date(2025, 12, 2), date(2026, 1, 9), date(2026, 1, 10)):
        expected = state_on(terms_of(spec), facts, on)
        read = (await state(api, agreement["id"], on))["state"]
        assert read["status"] == expected.status.value.upper()
        assert read["endsOn"] == (expected.ends_on.isoformat() if expected.ends_on else None)
    assert (await state(api, agreement["id"], date(2026, 1, 10)))["state"]["status"] == "EXPIRED"
    memberships = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on Agreement { partner { memberships {
        joinedOn before: statusAsOf(date: "2025-01-09") during: statusAsOf(date: "2026-01-09")
        after: statusAsOf(date: "2026-01-10") } } } } }""",
        {"id": agreement["id"]},
    )
    [membership] = memberships["node"]["partner"]["memberships"]
    assert membership == {
        "joinedOn": "2025-01-10",
        "before": None,
        "during": "ACTIVE",
        "after": "TERMINATED",
    }


async def test_breach_ends_the_agreement_when_the_cure_period_lapses(api: Api) -> None:
    """SEG-AGR-09: a breach notice given 40 days ago opens 30 days to cure; the agreement was in
    notice until the lapse and terminated since; entered late, the notice of termination after
    an uncured breach is issued at once, from the lapse."""
    today = await program_today_of(api, "segment-technology")
    agreement, _ = await segment_agreement(api, today - timedelta(days=200), "Breacher")
    notice_on = today - timedelta(days=40)
    breach = {
        "agreementId": agreement["id"],
        "reason": "BREACH",
        "cause": "unpaid invoices",
        "noticeDate": notice_on.isoformat(),
    }
    done = await api.gql(TERMINATE, {"input": breach})
    result = done["terminateAgreement"]
    assert result["userErrors"] == []
    lapse = notice_on + timedelta(days=30)
    assert result["agreement"]["state"] == {"status": "TERMINATED", "endsOn": lapse.isoformat()}
    assert result["agreement"]["terminatedBy"] == "OPERATOR"
    during = await state(api, agreement["id"], lapse - timedelta(days=1))
    assert during["state"]["status"] == "NOTICE_GIVEN"
    kinds = [(d["kind"], d["event"]) for d in during["documents"]]
    assert ("breach-notice", "terminateAgreement") in kinds
    assert ("breach-termination-notice", "breachCureLapsed") in kinds
    late_cure = await api.gql(
        CURE, {"input": {"agreementId": agreement["id"], "curedOn": lapse.isoformat()}}
    )
    assert late_cure["recordCure"]["userErrors"][0]["code"] == "AGREEMENT_ENDED"


async def test_a_cure_within_the_period_keeps_the_agreement(api: Api) -> None:
    """A breach notice 10 days ago, cured 3 days ago: active today, still in notice on the
    days before the cure, and no termination notice is issued."""
    today = await program_today_of(api, "segment-technology")
    agreement, _ = await segment_agreement(api, today - timedelta(days=100), "Curer")
    breach = {
        "agreementId": agreement["id"],
        "reason": "BREACH",
        "cause": "late reports",
        "noticeDate": (today - timedelta(days=10)).isoformat(),
    }
    assert (await api.gql(TERMINATE, {"input": breach}))["terminateAgreement"]["userErrors"] == []
    cured_on = today - timedelta(days=3)
    cured = await api.gql(
        CURE, {"input": {"agreementId": agreement["id"], "curedOn": cured_on.isoformat()}}
    )
    payload = cured["recordCure"]
    assert payload["userErrors"] == []
    assert payload["agreement"]["state"] == {"status": "ACTIVE", "endsOn": None}
    before = await state(api, agreement["id"], cured_on - timedelta(days=1))
    assert before["state"]["status"] == "NOTICE_GIVEN"
    assert "breach-termination-notice" not in [d["kind"] for d in before["documents"]]
    again = await api.gql(CURE, {"input": {"agreementId": agreement["id"]}})
    assert again["recordCure"]["userErrors"][0]["code"] == "INVALID"


async def test_either_party_terminates_and_partner_causes_are_program_data(api: Api) -> None:
    """CS-AGR-06: the partner may terminate at once on the operator's insolvency; SEG-AGR-09:
    discontinuing the program is Segment's cause only; a partner gives breach notices too."""
    _partner, key = await partner_key(api, displayName="Quitter", capacities=["REFERRER"])
    cs = await program(api, "contentsquare")
    applied = await api.gql(APPLY, {"input": {"programId": cs["id"], "signer": SIGNER}}, key=key)
    cs_agreement = applied["applyToProgram"]["agreement"]
    await api.gql(DECIDE, {"input": {"agreementId": cs_agreement["id"], "decision": "APPROVE"}})
    insolvency = {"agreementId": cs_agreement["id"], "reason": "IMMEDIATE", "cause": "insolvency"}
    done = await api.gql(TERMINATE, {"input": insolvency}, key=key)
    assert done["terminateAgreement"]["userErrors"] == []
    assert done["terminateAgreement"]["agreement"]["terminatedBy"] == "PARTNER"
    segment_agreement_row, segment_key = await segment_agreement(
        api, date(2026, 1, 5), "SegQuitter"
    )
    discontinued = {
        "agreementId": segment_agreement_row["id"],
        "reason": "IMMEDIATE",
        "cause": "program_discontinued",
    }
    refused = await api.gql(TERMINATE, {"input": discontinued}, key=segment_key)
    assert refused["terminateAgreement"]["userErrors"][0]["code"] == "FORBIDDEN"
    as_operator = await api.gql(
        TERMINATE, {"input": {**discontinued, "by": "OPERATOR"}}, key=segment_key
    )
    assert as_operator["terminateAgreement"]["userErrors"][0]["field"] == ["input", "by"]
    breach = {"agreementId": segment_agreement_row["id"], "reason": "BREACH", "cause": "no pay"}
    by_partner = await api.gql(TERMINATE, {"input": breach}, key=segment_key)
    assert by_partner["terminateAgreement"]["agreement"]["terminatedBy"] == "PARTNER"


async def test_supplementary_agreements_end_with_their_parent(api: Api) -> None:
    """Issue 12: terminating the Contentsquare membership agreement at once ends the referrer
    schedule the same day, and referrals are refused from then on."""
    from tests.helpers.referrals import form, referrer

    partner, key, cs = await referrer(api, "Orphan")
    agreements = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on Partner {
        agreements { id kind state { status } } } } }""",
        {"id": partner["id"]},
    )
    by_kind = {a["kind"]: a for a in agreements["node"]["agreements"]}
    membership = by_kind["contentsquare-membership-agreement"]
    schedule = by_kind["contentsquare-referrer-schedule"]
    assert schedule["state"]["status"] == "ACTIVE"
    ended = await api.gql(
        TERMINATE,
        {"input": {"agreementId": membership["id"], "reason": "IMMEDIATE", "cause": "liquidation"}},
    )
    assert ended["terminateAgreement"]["userErrors"] == []
    after = await state(api, schedule["id"])
    today = await program_today_of(api, "contentsquare")
    assert after["state"] == {
        "status": "TERMINATED",
        "endsOn": today.isoformat(),
        "renewalCount": None,
    }
    submitted = await api.gql(
        """mutation($input: SubmitReferralInput!) { submitReferral(input: $input) {
        referral { id } userErrors { field code message } } }""",
        {"input": {"programId": cs["id"], **form("Orphanco")}},
        key=key,
    )
    assert submitted["submitReferral"]["userErrors"][0]["code"] == "NO_ELIGIBLE_AGREEMENT"


async def test_the_sweep_issues_the_uncured_breach_notice_once_on_the_lapse(
    api: Api, store: BlobStore
) -> None:
    """The lapse of the cure period is the event that ends the agreement: before it nothing is
    issued; on it the notice of termination after an uncured breach, once (idempotent)."""
    today = await program_today_of(api, "segment-technology")
    agreement, _ = await segment_agreement(api, today - timedelta(days=60), "Lapser")
    breach = {"agreementId": agreement["id"], "reason": "BREACH", "cause": "no reports"}
    assert (await api.gql(TERMINATE, {"input": breach}))["terminateAgreement"]["userErrors"] == []
    lapse = today + timedelta(days=30)
    async with api.sessionmaker.begin() as session:
        row = await session.scalar(select(Program).where(Program.slug == "segment-technology"))
        assert row is not None
        before = await issue_lapsed_breach_notices(session, store, row, lapse - timedelta(days=1))
        on_lapse = await issue_lapsed_breach_notices(session, store, row, lapse)
        again = await issue_lapsed_breach_notices(session, store, row, lapse)
    assert (before, on_lapse, again) == (0, 1, 0)
    documents = (await state(api, agreement["id"]))["documents"]
    assert [d["kind"] for d in documents].count("breach-termination-notice") == 1
