"""API keys through GraphQL (issue 13): admins manage every key; a partner's key holder makes,
lists, rolls, expires and revokes that partner's keys only, and never an admin key."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from models.base import utcnow
from tests.conftest import Api
from tests.helpers.agreements import partner_key

pytestmark = pytest.mark.anyio

FIELDS = "apiKey { id name prefix role partnerId expiresAt revokedAt } userErrors { field code }"
CREATE = (
    f"mutation($input: CreateApiKeyInput!) {{ createApiKey(input: $input) {{ token {FIELDS} }} }}"
)
REVOKE = f"mutation($input: RevokeApiKeyInput!) {{ revokeApiKey(input: $input) {{ {FIELDS} }} }}"
ROLL = f"mutation($input: RollApiKeyInput!) {{ rollApiKey(input: $input) {{ token {FIELDS} }} }}"
EXPIRE = f"mutation($input: ExpireApiKeyInput!) {{ expireApiKey(input: $input) {{ {FIELDS} }} }}"
LIST = "query($p: ID) { apiKeys(partnerId: $p) { id prefix role partnerId revokedAt } }"
VIEWER = "{ viewer { keyName role } }"


async def _works(api: Api, token: str) -> bool:
    response = await api.post(VIEWER, key=token)
    return response.status_code == 200 and "errors" not in response.json()


async def test_a_partner_manages_its_own_keys_only(api: Api) -> None:
    partner, key = await partner_key(api)
    other, other_key = await partner_key(api)
    made = (await api.gql(CREATE, {"input": {"name": "ci", "role": "PARTNER"}}, key=key))[
        "createApiKey"
    ]
    assert made["userErrors"] == []
    assert made["apiKey"]["partnerId"] == partner["id"] and made["token"].startswith("pgk_")
    assert await _works(api, made["token"])

    listed = (await api.gql(LIST, key=key))["apiKeys"]
    assert {k["partnerId"] for k in listed} == {partner["id"]} and len(listed) == 2
    # asking for another partner's keys still lists only the caller's own
    assert (await api.gql(LIST, {"p": other["id"]}, key=key))["apiKeys"] == listed
    assert len((await api.gql(LIST, {"p": other["id"]}))["apiKeys"]) == 1  # admin: that partner

    for refused, field in (
        ({"name": "root", "role": "ADMIN"}, "role"),
        ({"name": "theirs", "role": "PARTNER", "partnerId": other["id"]}, "partnerId"),
    ):
        payload = (await api.gql(CREATE, {"input": refused}, key=key))["createApiKey"]
        assert payload["apiKey"] is None and payload["token"] is None
        assert payload["userErrors"] == [{"field": ["input", field], "code": "FORBIDDEN"}]

    theirs = (await api.gql(LIST, key=other_key))["apiKeys"][0]["id"]
    denied = (await api.gql(REVOKE, {"input": {"keyId": theirs}}, key=key))["revokeApiKey"]
    assert denied["userErrors"] == [{"field": ["input", "keyId"], "code": "KEY_NOT_FOUND"}]
    assert await _works(api, other_key)

    revoked = await api.gql(REVOKE, {"input": {"keyId": made["apiKey"]["id"]}}, key=key)
    assert revoked["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    assert not await _works(api, made["token"])
    assert await _works(api, key)


async def test_roll_with_a_grace_period_then_expire(api: Api) -> None:
    _partner, key = await partner_key(api)
    own = (await api.gql(LIST, key=key))["apiKeys"][0]["id"]
    grace = (utcnow() + timedelta(hours=1)).isoformat()
    rolled = (await api.gql(ROLL, {"input": {"keyId": own, "oldKeyExpiresAt": grace}}, key=key))[
        "rollApiKey"
    ]
    assert rolled["userErrors"] == [] and rolled["apiKey"]["role"] == "PARTNER"
    assert await _works(api, key) and await _works(api, rolled["token"])  # both in the grace

    past = (utcnow() - timedelta(minutes=1)).isoformat()
    refused = await api.gql(EXPIRE, {"input": {"keyId": own, "expiresAt": past}}, key=key)
    assert refused["expireApiKey"]["userErrors"][0]["code"] == "INVALID_EXPIRY"

    soon = (utcnow() + timedelta(minutes=10)).isoformat()
    expired = (
        await api.gql(EXPIRE, {"input": {"keyId": own, "expiresAt": soon}}, key=rolled["token"])
    )["expireApiKey"]
    assert expired["userErrors"] == [] and expired["apiKey"]["expiresAt"] is not None


async def test_admin_makes_any_key_and_bad_input_is_coded(api: Api) -> None:
    partner, _key = await partner_key(api)
    payload: dict[str, Any] = (
        await api.gql(
            CREATE, {"input": {"name": "p", "role": "PARTNER", "partnerId": partner["id"]}}
        )
    )["createApiKey"]
    assert payload["userErrors"] == [] and payload["apiKey"]["partnerId"] == partner["id"]
    for bad, code in (
        ({"name": " ", "role": "ADMIN"}, "INVALID_NAME"),
        ({"name": "x", "role": "PARTNER"}, "PARTNER_REQUIRED"),
        ({"name": "x", "role": "ADMIN", "partnerId": partner["id"]}, "PARTNER_NOT_ALLOWED"),
        ({"name": "x", "role": "ADMIN", "partnerId": "nonsense"}, "INVALID_ID"),
    ):
        errors = (await api.gql(CREATE, {"input": bad}))["createApiKey"]["userErrors"]
        assert [e["code"] for e in errors] == [code], bad
    gone = (await api.gql(REVOKE, {"input": {"keyId": payload["apiKey"]["id"]}}))["revokeApiKey"]
    assert gone["userErrors"] == []
    again = (await api.gql(ROLL, {"input": {"keyId": payload["apiKey"]["id"]}}))["rollApiKey"]
    assert again["userErrors"][0]["code"] == "KEY_REVOKED"
