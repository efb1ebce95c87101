"""Support through GraphQL (SUP-01..06)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rules.enums import ApiKeyRole
from schema.ids import decode_id
from tests.conftest import Api
from tests.helpers.api import create_partner, program

pytestmark = pytest.mark.anyio
LA = ZoneInfo("America/Los_Angeles")

SETTINGS = """support { window { key timezone } contacts { id position name }
  primaryContact { kind name email } }"""
HOURS = """mutation($input: SetSupportHoursInput!) { setSupportHours(input: $input) {
  FIELDS userErrors { field code message } } }""".replace("FIELDS", SETTINGS)
ADD = """mutation($input: AddSupportContactInput!) { addSupportContact(input: $input) {
  FIELDS userErrors { field code message } } }""".replace("FIELDS", SETTINGS)
INCIDENT = """id status reportedAt responseDueAt overdue escalationLevel escalationAvailableAt
  classification { key targetResponseHours } supportWindow { key } primaryContact { kind name }
  events { kind level levelName at }"""
OPEN = """mutation($input: OpenIncidentInput!) { openIncident(input: $input) {
  incident { FIELDS } userErrors { field code message } } }""".replace("FIELDS", INCIDENT)
ESCALATE = """mutation($input: EscalateIncidentInput!) { escalateIncident(input: $input) {
  incident { FIELDS } userErrors { field code message } } }""".replace("FIELDS", INCIDENT)


def report(program_id: str, **extra: Any) -> dict[str, Any]:
    data = {
        "programId": program_id,
        "classification": "high",
        "affectedAspects": "Event delivery to the warehouse",
        "userImpact": "Dashboards stale for all users",
        "startedAt": "2026-01-01T00:00:00+00:00",
        "stepsToReproduce": "1. Send an event 2. Query the warehouse",
        "errorMessage": "ERR_TIMEOUT upstream after 30s",
    }
    data.update(extra)
    return data


async def _customer(api: Api) -> tuple[dict[str, Any], str, str]:
    partner = await create_partner(api)
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    segment = await program(api, "segment-technology")
    return partner, key, segment["id"]


def last_friday_five_pm(weeks_back: int = 1) -> datetime:
    now = datetime.now(LA)
    friday = now - timedelta(days=(now.weekday() - 4) % 7 + 7 * weeks_back)
    return friday.replace(hour=17, minute=0, second=0, microsecond=0)


async def test_support_list_and_hours_are_required(api: Api) -> None:
    partner, key, segment = await _customer(api)
    early = await api.gql(OPEN, {"input": report(segment)}, key=key)
    assert early["openIncident"]["userErrors"][0]["code"] == "NO_SUPPORT_HOURS"
    await api.gql(HOURS, {"input": {"programId": segment, "window": "pacific"}}, key=key)
    no_list = await api.gql(OPEN, {"input": report(segment)}, key=key)
    assert no_list["openIncident"]["userErrors"][0]["code"] == "NO_SUPPORT_CONTACT"
    bad = await api.gql(HOURS, {"input": {"programId": segment, "window": "mars"}}, key=key)
    assert bad["setSupportHours"]["userErrors"][0]["code"] == "UNKNOWN_WINDOW"
    contact = {
        "programId": segment,
        "email": "ops@acme.example",
        "phone": "+1 415 555 0100",
        "role": "On-call engineer",
    }
    await api.gql(ADD, {"input": {**contact, "name": "Second"}}, key=key)
    data = await api.gql(ADD, {"input": {**contact, "name": "First", "position": 1}}, key=key)
    settings = data["addSupportContact"]["support"]
    assert [c["name"] for c in settings["contacts"]] == ["First", "Second"]
    assert settings["primaryContact"] == {
        "kind": "SUPPORT_LIST",
        "name": "First",
        "email": "ops@acme.example",
    }
    ids = [c["id"] for c in settings["contacts"]]
    reordered = await api.gql(
        """mutation($input: ReorderSupportContactsInput!) {
        reorderSupportContacts(input: $input) { support { contacts { name } }
        userErrors { code } } }""",
        {"input": {"programId": segment, "contactIds": list(reversed(ids))}},
        key=key,
    )
    assert [c["name"] for c in reordered["reorderSupportContacts"]["support"]["contacts"]] == [
        "Second",
        "First",
    ]
    missing = await api.gql(OPEN, {"input": report(segment, errorMessage=" ")}, key=key)
    assert missing["openIncident"]["userErrors"][0] == {
        "field": ["input", "errorMessage"],
        "code": "REQUIRED",
        "message": "errorMessage is required",
    }
    csm = await api.gql(
        """mutation($input: AssignCsmInput!) { assignCsm(input: $input) {
        support { primaryContact { kind name } } userErrors { code } } }""",
        {
            "input": {
                "programId": segment,
                "partnerId": partner["id"],
                "name": "Casey CSM",
                "email": "casey@segment.example",
            }
        },
    )
    assert csm["assignCsm"]["support"]["primaryContact"] == {"kind": "CSM", "name": "Casey CSM"}


async def _ready(api: Api) -> tuple[str, str, str]:
    partner, key, segment = await _customer(api)
    await api.gql(HOURS, {"input": {"programId": segment, "window": "pacific"}}, key=key)
    await api.gql(
        ADD,
        {
            "input": {
                "programId": segment,
                "name": "Ops",
                "role": "SRE",
                "email": "ops@acme.example",
                "phone": "+1 415 555 0100",
            }
        },
        key=key,
    )
    return key, segment, partner["id"]


async def test_friday_incident_is_due_monday_and_escalation_waits(api: Api) -> None:
    """Done when: opened Friday 17:00 Pacific, target 4 support hours: due Monday 12:30
    Pacific; escalation refused before that and accepted after (SUP-04, SUP-05)."""
    key, segment, partner_id = await _ready(api)
    friday = last_friday_five_pm()
    opened = await api.gql(
        OPEN, {"input": report(segment, reportedAt=friday.isoformat(), partnerId=partner_id)}
    )
    incident = opened["openIncident"]["incident"]
    assert opened["openIncident"]["userErrors"] == []
    due = datetime.fromisoformat(incident["responseDueAt"]).astimezone(LA)
    assert (due.weekday(), due.hour, due.minute) == (0, 12, 30)
    assert due.date() == (friday + timedelta(days=3)).date()
    assert incident["overdue"] is True  # as of now, long past
    assert incident["primaryContact"] == {"kind": "SUPPORT_LIST", "name": "Ops"}
    early = await api.gql(
        ESCALATE,
        {
            "input": {
                "incidentId": incident["id"],
                "escalatedAt": (due - timedelta(minutes=1)).isoformat(),
            }
        },
    )
    error = early["escalateIncident"]["userErrors"][0]
    assert error["code"] == "ESCALATION_NOT_YET"
    assert due.astimezone(ZoneInfo("UTC")).isoformat() in error["message"]
    ok = await api.gql(
        ESCALATE,
        {
            "input": {
                "incidentId": incident["id"],
                "escalatedAt": (due + timedelta(minutes=1)).isoformat(),
            }
        },
    )
    escalated = ok["escalateIncident"]["incident"]
    assert ok["escalateIncident"]["userErrors"] == []
    assert escalated["escalationLevel"] == 1
    assert escalated["events"][0]["levelName"] == "escalation_1"
    listed = await api.gql("{ incidents(filter: {overdue: true}) { totalCount } }", key=key)
    assert listed["incidents"]["totalCount"] == 1


async def test_partner_escalation_now(api: Api) -> None:
    key, segment, partner_id = await _ready(api)
    fresh = await api.gql(OPEN, {"input": report(segment, classification="low")}, key=key)
    incident = fresh["openIncident"]["incident"]
    refused = await api.gql(ESCALATE, {"input": {"incidentId": incident["id"]}}, key=key)
    assert refused["escalateIncident"]["userErrors"][0]["code"] == "ESCALATION_NOT_YET"
    old = await api.gql(
        OPEN,
        {
            "input": report(
                segment,
                reportedAt=last_friday_five_pm(weeks_back=2).isoformat(),
                partnerId=partner_id,
            )
        },
    )
    old_id = old["openIncident"]["incident"]["id"]
    accepted = await api.gql(ESCALATE, {"input": {"incidentId": old_id}}, key=key)
    assert accepted["escalateIncident"]["incident"]["escalationLevel"] == 1
    not_yours = await api.gql("{ incidents { totalCount } }", key=key)
    assert not_yours["incidents"]["totalCount"] == 2
    responded = await api.gql(
        """mutation($input: RespondToIncidentInput!) {
        respondToIncident(input: $input) { incident { responseDueAt overdue } userErrors { code }
        } }""",
        {"input": {"incidentId": old_id, "message": "Looking into it"}},
    )
    assert responded["respondToIncident"]["incident"] == {"responseDueAt": None, "overdue": False}
    as_partner = await api.gql(
        """mutation($input: RespondToIncidentInput!) {
        respondToIncident(input: $input) { userErrors { code } } }""",
        {"input": {"incidentId": old_id, "message": "x"}},
        key=key,
    )
    assert as_partner["respondToIncident"]["userErrors"][0]["code"] == "FORBIDDEN"


async def test_closing_as_excluded_needs_a_reason(api: Api) -> None:
    key, segment, _partner_id = await _ready(api)
    incident = (await api.gql(OPEN, {"input": report(segment)}, key=key))["openIncident"]
    close = """mutation($input: CloseIncidentInput!) { closeIncident(input: $input) {
        incident { status exclusionReason closeReason } userErrors { code } } }"""
    incident_id = incident["incident"]["id"]
    no_reason = await api.gql(close, {"input": {"incidentId": incident_id, "excluded": True}})
    assert no_reason["closeIncident"]["userErrors"][0]["code"] == "EXCLUSION_REASON_REQUIRED"
    wrong = await api.gql(
        close,
        {"input": {"incidentId": incident_id, "excluded": True, "exclusionReason": "cosmic_rays"}},
    )
    assert wrong["closeIncident"]["userErrors"][0]["code"] == "UNKNOWN_EXCLUSION_REASON"
    done = await api.gql(
        close,
        {
            "input": {
                "incidentId": incident_id,
                "excluded": True,
                "exclusionReason": "third_party_systems",
            }
        },
    )
    assert done["closeIncident"]["incident"] == {
        "status": "CLOSED",
        "closeReason": "excluded",
        "exclusionReason": "third_party_systems",
    }
    again = await api.gql(ESCALATE, {"input": {"incidentId": incident_id}}, key=key)
    assert again["escalateIncident"]["userErrors"][0]["code"] == "INCIDENT_CLOSED"


CLOSE_AT = """mutation($input: CloseIncidentInput!) { closeIncident(input: $input) {
  incident { id status } userErrors { field code message } } }"""


async def test_incident_facts_carry_their_own_times(api: Api) -> None:
    """Issue 11: a report, escalation or closing entered late keeps its own time; partner keys
    cannot backdate; nothing is in the future or before the facts it follows (SUP-05)."""
    key, segment, partner_id = await _ready(api)
    friday = last_friday_five_pm(weeks_back=2)
    backdated = await api.gql(
        OPEN, {"input": report(segment, reportedAt=friday.isoformat())}, key=key
    )
    assert backdated["openIncident"]["userErrors"][0]["code"] == "BACKDATING_FORBIDDEN"
    future = datetime.now(LA) + timedelta(hours=2)
    ahead = await api.gql(
        OPEN, {"input": report(segment, reportedAt=future.isoformat(), partnerId=partner_id)}
    )
    assert ahead["openIncident"]["userErrors"][0]["field"] == ["input", "reportedAt"]
    assert ahead["openIncident"]["userErrors"][0]["code"] == "DATE_IN_FUTURE"
    started_late = await api.gql(
        OPEN,
        {
            "input": report(
                segment,
                reportedAt=friday.isoformat(),
                startedAt=(friday + timedelta(hours=1)).isoformat(),
                partnerId=partner_id,
            )
        },
    )
    assert started_late["openIncident"]["userErrors"][0]["code"] == "DATE_OUT_OF_ORDER"
    opened = await api.gql(
        OPEN, {"input": report(segment, reportedAt=friday.isoformat(), partnerId=partner_id)}
    )
    incident = opened["openIncident"]["incident"]
    before = await api.gql(
        ESCALATE,
        {
            "input": {
                "incidentId": incident["id"],
                "escalatedAt": (friday - timedelta(minutes=1)).isoformat(),
            }
        },
    )
    assert before["escalateIncident"]["userErrors"][0]["code"] == "DATE_OUT_OF_ORDER"
    due = datetime.fromisoformat(incident["responseDueAt"])
    escalated_at = due + timedelta(hours=1)
    escalated = await api.gql(
        ESCALATE, {"input": {"incidentId": incident["id"], "escalatedAt": escalated_at.isoformat()}}
    )
    assert escalated["escalateIncident"]["incident"]["escalationLevel"] == 1
    early_close = await api.gql(
        CLOSE_AT,
        {"input": {"incidentId": incident["id"], "closedAt": due.isoformat()}},
    )
    assert early_close["closeIncident"]["userErrors"][0] == {
        "field": ["input", "closedAt"],
        "code": "DATE_OUT_OF_ORDER",
        "message": "closedAt cannot be before the incident's last event "
        f"({escalated_at.astimezone(ZoneInfo('UTC')).isoformat()})",
    }
    closed = await api.gql(
        CLOSE_AT,
        {
            "input": {
                "incidentId": incident["id"],
                "closedAt": (escalated_at + timedelta(hours=1)).isoformat(),
            }
        },
    )
    assert closed["closeIncident"]["userErrors"] == []
    # Each fact entered late is marked in the audit log with the day it carries (issue 11).
    events = await api.gql(
        """query($f: AuditFilterInput) { auditEvents(filter: $f, first: 10) {
        edges { node { operation factDate backfilled } } } }""",
        {"f": {"object": incident["id"]}},
    )
    marks = {
        e["node"]["operation"]: (e["node"]["factDate"], e["node"]["backfilled"])
        for e in events["auditEvents"]["edges"]
    }
    assert marks["openIncident"] == (friday.date().isoformat(), True)
    assert marks["escalateIncident"][1] is True and marks["closeIncident"][1] is True
    assert closed["closeIncident"]["incident"]["status"] == "CLOSED"


async def test_an_empty_incident_id_is_a_coded_error(api: Api) -> None:
    """The schema fuzz (issue 13) sent `incidentId: ""`: it was taken for "no id" and the
    lookup failed with an internal error; an empty id is a malformed one."""
    data = await api.gql(ESCALATE, {"input": {"incidentId": ""}})
    assert data["escalateIncident"]["incident"] is None
    assert [(e["field"], e["code"]) for e in data["escalateIncident"]["userErrors"]] == [
        (["input", "incidentId"], "INVALID_ID")
    ]
