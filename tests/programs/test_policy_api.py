"""Program.today and the referral and commission policy through GraphQL (issue 11), and the
audit log's mark on backfilled facts."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Api
from tests.helpers.api import program_today_of
from tests.helpers.ledger import PAYMENT, gql_ok, qualified_with_fee
from tests.helpers.referrals import referrer

pytestmark = pytest.mark.anyio

POLICY = """query($slug: String!) { program(slug: $slug) {
  today timezone
  businessCalendar { country weekend isBusinessDay(date: "2026-07-14") }
  referralPolicy { decisionWindowBusinessDays conflictWindowMonths meetingDeadlineDays
    qualificationMonthsAfterTermination
    businessCalendar { country addBusinessDays(start: "2026-07-10", count: 1) } }
  commissionPolicy { currency commissionableMonths paymentDueDays
    schedules { version effectiveFrom carryOver brackets { upTo { amount currency } rate } }
    scheduleOn(date: "2026-06-01") { version } } } }"""


async def test_program_today_and_policies_are_readable(api: Api) -> None:
    """Contentsquare: CS-REF-03 decision window of business days in the French calendar
    (14 July is a public holiday: the business day after Friday 10 July 2026 is Monday 13,
    after Monday 13 it is Wednesday 15), CS-REF-16 brackets, CS-REF-07 payment period."""
    data = (await api.gql(POLICY, {"slug": "contentsquare"}))["program"]
    assert date.fromisoformat(data["today"]) == await program_today_of(api, "contentsquare")
    assert data["businessCalendar"]["country"] == "FR"
    assert data["businessCalendar"]["isBusinessDay"] is False
    assert data["businessCalendar"]["weekend"] == ["saturday", "sunday"]
    referrals = data["referralPolicy"]
    assert referrals["businessCalendar"]["addBusinessDays"] == "2026-07-13"
    assert referrals["decisionWindowBusinessDays"] > 0
    commissions = data["commissionPolicy"]
    assert commissions["currency"] == "USD" and commissions["paymentDueDays"] > 0
    first = commissions["schedules"][0]
    assert first["brackets"][-1]["upTo"] is None
    assert all(b["upTo"]["currency"] == "USD" for b in first["brackets"][:-1])
    assert commissions["scheduleOn"]["version"] in {s["version"] for s in commissions["schedules"]}


async def test_segment_policy_is_its_referral_fee(api: Api) -> None:
    """SEG-TIER-11: the referral-fee program shows one flat bracket, no carry-over."""
    data = (await api.gql(POLICY, {"slug": "segment-technology"}))["program"]
    [schedule] = data["commissionPolicy"]["schedules"]
    assert schedule["effectiveFrom"] is None and schedule["carryOver"] is False
    [bracket] = schedule["brackets"]
    assert bracket["upTo"] is None
    assert data["referralPolicy"]["decisionWindowBusinessDays"] is None


AUDIT = """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 10) {
  edges { node { operation occurredAt factDate backfilled } } } }"""


async def test_backfilled_facts_are_marked_in_the_audit_log(api: Api) -> None:
    """A client payment entered today but dated in February is marked backfilled, with the date
    it carries; one dated today is not."""
    partner, _key, cs = await referrer(api, "Backfill", since=date(2024, 1, 2))
    qa, _ = await qualified_with_fee(api, partner, cs, "Backco", date(2026, 2, 1), "1000")
    today = await program_today_of(api, "contentsquare")
    for day in (date(2026, 2, 3), today):
        payment = {"qualifiedAgreementId": qa, "receivedOn": day.isoformat(), "amount": "1"}
        await gql_ok(api, PAYMENT, {"input": payment})
    events = await api.gql(AUDIT, {"f": {"operation": "recordClientPayment", "object": qa}})
    marks = sorted(
        (e["node"]["factDate"], e["node"]["backfilled"]) for e in events["auditEvents"]["edges"]
    )
    assert marks == [("2026-02-03", True), (today.isoformat(), False)]
