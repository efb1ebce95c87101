"""The agreement lifecycle through GraphQL (SEG-AGR-01/07/08/09/12, CS-AGR-01/06)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from api.pdf import find_soffice
from models import Acceptance, Agreement, AuditEvent, Document
from tests.conftest import Api
from tests.helpers.agreements import (
    ACCEPT,
    APPLY,
    DECIDE,
    NOTICE,
    SIGNER,
    TERMINATE,
    accept_segment,
    docx_text,
    partner_key,
)
from tests.helpers.api import program

pytestmark = pytest.mark.anyio


async def test_segment_click_accept_and_download(api: Api) -> None:
    """Done when: accept, then download a DOCX naming the partner, the Effective Date, the
    template version, with a hash equal to the one the API reports (SEG-AGR-01)."""
    partner, key = await partner_key(api, legalName="Acme & Söhne <GmbH>")
    payload = await accept_segment(api, key)
    assert payload["userErrors"] == []
    agreement = payload["agreement"]
    today = date.today()
    assert agreement["status"] == "ACTIVE"
    assert agreement["acceptanceMode"] == "CLICK_ACCEPT"
    assert abs(date.fromisoformat(agreement["effectiveDate"]) - today) <= timedelta(days=1)
    assert agreement["state"]["renewalCount"] == 0
    acceptance = agreement["acceptances"][0]
    assert acceptance["signerEmail"] == SIGNER["email"]
    assert acceptance["templateVersion"] == 1
    assert acceptance["userAgent"].startswith("python-httpx")
    document = agreement["documents"][0]
    assert document["sha256"] == acceptance["documentSha256"] == acceptance["document"]["sha256"]
    assert document["auditEventId"] is not None
    response = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == document["contentType"]
    assert response.headers["etag"] == f'"{document["sha256"]}"'
    assert response.headers["content-disposition"].startswith("attachment;")
    import hashlib

    assert hashlib.sha256(response.content).hexdigest() == document["sha256"]
    text = docx_text(response.content)
    assert "Acme & Söhne <GmbH>" in text
    effective = date.fromisoformat(agreement["effectiveDate"])
    assert f"{effective.day} {effective.strftime('%B')} {effective.year}" in text
    assert "version 1" in text
    assert "{{" not in text and "{%" not in text
    assert "USD 10,000.00" in text  # SEG-AGR-11 floor
    assert "at least 30 clear days before the current term ends" in text  # SEG-AGR-07
    assert "it ends 60 days after the notice is received" in text  # SEG-AGR-08
    membership = await api.gql(
        "query($id: ID!) { partner(id: $id) { memberships { status benefits { key } } } }",
        {"id": partner["id"]},
    )
    member = membership["partner"]["memberships"][0]
    assert member["status"] == "ACTIVE"
    assert {b["key"] for b in member["benefits"]} == {
        "partner_portal",
        "self_serve_training",
        "partner_listing",
    }


async def test_signed_link_and_foreign_partner(api: Api) -> None:
    _partner, key = await partner_key(api)
    payload = await accept_segment(api, key)
    document = payload["agreement"]["documents"][0]
    url = document["downloadUrl"]
    assert "signature=" in url and url.startswith("http://test/documents/")
    signed = await api.client.get(url.removeprefix("http://test"))
    assert signed.status_code == 200
    path = url.removeprefix("http://test")
    tampered = await api.client.get(path[:-1] + ("1" if path[-1] == "0" else "0"))
    assert tampered.status_code == 403
    _other, other_key = await partner_key(api, displayName="Other")
    foreign = await api.client.get(
        f"/documents/{document['id']}", headers={"Authorization": f"Bearer {other_key}"}
    )
    assert foreign.status_code == 404
    anonymous = await api.client.get(f"/documents/{document['id']}")
    assert anonymous.status_code == 401
    admin = await api.client.get(
        f"/documents/{document['id']}",
        headers={
            "Authorization": f"Bearer {api.admin_key}",
            "If-None-Match": f'"{document["sha256"]}"',
        },
    )
    assert admin.status_code == 304
    bad = await api.client.get("/documents/nope", headers={"Authorization": f"Bearer {key}"})
    assert bad.status_code == 404


def _no_soffice(docx: bytes, sha256: str, cache_dir: object, soffice: str | None) -> bytes:
    from api.pdf import convert

    return convert(docx, sha256, cache_dir, None)  # type: ignore[arg-type]


async def test_pdf_without_libreoffice_is_a_clear_501(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import api.documents as downloads

    _partner, key = await partner_key(api)
    document = (await accept_segment(api, key))["agreement"]["documents"][0]
    monkeypatch.setattr(downloads, "convert", _no_soffice)
    response = await api.client.get(
        f"/documents/{document['id']}?format=pdf", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 501
    assert response.json()["error"]["code"] == "PDF_CONVERSION_UNAVAILABLE"


async def test_accepting_twice_and_wrong_mode(api: Api) -> None:
    _partner, key = await partner_key(api, capacities=["TECHNOLOGY", "REFERRER"])
    assert (await accept_segment(api, key))["userErrors"] == []
    again = await accept_segment(api, key)
    assert again["userErrors"][0]["code"] == "ALREADY_ACCEPTED"
    contentsquare = await program(api, "contentsquare")
    wrong = await api.gql(
        ACCEPT,
        {
            "input": {
                "programId": contentsquare["id"],
                "kind": "contentsquare-membership-agreement",
                "signer": SIGNER,
            }
        },
        key=key,
    )
    assert wrong["acceptAgreement"]["userErrors"][0]["code"] == "WRONG_ACCEPTANCE_MODE"
    assert "use applyToProgram" in wrong["acceptAgreement"]["userErrors"][0]["message"]
    unknown = await accept_segment(api, key, kind="nope")
    assert unknown["userErrors"][0]["code"] == "UNKNOWN_KIND"
    bad_signer = await api.gql(
        ACCEPT,
        {
            "input": {
                "programId": contentsquare["id"],
                "kind": "x",
                "signer": {**SIGNER, "email": "nope"},
            }
        },
        key=key,
    )
    assert bad_signer["acceptAgreement"]["userErrors"][0]["code"] == "INVALID_EMAIL"
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Acceptance)) == 1


async def test_referral_addendum_needs_the_program_agreement(api: Api) -> None:
    """SEG-TIER-10: the addendum supplements the terms; it unlocks the referral fee."""
    partner, key = await partner_key(api)
    early = await accept_segment(api, key, kind="segment-referral-addendum")
    assert early["userErrors"][0]["code"] == "MEMBERSHIP_AGREEMENT_REQUIRED"
    await accept_segment(api, key)
    addendum = await accept_segment(api, key, kind="segment-referral-addendum")
    assert addendum["userErrors"] == []
    data = await api.gql(
        "query($id: ID!) { partner(id: $id) { agreements { kind } memberships "
        "{ benefits { key } } } }",
        {"id": partner["id"]},
    )
    assert [a["kind"] for a in data["partner"]["agreements"]] == [
        "segment-program-agreement",
        "segment-referral-addendum",
    ]
    assert "referral_fee" in {b["key"] for b in data["partner"]["memberships"][0]["benefits"]}


async def test_contentsquare_application_approved(api: Api) -> None:
    """Done when: an admin approves a Contentsquare application and its document says so."""
    partner, key = await partner_key(api, capacities=["REFERRER"])
    contentsquare = await program(api, "contentsquare")
    applied = await api.gql(
        APPLY, {"input": {"programId": contentsquare["id"], "signer": SIGNER}}, key=key
    )
    agreement = applied["applyToProgram"]["agreement"]
    assert applied["applyToProgram"]["userErrors"] == []
    assert (agreement["status"], agreement["effectiveDate"]) == ("PENDING", None)
    first_doc = docx_text(
        (
            await api.client.get(
                f"/documents/{agreement['documents'][0]['id']}",
                headers={"Authorization": f"Bearer {key}"},
            )
        ).content
    )
    assert "No decision has been made yet" in first_doc
    self_approve = await api.gql(
        DECIDE, {"input": {"agreementId": agreement["id"], "decision": "APPROVE"}}, key=key
    )
    assert self_approve["decideApplication"]["userErrors"][0]["code"] == "FORBIDDEN"
    decided = await api.gql(
        DECIDE,
        {"input": {"agreementId": agreement["id"], "decision": "APPROVE", "reason": "welcome"}},
    )
    approved = decided["decideApplication"]["agreement"]
    assert approved["status"] == "ACTIVE"
    assert approved["effectiveDate"] is not None
    assert approved["state"]["renewalCount"] is None
    assert approved["liabilityCap"]["amount"] == {"amount": "100000.00", "currency": "USD"}
    assert approved["liabilityCap"]["ruleIds"] == ["CS-AGR-08"]
    assert [d["event"] for d in approved["documents"]] == ["applyToProgram", "decideApplication"]
    response = await api.client.get(
        f"/documents/{approved['documents'][1]['id']}", headers={"Authorization": f"Bearer {key}"}
    )
    text = docx_text(response.content)
    effective = date.fromisoformat(approved["effectiveDate"])
    long = f"{effective.day} {effective.strftime('%B')} {effective.year}"
    assert f"The Program accepted the application on {long}" in text
    assert f"Effective Date: {long}" in text
    twice = await api.gql(
        DECIDE, {"input": {"agreementId": agreement["id"], "decision": "REJECT", "reason": "no"}}
    )
    assert twice["decideApplication"]["userErrors"][0]["code"] == "ALREADY_DECIDED"
    schedule = await api.gql(
        APPLY,
        {
            "input": {
                "programId": contentsquare["id"],
                "signer": SIGNER,
                "kind": "contentsquare-referrer-schedule",
            }
        },
        key=key,
    )
    sched_doc = schedule["applyToProgram"]["agreement"]["documents"][0]
    text = docx_text(
        (
            await api.client.get(
                f"/documents/{sched_doc['id']}", headers={"Authorization": f"Bearer {key}"}
            )
        ).content
    )
    assert "up to 300,000" in text and "20%" in text and "7 business days" in text
    members = await api.gql(
        "query($id: ID!) { partner(id: $id) { memberships { status } } }", {"id": partner["id"]}
    )
    assert members["partner"]["memberships"] == [{"status": "ACTIVE"}]


async def test_rejected_application(api: Api) -> None:
    _partner, key = await partner_key(api, capacities=["RESELLER"])
    contentsquare = await program(api, "contentsquare")
    applied = await api.gql(
        APPLY, {"input": {"programId": contentsquare["id"], "signer": SIGNER}}, key=key
    )
    agreement_id = applied["applyToProgram"]["agreement"]["id"]
    no_reason = await api.gql(
        DECIDE, {"input": {"agreementId": agreement_id, "decision": "REJECT"}}
    )
    assert no_reason["decideApplication"]["userErrors"][0]["code"] == "REQUIRED"
    rejected = await api.gql(
        DECIDE, {"input": {"agreementId": agreement_id, "decision": "REJECT", "reason": "no fit"}}
    )
    assert rejected["decideApplication"]["agreement"]["status"] == "REJECTED"


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


async def test_state_as_of_past_dates(api: Api) -> None:
    _partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    query = """query($id: ID!, $d: Date) { node(id: $id) { ... on Agreement {
        state(asOf: $d) { asOf status renewalCount } } } }"""
    effective = date.fromisoformat(agreement["effectiveDate"])
    before = await api.gql(
        query, {"id": agreement["id"], "d": (effective - timedelta(days=1)).isoformat()}
    )
    assert before["node"]["state"]["status"] == "PENDING"
    later = await api.gql(
        query,
        {"id": agreement["id"], "d": (effective.replace(year=effective.year + 2)).isoformat()},
    )
    assert later["node"]["state"] == {
        "asOf": effective.replace(year=effective.year + 2).isoformat(),
        "status": "ACTIVE",
        "renewalCount": 2,
    }
    async with api.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Agreement)) == 1


async def test_notice_date_rules(api: Api) -> None:
    _partner, key = await partner_key(api)
    agreement = (await accept_segment(api, key))["agreement"]
    today = date.fromisoformat(agreement["effectiveDate"])
    cases = {
        (today - timedelta(days=1)).isoformat(): "INVALID_DATE",
        (today + timedelta(days=3)).isoformat(): "INVALID_DATE",
    }
    for notice_date, code in cases.items():
        data = await api.gql(
            NOTICE, {"input": {"agreementId": agreement["id"], "noticeDate": notice_date}}, key=key
        )
        assert data["giveNonRenewalNotice"]["userErrors"][0]["code"] == code
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


@pytest.mark.skipif(find_soffice(None) is None, reason="LibreOffice (soffice) is not installed")
async def test_pdf_with_libreoffice(api: Api) -> None:
    _partner, key = await partner_key(api, legalName="Zoë & Partners <Ltd>")
    document = (await accept_segment(api, key))["agreement"]["documents"][0]
    url = f"/documents/{document['id']}?format=pdf"
    headers = {"Authorization": f"Bearer {key}"}
    response = await api.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response.headers["etag"] == f'"{document["sha256"]}.pdf"'
    again = await api.client.get(url, headers=headers)
    assert again.content == response.content  # converted once, then cached
