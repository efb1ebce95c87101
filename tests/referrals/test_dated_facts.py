"""Referral facts carry their own dates (issue 11): backdated by admin keys, checked in order,
and every rule applied as of the fact's day (CS-REF-02/04/10, CS-AGR-10)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.referrals import (
    DECIDE_REFERRAL,
    SUBMIT,
    as_of,
    contentsquare_today,
    form,
    referrer_since,
    submit_on,
)

pytestmark = pytest.mark.anyio

GOOD_FRIDAY = date(2026, 4, 3)  # the Friday before Easter Monday, 6 April 2026 (France)
CLOSE = """mutation($input: CloseReferralInput!) { closeReferral(input: $input) {
  referral { status closedOn } userErrors { field code message } } }"""
AUDIT = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 10) {
  edges { node { factDate backfilled } } } }"""
NOT_VIABLE = """mutation($input: MarkReferralNotViableInput!) {
  markReferralNotViable(input: $input) {
  referral { status notViableOn } userErrors { field code message } } }"""


async def test_friday_before_a_french_holiday_is_deemed_rejected_the_next_business_day(
    api: Api,
) -> None:
    """Done when (issue 11): submitted on a past Friday before a French public holiday, the
    referral reads SUBMITTED on its deadline day and DEEMED_REJECTED the next business day
    (CS-REF-02: 7 Business Days; CS-AGR-10: Easter Monday is not one)."""
    partner, _key, cs = await referrer_since(api, "Holiday", date(2026, 1, 5))
    payload = await submit_on(api, partner, cs["id"], "Pâques SARL", GOOD_FRIDAY)
    assert payload["userErrors"] == []
    referral = payload["referral"]
    assert referral["submittedOn"] == "2026-04-03"
    # 7, 8, 9, 10, 13, 14, 15 April: Easter Monday (6 April) and the weekends do not count.
    assert referral["decisionDeadline"] == "2026-04-15"
    assert await as_of(api, referral["id"], date(2026, 4, 15)) == ("SUBMITTED", True)
    assert await as_of(api, referral["id"], date(2026, 4, 16)) == ("DEEMED_REJECTED", True)
    assert referral["status"] == "DEEMED_REJECTED"
    # The day before its submission the referral did not exist: no status, no primacy.
    assert await as_of(api, referral["id"], date(2026, 4, 2)) == (None, False)
    events = await api.gql(AUDIT, {"f": {"operation": "submitReferral", "object": referral["id"]}})
    [event] = [e["node"] for e in events["auditEvents"]["edges"]]
    assert (event["factDate"], event["backfilled"]) == ("2026-04-03", True)


async def test_a_decision_entered_late_counts_on_its_own_day(api: Api) -> None:
    """CS-REF-02: a decision dated on the deadline day is in time, whenever it is entered; one
    dated the day after is refused; the answer for an earlier day never changes."""
    partner, _key, cs = await referrer_since(api, "Late Clerk", date(2026, 1, 5))
    first = (await submit_on(api, partner, cs["id"], "Lundi SA", GOOD_FRIDAY))["referral"]
    second = (await submit_on(api, partner, cs["id"], "Mardi SA", GOOD_FRIDAY))["referral"]
    too_late = await api.gql(
        DECIDE_REFERRAL,
        {"input": {"referralId": first["id"], "decision": "APPROVE", "decidedOn": "2026-04-16"}},
    )
    assert too_late["decideReferral"]["userErrors"][0]["code"] == "DECISION_WINDOW_CLOSED"
    before = await api.gql(
        DECIDE_REFERRAL,
        {"input": {"referralId": first["id"], "decision": "APPROVE", "decidedOn": "2026-04-02"}},
    )
    assert before["decideReferral"]["userErrors"] == [
        {
            "field": ["input", "decidedOn"],
            "code": "DATE_OUT_OF_ORDER",
            "message": "decidedOn (2026-04-02) cannot be before the submission (2026-04-03)",
        }
    ]
    on_time = await api.gql(
        DECIDE_REFERRAL,
        {"input": {"referralId": first["id"], "decision": "APPROVE", "decidedOn": "2026-04-15"}},
    )
    assert on_time["decideReferral"]["userErrors"] == []
    assert await as_of(api, first["id"], date(2026, 4, 14)) == ("SUBMITTED", True)
    assert await as_of(api, first["id"], date(2026, 4, 15)) == ("APPROVED", True)
    # No meeting within 30 days of submission: not live from 4 May (CS-REF-10).
    assert await as_of(api, first["id"], date(2026, 5, 3)) == ("APPROVED", True)
    assert await as_of(api, first["id"], date(2026, 5, 4)) == ("NOT_LIVE", True)
    # A rejection dated on the deadline day: the day before still reads SUBMITTED.
    reject = await api.gql(
        DECIDE_REFERRAL,
        {
            "input": {
                "referralId": second["id"],
                "decision": "REJECT",
                "reason": "no budget",
                "decidedOn": "2026-04-15",
            }
        },
    )
    assert reject["decideReferral"]["userErrors"] == []
    assert await as_of(api, second["id"], date(2026, 4, 14)) == ("SUBMITTED", True)
    assert await as_of(api, second["id"], date(2026, 4, 15)) == ("REJECTED", True)


async def test_dates_are_checked_and_only_admins_backdate(api: Api) -> None:
    partner, key, cs = await referrer_since(api, "Eager", date(2026, 1, 5))
    today = await contentsquare_today(api)
    tomorrow = (today + timedelta(days=1)).isoformat()
    future = await submit_on(api, partner, cs["id"], "Demain SA", today + timedelta(days=1))
    assert future["userErrors"][0]["field"] == ["input", "submittedOn"]
    assert future["userErrors"][0]["code"] == "DATE_IN_FUTURE"
    backdated = await api.gql(
        SUBMIT,
        {"input": {"programId": cs["id"], "submittedOn": "2026-04-03", **form("Hier SA")}},
        key=key,
    )
    assert backdated["submitReferral"]["userErrors"][0]["code"] == "BACKDATING_FORBIDDEN"
    own_today = await api.gql(
        SUBMIT,
        {"input": {"programId": cs["id"], "submittedOn": today.isoformat(), **form("Hier SA")}},
        key=key,
    )
    assert own_today["submitReferral"]["referral"]["submittedOn"] == today.isoformat()
    # Before the agreement took effect nothing could be referred (CS-REF-09), even backdated.
    early = await submit_on(api, partner, cs["id"], "Avant SA", date(2026, 1, 2))
    assert early["userErrors"][0]["code"] == "NO_ELIGIBLE_AGREEMENT"
    referral = (await submit_on(api, partner, cs["id"], "Fermé SA", GOOD_FRIDAY))["referral"]
    closed = await api.gql(
        CLOSE, {"input": {"referralId": referral["id"], "noSale": True, "closedOn": tomorrow}}
    )
    assert closed["closeReferral"]["userErrors"][0]["code"] == "DATE_IN_FUTURE"
    viable = await api.gql(
        NOT_VIABLE,
        {"input": {"referralId": referral["id"], "reason": "gone", "notViableOn": "2026-04-01"}},
    )
    assert viable["markReferralNotViable"]["userErrors"][0]["code"] == "DATE_OUT_OF_ORDER"
    closed = await api.gql(
        CLOSE, {"input": {"referralId": referral["id"], "noSale": True, "closedOn": "2026-04-08"}}
    )
    assert closed["closeReferral"]["referral"] == {"status": "CLOSED", "closedOn": "2026-04-08"}
    assert await as_of(api, referral["id"], date(2026, 4, 7)) == ("SUBMITTED", True)


async def test_primacy_follows_the_first_referral_s_dated_facts(api: Api) -> None:
    """CS-REF-04: the first submitter holds the client; deemed rejected, it releases the client
    from the day after its deadline; closed for no sale, it releases it to referrals submitted
    after the closing only. Not frozen at submission, never changed for a past day."""
    first_partner, _k1, cs = await referrer_since(api, "Premier", date(2026, 1, 5))
    second_partner, key2, _ = await referrer_since(api, "Second", date(2026, 1, 5))
    first = (await submit_on(api, first_partner, cs["id"], "Globex SAS", GOOD_FRIDAY))["referral"]
    second_payload = await submit_on(api, second_partner, cs["id"], "globex.com", date(2026, 4, 8))
    second = second_payload["referral"]
    assert await as_of(api, second["id"], date(2026, 4, 8)) == ("SUBMITTED", False)
    assert await as_of(api, second["id"], date(2026, 4, 15)) == ("SUBMITTED", False)
    # The first is deemed rejected on 16 April: the second holds the client from then on.
    assert await as_of(api, second["id"], date(2026, 4, 16)) == ("SUBMITTED", True)
    assert await as_of(api, second["id"], date(2026, 4, 7)) == (None, False)  # not yet submitted
    now = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Referral { isPrimary isConflicting } } }",
        {"id": second["id"]},
        key=key2,
    )
    assert now["node"] == {"isPrimary": True, "isConflicting": False}
    assert await as_of(api, first["id"], date(2026, 4, 16)) == ("DEEMED_REJECTED", True)
    # Closed for no sale: a referral submitted before the closing stays behind it.
    third_partner, _k3, _ = await referrer_since(api, "Troisième", date(2026, 1, 5))
    fourth_partner, _k4, _ = await referrer_since(api, "Quatrième", date(2026, 1, 5))
    head = (await submit_on(api, third_partner, cs["id"], "Initech SA", date(2026, 5, 4)))[
        "referral"
    ]
    approve = await api.gql(
        DECIDE_REFERRAL,
        {"input": {"referralId": head["id"], "decision": "APPROVE", "decidedOn": "2026-05-05"}},
    )
    assert approve["decideReferral"]["userErrors"] == []
    behind = (await submit_on(api, fourth_partner, cs["id"], "Initech", date(2026, 5, 6)))[
        "referral"
    ]
    closed = await api.gql(
        CLOSE, {"input": {"referralId": head["id"], "noSale": True, "closedOn": "2026-05-20"}}
    )
    assert closed["closeReferral"]["userErrors"] == []
    assert await as_of(api, behind["id"], date(2026, 6, 1)) == ("DEEMED_REJECTED", False)
    after = await submit_on(api, fourth_partner, cs["id"], "initech.fr", date(2026, 5, 21))
    assert after["userErrors"] == []
    assert await as_of(api, after["referral"]["id"], date(2026, 5, 21)) == ("SUBMITTED", True)


async def test_the_segment_addendum_ends_with_the_program_agreement(api: Api) -> None:
    """Issue 12 for Segment (SEG-AGR-08, SEG-TIER-10): the Referral Addendum ends no later than
    the program agreement it supplements. Terminated for convenience by notice given 1 June
    2025 (60 days), the agreement ends on 31 July; a referral dated 30 July is accepted, one
    dated 1 August is refused (NO_ELIGIBLE_AGREEMENT), and the addendum reads TERMINATED then."""
    from tests.helpers.agreements import segment_with_addendum

    agreement, addendum, partner, segment = await segment_with_addendum(
        api, date(2025, 1, 10), "Addendum Parent"
    )
    ended = await api.gql(
        """mutation($input: TerminateAgreementInput!) { terminateAgreement(input: $input) {
        agreement { state { endsOn } } userErrors { field code message } } }""",
        {
            "input": {
                "agreementId": agreement["id"],
                "reason": "CONVENIENCE",
                "noticeDate": "2025-06-01",
            }
        },
    )
    assert ended["terminateAgreement"]["userErrors"] == []
    assert ended["terminateAgreement"]["agreement"]["state"]["endsOn"] == "2025-07-31"

    async def refer(client: str, day: str) -> dict[str, Any]:
        given = form(client, opportunityKind="net_new_account")
        data = {"programId": segment["id"], "partnerId": partner["id"], "submittedOn": day}
        answer: dict[str, Any] = (await api.gql(SUBMIT, {"input": {**data, **given}}))[
            "submitReferral"
        ]
        return answer

    assert (await refer("Before End Inc", "2025-07-30"))["userErrors"] == []
    after = await refer("After End Inc", "2025-08-01")
    assert [e["code"] for e in after["userErrors"]] == ["NO_ELIGIBLE_AGREEMENT"]
    state = """query($id: ID!) { node(id: $id) { ... on Agreement {
        state(asOf: "2025-08-01") { status } } } }"""
    addendum_id = addendum["id"]
    assert (await api.gql(state, {"id": addendum_id}))["node"]["state"]["status"] == "TERMINATED"


async def test_a_backfilled_referral_is_judged_as_on_its_day(api: Api) -> None:
    """Issue 11, CS-REF-04: a partner's referral of a client dated 4 May, entered after its own
    referral of that client dated 11 May, is accepted as it would have been on 4 May (it used to
    be refused DUPLICATE_REFERRAL because of the later one); the earlier referral then holds
    the client and the later one reads conflicting from its own day."""
    partner, _key, cs = await referrer_since(api, "Backfiller", date(2026, 1, 5))
    later = (await submit_on(api, partner, cs["id"], "Umbrella SA", date(2026, 5, 11)))["referral"]
    earlier = await submit_on(api, partner, cs["id"], "umbrella.fr", date(2026, 5, 4))
    assert earlier["userErrors"] == []
    assert await as_of(api, earlier["referral"]["id"], date(2026, 5, 11)) == ("SUBMITTED", True)
    assert await as_of(api, later["id"], date(2026, 5, 11)) == ("SUBMITTED", False)
    again = await submit_on(api, partner, cs["id"], "Umbrella", date(2026, 5, 12))
    assert [e["code"] for e in again["userErrors"]] == ["DUPLICATE_REFERRAL"]
