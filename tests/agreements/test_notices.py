"""Non-renewal and termination notices through GraphQL (SEG-AGR-07/08/09/10/13, CS-AGR-06)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Document
from tests.conftest import Api
from tests.helpers.agreements import (
    APPLY,
    DECIDE,
    NOTICE,
    SIGNER,
    TERMINATE,
    accept_segment,
    partner_key,
)
from tests.helpers.api import program

pytestmark = pytest.mark.anyio


async def test_non_renewal_and_termination(api: Api) -> None:
    """SEG-AGR-07/08/09: notice before the deadline; termination dates by reason."""
    _partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    today = date.fromisoformat(agreement["effectiveDate"])  # accepted today, program time
    notice = await api.gql(
        NOTICE,
        {"input": {"agreementId": agreement["id"], "deliveryMethod": "next_day_courier"}},
        key=key,
    )
    assert notice["giveNonRenewalNotice"]["userErrors"] == []
    deemed = (today + timedelta(days=1)).isoformat()  # SEG-AGR-13: courier, one day later
    query = """query($id: ID!, $d: Date) { node(id: $id) { ... on Agreement {
        nonRenewalNoticeOn state(asOf: $d) { status endsOn } } } }"""
    seen = await api.gql(query, {"id": agreement["id"], "d": deemed})
    term_end = date.fromisoformat(agreement["state"]["currentTermEnd"])
    assert seen["node"] == {
        "nonRenewalNoticeOn": deemed,
        "state": {"status": "NOTICE_GIVEN", "endsOn": (term_end + timedelta(days=1)).isoformat()},
    }
    again = await api.gql(
        NOTICE,
        {
            "input": {
                "agreementId": agreement["id"],
                "noticeDate": (today - timedelta(days=1)).isoformat(),
            }
        },
        key=key,
    )
    assert again["giveNonRenewalNotice"]["userErrors"][0]["code"] == "NOTICE_ALREADY_GIVEN"
    terminated = await api.gql(
        TERMINATE, {"input": {"agreementId": agreement["id"], "reason": "CONVENIENCE"}}, key=key
    )
    result = terminated["terminateAgreement"]
    assert result["userErrors"] == []
    assert result["agreement"]["terminationReason"] == "CONVENIENCE"
    assert result["agreement"]["state"] == {
        "status": "NOTICE_GIVEN",
        "endsOn": (today + timedelta(days=60)).isoformat(),
    }
    assert [d["kind"] for d in result["agreement"]["documents"]][-1] == "termination-notice"
    twice = await api.gql(
        TERMINATE, {"input": {"agreementId": agreement["id"], "reason": "BREACH", "cause": "x"}}
    )
    assert twice["terminateAgreement"]["userErrors"][0]["code"] == "ALREADY_TERMINATED"


async def test_immediate_termination_ends_benefits(api: Api) -> None:
    """SEG-AGR-09/10: an immediate termination withdraws badge and listing at once."""
    partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    as_partner = await api.gql(
        TERMINATE,
        {
            "input": {
                "agreementId": agreement["id"],
                "reason": "IMMEDIATE",
                "cause": "program_discontinued",
            }
        },
        key=key,
    )
    assert as_partner["terminateAgreement"]["userErrors"][0]["code"] == "FORBIDDEN"
    bad_cause = await api.gql(
        TERMINATE,
        {"input": {"agreementId": agreement["id"], "reason": "IMMEDIATE", "cause": "boredom"}},
    )
    assert bad_cause["terminateAgreement"]["userErrors"][0]["code"] == "INVALID_CAUSE"
    done = await api.gql(
        TERMINATE,
        {
            "input": {
                "agreementId": agreement["id"],
                "reason": "IMMEDIATE",
                "cause": "program_discontinued",
            }
        },
    )
    assert done["terminateAgreement"]["agreement"]["state"]["status"] == "TERMINATED"
    data = await api.gql(
        "query($id: ID!) { partner(id: $id) { memberships { benefits { key } } } }",
        {"id": partner["id"]},
    )
    # The portal follows the terms (SEG-TIER-10); listing and badge need them too (SEG-AGR-10).
    assert {b["key"] for b in data["partner"]["memberships"][0]["benefits"]} == {
        "self_serve_training"
    }
    async with api.sessionmaker() as session:
        events = list(
            await session.scalars(
                select(AuditEvent.operation).where(AuditEvent.object_type == "Agreement")
            )
        )
        docs = list(
            await session.scalars(select(Document).where(Document.kind == "termination-notice"))
        )
    assert "terminateAgreement" in events
    assert docs[0].audit_event_id is not None


async def test_notice_date_rules(api: Api) -> None:
    _partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    today = date.fromisoformat(agreement["effectiveDate"])
    # Issue 11: a partner key records today; nothing after today; an admin's backdated notice
    # is never before the Effective Date.
    cases = {
        (today - timedelta(days=1)).isoformat(): ("BACKDATING_FORBIDDEN", key),
        (today + timedelta(days=3)).isoformat(): ("DATE_IN_FUTURE", key),
        (today - timedelta(days=2)).isoformat(): ("DATE_OUT_OF_ORDER", None),
    }
    for notice_date, (code, caller) in cases.items():
        data = await api.gql(
            NOTICE,
            {"input": {"agreementId": agreement["id"], "noticeDate": notice_date}},
            key=caller,
        )
        [error] = data["giveNonRenewalNotice"]["userErrors"]
        assert (error["code"], error["field"]) == (code, ["input", "noticeDate"])
    unknown = await api.gql(
        NOTICE, {"input": {"agreementId": agreement["id"], "deliveryMethod": "pigeon"}}, key=key
    )
    assert unknown["giveNonRenewalNotice"]["userErrors"][0]["code"] == "UNKNOWN_DELIVERY_METHOD"
    contentsquare = await program(api, "contentsquare")
    partner2, key2 = await partner_key(api, displayName="CS", capacities=["REFERRER"])
    applied = await api.gql(
        APPLY, {"input": {"programId": contentsquare["id"], "signer": SIGNER}}, key=key2
    )
    cs_id = applied["applyToProgram"]["agreement"]["id"]
    pending = await api.gql(
        TERMINATE, {"input": {"agreementId": cs_id, "reason": "CONVENIENCE"}}, key=key2
    )
    assert pending["terminateAgreement"]["userErrors"][0]["code"] == "NOT_IN_EFFECT"
    await api.gql(DECIDE, {"input": {"agreementId": cs_id, "decision": "APPROVE"}})
    not_renewable = await api.gql(NOTICE, {"input": {"agreementId": cs_id}}, key=key2)
    assert not_renewable["giveNonRenewalNotice"]["userErrors"][0]["code"] == "NOT_RENEWABLE"
    breach = await api.gql(
        TERMINATE, {"input": {"agreementId": cs_id, "reason": "BREACH"}}, key=key2
    )
    assert breach["terminateAgreement"]["userErrors"][0]["code"] == "REQUIRED"
    cured = await api.gql(
        TERMINATE,
        {"input": {"agreementId": cs_id, "reason": "BREACH", "cause": "unpaid invoices"}},
        key=key2,
    )
    approved_on = today  # both accepted today in their programs' time zones (±1 day)
    ends = date.fromisoformat(cured["terminateAgreement"]["agreement"]["state"]["endsOn"])
    assert abs((ends - approved_on).days - 10) <= 1  # CS-AGR-06: 10-day cure
    foreign = await api.gql(NOTICE, {"input": {"agreementId": agreement["id"]}}, key=key2)
    assert foreign["giveNonRenewalNotice"]["userErrors"][0]["code"] == "AGREEMENT_NOT_FOUND"
    del partner2
