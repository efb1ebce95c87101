"""Input at the scalar boundary gets a coded 400 or user error, never a 500 (issue 13): NUL
bytes and lone surrogates in any string, timestamps without an offset or out of range, JSON
nested 100,000 deep."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Api
from tests.helpers.api import CREATE_PARTNER, partner_input

pytestmark = pytest.mark.anyio

AUDIT = "query($f: AuditFilterInput) { auditEvents(filter: $f) { totalCount } }"


async def _raw(api: Api, body: bytes) -> tuple[int, str]:
    response = await api.client.post(
        "/graphql",
        content=body,
        headers={
            "Authorization": f"Bearer {api.admin_key}",
            "content-type": "application/json",
            "accept": "application/graphql-response+json",
        },
    )
    codes = [e["extensions"]["code"] for e in response.json().get("errors", [])]
    return response.status_code, codes[0] if codes else ""


@pytest.mark.parametrize(
    "text",
    ["Acme\u0000Corp", "\\ud800", "x\\udfffy", "Acme\u0007Corp", "Acme\u001bCorp"],
    ids=["nul", "lone-high-surrogate", "lone-low-surrogate", "bell", "escape"],
)
async def test_strings_with_controls_or_lone_surrogates_are_refused(api: Api, text: str) -> None:
    """A control character would break the DOCX a text field reaches (XML 1.0 cannot hold it)."""
    variables = json.dumps({"input": partner_input(displayName="PLACEHOLDER")})
    body = json.dumps({"query": CREATE_PARTNER}).encode()[:-1]
    encoded = json.dumps(text).replace("\\\\u", "\\u")  # keep \ud800 an escape in the JSON
    body += b', "variables": ' + variables.replace('"PLACEHOLDER"', encoded).encode() + b"}"
    status, code = await _raw(api, body)
    assert (status, code) == (400, "BAD_USER_INPUT")
    kept = json.dumps(
        {"query": CREATE_PARTNER, "variables": {"input": partner_input(displayName="Acme\tCorp")}}
    )
    assert (await _raw(api, kept.encode()))[0] == 200  # tab and line ends are text
    literal = '{ programs(first: 1) { edges { node { slug } } } program(slug: "a\\u0000b") { id } }'
    status, code = await _raw(api, json.dumps({"query": literal}).encode())
    assert (status, code) == (400, "BAD_USER_INPUT")


@pytest.mark.parametrize(
    "since",
    ["2026-01-01T00:00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "soon"],
    ids=["no-offset", "underflow", "overflow", "not-a-timestamp"],
)
async def test_timestamps_need_an_offset_and_a_calendar(api: Api, since: str) -> None:
    body = json.dumps({"query": AUDIT, "variables": {"f": {"since": since}}}).encode()
    assert await _raw(api, body) == (400, "BAD_USER_INPUT")
    good = json.dumps({"query": AUDIT, "variables": {"f": {"since": "2026-01-01T00:00:00Z"}}})
    assert (await _raw(api, good.encode()))[0] == 200


async def test_json_nested_100000_deep_is_a_400(api: Api) -> None:
    deep = b'{"query": "{ viewer { role } }", "variables": {"x": ' + b"[" * 100_000
    deep += b"]" * 100_000 + b"}}"
    assert await _raw(api, deep) == (400, "BAD_REQUEST")
    assert (await _raw(api, json.dumps({"query": "{ viewer { role } }"}).encode()))[0] == 200
