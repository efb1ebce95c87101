"""Publishing template versions (SEG-AGR-12): uploads are checked, versions are immutable."""

from __future__ import annotations

import io
import json
from typing import Any

import docx
import httpx
import pytest

from contract_templates.authoring import build
from contract_templates.wording import HEADER
from contract_templates.wording.segment import SEGMENT_AGREEMENT
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from services.documents.templates import read_manifest
from tests.conftest import Api
from tests.helpers.agreements import ACCEPT, SIGNER, docx_text
from tests.helpers.api import create_partner, program

pytestmark = pytest.mark.anyio

PUBLISH = """mutation($input: PublishTemplateVersionInput!) {
  publishTemplateVersion(input: $input) {
  templateVersion { templateId version kind programSlug sha256 variables notes }
  userErrors { field code message } } }"""


async def upload(api: Api, template_id: str, data: bytes, key: str | None = None) -> httpx.Response:
    operations = {
        "query": PUBLISH,
        "variables": {
            "input": {"templateId": template_id, "file": None, "notes": "clearer wording"}
        },
    }
    return await api.client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("template.docx", data, "application/octet-stream")},
        headers={
            "Authorization": f"Bearer {key or api.admin_key}",
            "GraphQL-Require-Preflight": "1",
        },
    )


def version_two() -> bytes:
    blocks = [*SEGMENT_AGREEMENT, ("p", "Version two adds this sentence.")]
    out = io.BytesIO()
    build(blocks, HEADER).save(out)
    return out.getvalue()


async def test_publish_new_version_requires_fresh_acceptance(api: Api) -> None:
    partner = await create_partner(api)
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    segment = await program(api, "segment-technology")
    accept = {
        "input": {"programId": segment["id"], "kind": "segment-program-agreement", "signer": SIGNER}
    }
    first = (await api.gql(ACCEPT, accept, key=key))["acceptAgreement"]
    old_document = first["agreement"]["documents"][0]
    old_bytes = (
        await api.client.get(
            f"/documents/{old_document['id']}", headers={"Authorization": f"Bearer {key}"}
        )
    ).content

    response = await upload(api, "segment-program-agreement", version_two())
    payload = response.json()["data"]["publishTemplateVersion"]
    assert payload["userErrors"] == []
    assert payload["templateVersion"]["version"] == 3
    assert payload["templateVersion"]["programSlug"] == "segment-technology"

    data = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Agreement { "
        "requiresNewAcceptance currentTemplateVersion } } }",
        {"id": first["agreement"]["id"]},
        key=key,
    )
    assert data["node"] == {"requiresNewAcceptance": True, "currentTemplateVersion": 3}
    second = (await api.gql(ACCEPT, accept, key=key))["acceptAgreement"]
    assert second["userErrors"] == []
    agreement = second["agreement"]
    assert [a["templateVersion"] for a in agreement["acceptances"]] == [2, 3]
    assert agreement["effectiveDate"] == first["agreement"]["effectiveDate"]
    assert agreement["requiresNewAcceptance"] is False
    new_doc = agreement["documents"][1]
    new_text = docx_text(
        (
            await api.client.get(
                f"/documents/{new_doc['id']}", headers={"Authorization": f"Bearer {key}"}
            )
        ).content
    )
    assert "Version two adds this sentence." in new_text
    again = (
        await api.client.get(
            f"/documents/{old_document['id']}", headers={"Authorization": f"Bearer {key}"}
        )
    ).content
    assert again == old_bytes  # documents already made never change
    assert "Version two" not in docx_text(again)
    listed = await api.gql(
        '{ contractTemplates(templateId: "segment-program-agreement") { version notes } }'
    )
    assert listed["contractTemplates"] == [
        {"version": 3, "notes": "clearer wording"},
        {"version": 2, "notes": "shipped"},
        {"version": 1, "notes": "shipped"},
    ]


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("template_id", "data", "code"),
    [
        ("segment-program-agreement", _docx("{{ ''.__class__.__mro__ }}"), "SANDBOX_VIOLATION"),
        ("segment-program-agreement", _docx("{{ partner.legal_name"), "TEMPLATE_SYNTAX"),
        ("segment-program-agreement", _docx("{{ secrets.key }}"), "UNKNOWN_VARIABLE"),
        ("segment-program-agreement", b"plain text", "NOT_DOCX"),
        ("no-such-template", _docx("{{ partner.legal_name }}"), "UNKNOWN_TEMPLATE"),
    ],
)
async def test_bad_uploads_are_refused(api: Api, template_id: str, data: bytes, code: str) -> None:
    response = await upload(api, template_id, data)
    payload: dict[str, Any] = response.json()["data"]["publishTemplateVersion"]
    assert payload["templateVersion"] is None
    assert payload["userErrors"][0]["code"] == code
    listed = await api.gql("{ contractTemplates { templateId version } }")
    assert len(listed["contractTemplates"]) == len(read_manifest())  # only the shipped ones


async def test_partner_keys_cannot_publish(api: Api) -> None:
    partner = await create_partner(api)
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(partner["id"])[1])
    response = await upload(api, "segment-program-agreement", version_two(), key=key)
    payload = response.json()["data"]["publishTemplateVersion"]
    assert payload["userErrors"][0]["code"] == "FORBIDDEN"
