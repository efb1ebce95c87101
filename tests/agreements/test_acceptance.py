"""Click-accepting agreements through GraphQL (SEG-AGR-01/12, SEG-TIER-10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Acceptance
from services.documents.formatting import Formatter
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, SIGNER, accept_segment, docx_text, partner_key
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
    assert acceptance["templateVersion"] == 2
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
    assert Formatter("en_US", "America/Los_Angeles").date(effective) in text
    assert "Template version 2" in text
    assert "{{" not in text and "{%" not in text
    assert "THE GREATER OF $10,000.00" in text  # SEG-AGR-11 floor
    assert "at least 30 days before the current term ends" in text  # SEG-AGR-07
    assert "it ends 60 days after the notice is given" in text  # SEG-AGR-08
    assert "Segment.io, Inc., whose registered address is" in text
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
