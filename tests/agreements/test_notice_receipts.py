"""SEG-AGR-13: a notice by hand delivery or certified mail is given on receipt. The sender
records the dispatch; the receipt is its own dated fact, recorded later by either side
(`recordNoticeReceipt`, issue 11); until then the notice has no effect, and its periods run
from the receipt (SEG-AGR-08/09)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from models import OutboxEvent
from rules.dates import add_months
from rules.global_ids import global_id
from tests.conftest import Api
from tests.helpers.agreements import docx_text, partner_key, segment_agreement
from tests.helpers.api import program_today_of

pytestmark = pytest.mark.anyio

NOTICE_FIELDS = """notices { id kind reason party method dispatchedOn receivedOn givenOn
  effectiveOn awaitingReceipt cause curedOn }"""
TERMINATE = """mutation($input: TerminateAgreementInput!) { terminateAgreement(input: $input) {
  agreement { id version state { status endsOn } documents { id kind } FIELDS }
  userErrors { field code message } } }
""".replace("FIELDS", NOTICE_FIELDS)
NON_RENEWAL = """mutation($input: GiveNonRenewalNoticeInput!) {
  giveNonRenewalNotice(input: $input) { agreement { id FIELDS }
  userErrors { field code message } } }""".replace("FIELDS", NOTICE_FIELDS)
RECEIPT = """mutation($input: RecordNoticeReceiptInput!) { recordNoticeReceipt(input: $input) {
  agreement { id version state { status endsOn } terminationNoticeOn FIELDS }
  userErrors { field code message } } }""".replace("FIELDS", NOTICE_FIELDS)
STATE = """query($id: ID!, $on: Date) { node(id: $id) { ... on Agreement {
  state(asOf: $on) { status endsOn } } } }"""


async def _state(api: Api, agreement_id: str, on: date) -> dict[str, Any]:
    data = await api.gql(STATE, {"id": agreement_id, "on": on.isoformat()})
    result: dict[str, Any] = data["node"]["state"]
    return result


async def _terminated_events(api: Api, agreement_id: str) -> list[dict[str, Any]]:
    """The payloads of the agreement.terminated webhooks of that agreement."""
    async with api.sessionmaker() as session:
        payloads = await session.scalars(
            select(OutboxEvent.payload).where(OutboxEvent.event_type == "agreement.terminated")
        )
        return [p["data"] for p in payloads if p["data"]["agreement"] == agreement_id]


def _admin(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.admin_key}"}


async def _receipt(api: Api, notice_id: str, on: date | None, key: str | None = None) -> Any:
    data = {"noticeId": notice_id, **({"receivedOn": on.isoformat()} if on else {})}
    return (await api.gql(RECEIPT, {"input": data}, key=key))["recordNoticeReceipt"]


async def test_a_certified_breach_notice_runs_its_cure_period_from_receipt(api: Api) -> None:
    """SEG-AGR-13, SEG-AGR-09: the partner's breach notice by certified mail, dispatched 20
    days ago and received by Segment 12 days ago: nothing changes until the receipt; the 30-day
    cure period runs from the receipt (ends in 18 days), not from the dispatch (in 10)."""
    today = await program_today_of(api, "segment-technology")
    agreement, _ = await segment_agreement(api, today - timedelta(days=200), "Mailer")
    sent, received = today - timedelta(days=20), today - timedelta(days=12)
    breach = {
        "agreementId": agreement["id"],
        "reason": "BREACH",
        "cause": "commissions unpaid",
        "by": "PARTNER",
        "noticeDate": sent.isoformat(),
        "deliveryMethod": "certified_mail",
    }
    given = (await api.gql(TERMINATE, {"input": breach}))["terminateAgreement"]
    assert given["userErrors"] == []
    [notice] = given["agreement"]["notices"]
    assert (notice["awaitingReceipt"], notice["givenOn"], notice["effectiveOn"]) == (
        True,
        None,
        None,
    )
    assert given["agreement"]["state"] == {"status": "ACTIVE", "endsOn": None}
    # The letter is dispatched before anyone knows the day of receipt: it counts from it.
    [letter] = [d for d in given["agreement"]["documents"] if d["kind"] == "breach-notice"]
    text = docx_text(
        (await api.client.get(f"/documents/{letter['id']}", headers=_admin(api))).content
    )
    assert "deemed given on the day it is received" in text
    assert "the cure period ends on the day 30 days after the day it is received" in text
    assert await _terminated_events(api, agreement["id"]) == []
    recorded = await _receipt(api, notice["id"], received)
    assert recorded["userErrors"] == []
    lapse = received + timedelta(days=30)
    [event] = await _terminated_events(api, agreement["id"])
    assert (event["by"], event["noticeDate"], event["endsOn"]) == (
        "partner",
        received.isoformat(),
        lapse.isoformat(),
    )
    assert recorded["agreement"]["state"] == {"status": "NOTICE_GIVEN", "endsOn": lapse.isoformat()}
    assert recorded["agreement"]["terminationNoticeOn"] == received.isoformat()
    [after] = recorded["agreement"]["notices"]
    assert after == {
        **notice,
        "receivedOn": received.isoformat(),
        "givenOn": received.isoformat(),
        "effectiveOn": lapse.isoformat(),
        "awaitingReceipt": False,
    }
    assert (after["party"], after["kind"], after["dispatchedOn"]) == (
        "PARTNER",
        "BREACH",
        sent.isoformat(),
    )
    assert await _state(api, agreement["id"], received - timedelta(days=1)) == {
        "status": "ACTIVE",
        "endsOn": None,
    }
    assert (await _state(api, agreement["id"], sent + timedelta(days=30)))["status"] == (
        "NOTICE_GIVEN"
    )
    assert (await _state(api, agreement["id"], lapse))["status"] == "TERMINATED"


async def test_a_partner_key_records_the_receipt_of_the_operators_notice_today(
    api: Api,
) -> None:
    """SEG-AGR-13, SEG-AGR-08: Segment's notice of termination for convenience sent by hand
    delivery 5 days ago; the partner records its receipt, always on the program's today, and
    the 60 days' notice runs from today."""
    today = await program_today_of(api, "segment-technology")
    agreement, key = await segment_agreement(api, today - timedelta(days=100), "Handed")
    convenience = {
        "agreementId": agreement["id"],
        "reason": "CONVENIENCE",
        "noticeDate": (today - timedelta(days=5)).isoformat(),
        "deliveryMethod": "hand_delivery",
    }
    given = (await api.gql(TERMINATE, {"input": convenience}))["terminateAgreement"]
    [notice] = given["agreement"]["notices"]
    backdated = await _receipt(api, notice["id"], today - timedelta(days=1), key)
    [error] = backdated["userErrors"]
    assert (error["code"], error["field"]) == ("BACKDATING_FORBIDDEN", ["input", "receivedOn"])
    recorded = await _receipt(api, notice["id"], None, key)
    assert recorded["userErrors"] == []
    ends = (today + timedelta(days=60)).isoformat()
    assert recorded["agreement"]["state"] == {"status": "NOTICE_GIVEN", "endsOn": ends}
    assert recorded["agreement"]["notices"][0]["party"] == "OPERATOR"


async def test_a_non_renewal_notice_awaiting_receipt_expires_from_its_receipt(api: Api) -> None:
    """SEG-AGR-07/13: a non-renewal notice by certified mail sent 10 days ago, before the
    deadline (30 days before the term's last day, 6 days ago here): no effect until received;
    received in time it expires the agreement at the first anniversary; received after the
    deadline, the agreement renews once more and expires at the second."""
    today = await program_today_of(api, "segment-technology")
    effective = today - timedelta(days=340)
    sent = today - timedelta(days=10)
    for name, received, months in (("Timely", sent, 12), ("Late", today - timedelta(days=2), 24)):
        agreement, _ = await segment_agreement(api, effective, name)
        notice = {
            "agreementId": agreement["id"],
            "noticeDate": sent.isoformat(),
            "deliveryMethod": "certified_mail",
        }
        given = (await api.gql(NON_RENEWAL, {"input": notice}))["giveNonRenewalNotice"]
        assert given["userErrors"] == []
        [row] = given["agreement"]["notices"]
        assert (row["kind"], row["awaitingReceipt"]) == ("NON_RENEWAL", True)
        assert await _state(api, agreement["id"], today) == {"status": "ACTIVE", "endsOn": None}
        recorded = await _receipt(api, row["id"], received)
        assert recorded["userErrors"] == []
        ends = add_months(effective, months).isoformat()
        assert recorded["agreement"]["state"] == {"status": "NOTICE_GIVEN", "endsOn": ends}
        assert recorded["agreement"]["notices"][0]["effectiveOn"] == ends


async def test_receipt_error_codes(api: Api) -> None:
    """Every refusal of recordNoticeReceipt, each a coded user error naming its field."""
    today = await program_today_of(api, "segment-technology")
    agreement, key = await segment_agreement(api, today - timedelta(days=100), "Refused")
    sent = today - timedelta(days=4)
    mailed = {
        "agreementId": agreement["id"],
        "reason": "CONVENIENCE",
        "noticeDate": sent.isoformat(),
        "deliveryMethod": "certified_mail",
    }
    given = (await api.gql(TERMINATE, {"input": mailed}))["terminateAgreement"]
    notice_id = given["agreement"]["notices"][0]["id"]
    version = given["agreement"]["version"]
    _other, other_key = await partner_key(api, displayName="Stranger")
    cases: list[tuple[dict[str, Any], str | None, str, list[str]]] = [
        ({"noticeId": agreement["id"]}, None, "INVALID_ID", ["input", "noticeId"]),
        (
            {"noticeId": global_id("AgreementNotice", uuid.uuid4())},
            None,
            "NOTICE_NOT_FOUND",
            ["input", "noticeId"],
        ),
        ({"noticeId": notice_id}, other_key, "NOTICE_NOT_FOUND", ["input", "noticeId"]),
        (
            {"noticeId": notice_id, "receivedOn": (sent - timedelta(days=1)).isoformat()},
            None,
            "DATE_OUT_OF_ORDER",
            ["input", "receivedOn"],
        ),
        (
            {"noticeId": notice_id, "receivedOn": (today + timedelta(days=1)).isoformat()},
            None,
            "DATE_IN_FUTURE",
            ["input", "receivedOn"],
        ),
        (
            {"noticeId": notice_id, "receivedOn": sent.isoformat()},
            key,
            "BACKDATING_FORBIDDEN",
            ["input", "receivedOn"],
        ),
        (
            {"noticeId": notice_id, "expectedVersion": version - 1},
            None,
            "STALE_VERSION",
            ["input", "expectedVersion"],
        ),
    ]
    for data, caller, code, field in cases:
        refused = (await api.gql(RECEIPT, {"input": data}, key=caller))["recordNoticeReceipt"]
        [error] = refused["userErrors"]
        assert (error["code"], error["field"]) == (code, field), data
        assert refused["agreement"] is None
    assert (await _state(api, agreement["id"], today))["status"] == "ACTIVE"  # nothing written
    first = await _receipt(api, notice_id, sent)
    assert first["userErrors"] == []
    again = await _receipt(api, notice_id, today)
    [error] = again["userErrors"]
    assert (error["code"], error["field"]) == ("RECEIPT_ALREADY_RECORDED", ["input", "noticeId"])
    couriered, _ = await segment_agreement(api, today - timedelta(days=100), "Couriered")
    for method in ("next_day_courier", None):
        courier = {
            "agreementId": couriered["id"],
            "reason": "CONVENIENCE",
            "noticeDate": sent.isoformat(),
            **({"deliveryMethod": method} if method else {}),
        }
        sent_notice = (await api.gql(TERMINATE, {"input": courier}))["terminateAgreement"]
        assert sent_notice["userErrors"] == []
        last = sent_notice["agreement"]["notices"][-1]
        refused = await _receipt(api, last["id"], today)
        [error] = refused["userErrors"]
        assert (error["code"], error["field"]) == ("NOT_GIVEN_ON_RECEIPT", ["input", "noticeId"])
        # Cites the delivery rule's ids from Segment's file (issue 12).
        assert error["message"].endswith("not on receipt (SEG-AGR-13)"), error
        if method:  # SEG-AGR-13: next-day courier, given the day after dispatch
            assert last["givenOn"] == (sent + timedelta(days=1)).isoformat()
            couriered, _ = await segment_agreement(api, today - timedelta(days=100), "Plain")
