"""Agreement helpers: the lifecycle mutations, a partner with its own key, a click-acceptance."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import docx

from rules.enums import ApiKeyRole
from schema.ids import decode_id
from tests.conftest import Api
from tests.helpers.api import create_partner, program

SIGNER = {"name": "Ada Lovelace", "title": "CEO", "email": "ada@acme.example.com"}
AGREEMENT_FIELDS = """id kind name acceptanceMode version status effectiveDate appliedOn
  state { status effectiveDate renewalCount currentTermStart currentTermEnd nonRenewalDeadline
          endsOn }
  liabilityCap { amount { amount currency } explanation ruleIds }
  acceptances { signerName signerEmail templateId templateVersion documentSha256 clientIp
                userAgent document { id sha256 filename } }
  documents { id kind filename contentType size sha256 downloadUrl templateVersion event
              auditEventId }
  requiresNewAcceptance currentTemplateVersion"""
ACCEPT = """mutation($input: AcceptAgreementInput!) { acceptAgreement(input: $input) {
  agreement { FIELDS } acceptance { id templateVersion documentSha256 }
  userErrors { field code message } } }""".replace("FIELDS", AGREEMENT_FIELDS)
APPLY = """mutation($input: ApplyToProgramInput!) { applyToProgram(input: $input) {
  agreement { FIELDS } userErrors { field code message } } }""".replace("FIELDS", AGREEMENT_FIELDS)
DECIDE = """mutation($input: DecideApplicationInput!) { decideApplication(input: $input) {
  agreement { FIELDS } userErrors { field code message } } }""".replace("FIELDS", AGREEMENT_FIELDS)
NOTICE = """mutation($input: GiveNonRenewalNoticeInput!) { giveNonRenewalNotice(input: $input) {
  agreement { id state { status endsOn } } userErrors { field code message } } }"""
TERMINATE = """mutation($input: TerminateAgreementInput!) { terminateAgreement(input: $input) {
  agreement { id terminationReason state { status endsOn } documents { kind sha256 } }
  userErrors { field code message } } }"""


def docx_text(data: bytes) -> str:
    """The text of a DOCX file: paragraphs, then table cells."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


async def partner_key(api: Api, **fields: Any) -> tuple[dict[str, Any], str]:
    """A new partner and a partner key for it."""
    partner = await create_partner(api, **fields)
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    return partner, key


async def accept_segment(
    api: Api, key: str, kind: str = "segment-program-agreement"
) -> dict[str, Any]:
    """The payload of a Segment click-acceptance by the partner holding `key`."""
    segment = await program(api, "segment-technology")
    data = await api.gql(
        ACCEPT, {"input": {"programId": segment["id"], "kind": kind, "signer": SIGNER}}, key=key
    )
    payload: dict[str, Any] = data["acceptAgreement"]
    return payload


async def segment_agreement(api: Api, effective: date, name: str) -> tuple[dict[str, Any], str]:
    """A Segment program agreement an admin records as accepted on `effective`."""
    partner, key = await partner_key(api, displayName=name, legalName=f"{name} Inc.")
    segment = await program(api, "segment-technology")
    data = await api.gql(
        ACCEPT,
        {
            "input": {
                "programId": segment["id"],
                "partnerId": partner["id"],
                "kind": "segment-program-agreement",
                "signer": SIGNER,
                "effectiveDate": effective.isoformat(),
                "acceptedAt": f"{effective.isoformat()}T17:00:00+00:00",
            }
        },
    )
    payload = data["acceptAgreement"]
    assert payload["userErrors"] == [], payload
    assert payload["agreement"]["effectiveDate"] == effective.isoformat()
    return payload["agreement"], key


async def segment_with_addendum(
    api: Api, effective: date, name: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A Segment program agreement and its Referral Addendum, both accepted on `effective`:
    the agreement, the addendum, their partner and the program."""
    agreement, _key = await segment_agreement(api, effective, name)
    segment = await program(api, "segment-technology")
    owner = "query($id: ID!) { node(id: $id) { ... on Agreement { partner { id } } } }"
    partner: dict[str, Any] = (await api.gql(owner, {"id": agreement["id"]}))["node"]["partner"]
    addendum = {
        "programId": segment["id"],
        "partnerId": partner["id"],
        "kind": "segment-referral-addendum",
        "signer": SIGNER,
        "effectiveDate": effective.isoformat(),
        "acceptedAt": f"{effective.isoformat()}T17:00:00+00:00",
    }
    accepted = (await api.gql(ACCEPT, {"input": addendum}))["acceptAgreement"]
    assert accepted["userErrors"] == [], accepted
    return agreement, accepted["agreement"], partner, segment
