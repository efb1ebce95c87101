"""Setting up referrers for referral tests."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Agreement, Program
from models.base import utcnow
from rules.enums import ApiKeyRole
from schema.ids import decode_id, encode_id
from services.partners.memberships import program_today
from tests.conftest import Api
from tests.helpers.agreements import APPLY, DECIDE, SIGNER
from tests.helpers.api import create_partner, program, program_today_of

REFERRAL_FIELDS = """id clientName clientKeys opportunityKind status isPrimary isConflicting
  conflictsWith { id } decisionDeadline meetingDeadline submittedOn
  qualifiedAgreement { id signedOn ncrLines { kind counted { amount } reason } }
  commission { id amount { amount currency } ncr { amount } status dueDate blockedReason
    scheduleVersion lines { sliceFrom sliceTo base { amount } rate amount { amount }
                            ruleId scheduleVersion reason } }"""
SUBMIT = """mutation($input: SubmitReferralInput!) { submitReferral(input: $input) {
  referral { FIELDS } userErrors { field code message } } }""".replace("FIELDS", REFERRAL_FIELDS)
DECIDE_REFERRAL = """mutation($input: DecideReferralInput!) { decideReferral(input: $input) {
  referral { FIELDS } userErrors { field code message } } }""".replace("FIELDS", REFERRAL_FIELDS)
MEETING = """mutation($input: RecordMeetingInput!) { recordMeeting(input: $input) {
  referral { id status meetingOn } userErrors { field code message } } }"""
QUALIFY = """mutation($input: RecordQualifiedAgreementInput!) {
  recordQualifiedAgreement(input: $input) {
  qualifiedAgreement { id signedOn commission { id amount { amount } } }
  userErrors { field code message } } }"""
REVENUE = """mutation($input: RecordRevenueInput!) { recordRevenue(input: $input) {
  qualifiedAgreement { id ncrLines { kind counted { amount } reason }
    commission { id amount { amount currency } ncr { amount } status blockedReason
      lines { sliceFrom sliceTo rate amount { amount } ruleId scheduleVersion reason } } }
  userErrors { field code message } } }"""


def form(client: str, **extra: Any) -> dict[str, Any]:
    """A complete referral form."""
    data = {
        "clientName": client,
        "contactName": "Grace Hopper",
        "contactRole": "CTO",
        "contactEmail": "grace@client.example",
        "contactPhone": "+33 1 23 45 67 89",
        "description": "Wants better analytics on its checkout.",
    }
    data.update(extra)
    return data


async def referrer(
    api: Api, name: str, partner: dict[str, Any] | None = None, since: date | None = None
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A Contentsquare partner with the membership agreement and referrer schedule in effect
    (a new partner, or `partner` when given; it must act as a referrer), since `since` when
    given: an admin's backdated application and approval, through GraphQL (issue 11)."""
    if partner is None:
        partner = await create_partner(
            api, displayName=name, legalName=f"{name} SAS", country="FR", capacities=["REFERRER"]
        )
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    contentsquare = await program(api, "contentsquare")
    for kind in ("contentsquare-membership-agreement", "contentsquare-referrer-schedule"):
        given: dict[str, Any] = {"programId": contentsquare["id"], "kind": kind, "signer": SIGNER}
        decision: dict[str, Any] = {"decision": "APPROVE"}
        if since is not None:
            given |= {"partnerId": partner["id"], "appliedOn": since.isoformat()}
            decision["decidedOn"] = since.isoformat()
        applied = await api.gql(APPLY, {"input": given}, key=None if since else key)
        agreement = applied["applyToProgram"]["agreement"]
        assert agreement is not None, applied
        decided = await api.gql(DECIDE, {"input": {"agreementId": agreement["id"], **decision}})
        assert decided["decideApplication"]["userErrors"] == [], decided
    return partner, key, contentsquare


async def quick_referrers(
    sessionmaker: async_sessionmaker[AsyncSession], api: Api, count: int
) -> list[tuple[str, str]]:
    """Many referrers at once: partners whose referrer schedule is in effect (set directly)."""
    out = []
    contentsquare = await program(api, "contentsquare")
    program_id = decode_id(contentsquare["id"])[1]
    for i in range(count):
        partner = await create_partner(api, displayName=f"Referrer {i:02}", capacities=["REFERRER"])
        partner_id = decode_id(partner["id"])[1]
        async with sessionmaker.begin() as session:
            cs = await session.get(Program, program_id)
            assert cs is not None
            start = program_today(cs) - timedelta(days=1)
            for kind in ("contentsquare-membership-agreement", "contentsquare-referrer-schedule"):
                session.add(
                    Agreement(
                        id=uuid.uuid4(),
                        partner_id=partner_id,
                        program_id=program_id,
                        kind=kind,
                        applied_on=start,
                        effective_on=start,
                        decided_at=utcnow(),
                        version=1,
                    )
                )
        out.append((partner["id"], await api.new_key(ApiKeyRole.PARTNER, partner_id)))
    return out


def global_id(type_name: str, ident: uuid.UUID) -> str:
    """A global ID, for tests that reach rows directly."""
    return encode_id(type_name, ident)


async def submit(api: Api, key: str, program_id: str, client: str, **extra: Any) -> dict[str, Any]:
    """The submitReferral payload of a complete form for `client`, sent with `key`."""
    data = await api.gql(
        SUBMIT, {"input": {"programId": program_id, **form(client, **extra)}}, key=key
    )
    payload: dict[str, Any] = data["submitReferral"]
    return payload


async def contentsquare_today(api: Api) -> date:
    """Today in the Contentsquare program's time zone."""
    return await program_today_of(api, "contentsquare")


async def referrer_since(
    api: Api, name: str, since: date
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A Contentsquare referrer whose membership agreement and referrer schedule have been in
    effect since `since` (set directly: history as an import would bring it)."""
    partner = await create_partner(api, displayName=name, capacities=["REFERRER"])
    partner_id = decode_id(partner["id"])[1]
    contentsquare = await program(api, "contentsquare")
    async with api.sessionmaker.begin() as session:
        for kind in ("contentsquare-membership-agreement", "contentsquare-referrer-schedule"):
            session.add(
                Agreement(
                    id=uuid.uuid4(),
                    partner_id=partner_id,
                    program_id=decode_id(contentsquare["id"])[1],
                    kind=kind,
                    applied_on=since,
                    effective_on=since,
                    decided_at=utcnow(),
                    version=1,
                )
            )
    return partner, await api.new_key(ApiKeyRole.PARTNER, partner_id), contentsquare


async def submit_on(
    api: Api, partner: dict[str, Any], program_id: str, client: str, day: date
) -> dict[str, Any]:
    """An admin's backdated submitReferral payload for `partner`."""
    data = await api.gql(
        SUBMIT,
        {
            "input": {
                "programId": program_id,
                "partnerId": partner["id"],
                "submittedOn": day.isoformat(),
                **form(client),
            }
        },
    )
    payload: dict[str, Any] = data["submitReferral"]
    return payload


STATUS_AS_OF = """query($id: ID!, $d: Date!) { node(id: $id) { ... on Referral {
  statusAsOf(date: $d) isPrimaryAsOf(date: $d) } } }"""


async def as_of(
    api: Api, referral_id: str, day: date, key: str | None = None
) -> tuple[str | None, bool]:
    """A referral's status (None before its submission) and primacy at the end of `day`."""
    data = await api.gql(STATUS_AS_OF, {"id": referral_id, "d": day.isoformat()}, key=key)
    node = data["node"]
    return node["statusAsOf"], node["isPrimaryAsOf"]
