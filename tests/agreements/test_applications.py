"""Applications and their decisions through GraphQL (CS-AGR-01)."""

from __future__ import annotations

from datetime import date

import pytest

from services.documents.formatting import Formatter
from tests.conftest import Api
from tests.helpers.agreements import APPLY, DECIDE, SIGNER, docx_text, partner_key
from tests.helpers.api import program

pytestmark = pytest.mark.anyio


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
    assert "Application not yet decided: this agreement is not in effect" in first_doc
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
    long = Formatter("en_GB", "Europe/Paris").date(effective)
    assert f"Application accepted on {long}" in text
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
    assert "up to US$300,000.00" in text and "20%" in text and "7 Business Days" in text
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
