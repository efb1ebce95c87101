"""Notices are facts, never replaced (issues 11/12, SEG-AGR-09, CS-AGR-06): a second breach
notice after a cure is added beside the first; the state as of a day in each period reads its
own breach."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import Api
from tests.helpers.agreements import segment_agreement
from tests.helpers.api import program_today_of

pytestmark = pytest.mark.anyio

TERMINATE = """mutation($input: TerminateAgreementInput!) { terminateAgreement(input: $input) {
  agreement { id } userErrors { field code message } } }"""
CURE = """mutation($input: RecordCureInput!) { recordCure(input: $input) {
  agreement { id } userErrors { field code message } } }"""
READ = """query($id: ID!, $on: Date) { node(id: $id) { ... on Agreement {
  state(asOf: $on) { status endsOn } terminationNoticeOn curedOn
  notices { kind reason party dispatchedOn givenOn effectiveOn cause curedOn }
  documents { kind event } } } }"""


async def _read(api: Api, agreement_id: str, on: date) -> dict[str, Any]:
    result: dict[str, Any] = (await api.gql(READ, {"id": agreement_id, "on": on.isoformat()}))[
        "node"
    ]
    return result


async def test_two_breaches_with_a_cure_between_keep_both(api: Api) -> None:
    """SEG-AGR-09 (30-day cure): a breach notice 100 days ago, cured 90 days ago; a second
    breach notice 50 days ago, never cured, ended the agreement 20 days ago. Both notices stay
    on record; as of a day before the first cure the state shows the first breach's cure
    period, between the cure and the second notice the agreement is active, then the second
    breach's period runs and the agreement ends at its lapse."""
    today = await program_today_of(api, "segment-technology")
    agreement, _ = await segment_agreement(api, today - timedelta(days=200), "Twice")
    first, cured = today - timedelta(days=100), today - timedelta(days=90)
    second = today - timedelta(days=50)

    def breach(on: date, cause: str) -> dict[str, Any]:
        return {
            "agreementId": agreement["id"],
            "reason": "BREACH",
            "cause": cause,
            "noticeDate": on.isoformat(),
        }

    assert (await api.gql(TERMINATE, {"input": breach(first, "late reports")}))[
        "terminateAgreement"
    ]["userErrors"] == []
    recorded = await api.gql(
        CURE, {"input": {"agreementId": agreement["id"], "curedOn": cured.isoformat()}}
    )
    assert recorded["recordCure"]["userErrors"] == []
    early = await api.gql(TERMINATE, {"input": breach(cured - timedelta(days=1), "again")})
    [error] = early["terminateAgreement"]["userErrors"]
    assert (error["code"], error["field"]) == ("DATE_OUT_OF_ORDER", ["input", "noticeDate"])
    assert (await api.gql(TERMINATE, {"input": breach(second, "unpaid fees")}))[
        "terminateAgreement"
    ]["userErrors"] == []

    now = await _read(api, agreement["id"], today)
    first_lapse, second_lapse = first + timedelta(days=30), second + timedelta(days=30)
    assert now["notices"] == [
        {
            "kind": "BREACH",
            "reason": "BREACH",
            "party": "OPERATOR",
            "dispatchedOn": first.isoformat(),
            "givenOn": first.isoformat(),
            "effectiveOn": first_lapse.isoformat(),
            "cause": "late reports",
            "curedOn": cured.isoformat(),
        },
        {
            "kind": "BREACH",
            "reason": "BREACH",
            "party": "OPERATOR",
            "dispatchedOn": second.isoformat(),
            "givenOn": second.isoformat(),
            "effectiveOn": second_lapse.isoformat(),
            "cause": "unpaid fees",
            "curedOn": None,
        },
    ]
    # The single-notice fields read the last notice.
    assert (now["terminationNoticeOn"], now["curedOn"]) == (second.isoformat(), None)
    expected = {
        first - timedelta(days=1): ("ACTIVE", None),
        first: ("NOTICE_GIVEN", first_lapse),
        cured - timedelta(days=1): ("NOTICE_GIVEN", first_lapse),
        cured: ("ACTIVE", None),
        second - timedelta(days=1): ("ACTIVE", None),
        second: ("NOTICE_GIVEN", second_lapse),
        second_lapse - timedelta(days=1): ("NOTICE_GIVEN", second_lapse),
        second_lapse: ("TERMINATED", second_lapse),
        today: ("TERMINATED", second_lapse),
    }
    for on, (status, ends) in expected.items():
        state = (await _read(api, agreement["id"], on))["state"]
        assert state == {"status": status, "endsOn": ends and ends.isoformat()}, on
    kinds = [(d["kind"], d["event"]) for d in now["documents"]]
    assert kinds.count(("breach-notice", "terminateAgreement")) == 2
    assert kinds.count(("breach-termination-notice", "breachCureLapsed")) == 1
