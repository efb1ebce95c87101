"""OpenID Connect access tokens next to API keys, verified against a loopback JWKS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.auth.jwt import TokenVerifier
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.api import create_partner
from tests.helpers.oidc import Issuer, oidc_settings, running_issuer

pytestmark = pytest.mark.anyio

SEEN = """{ viewer { role partner { id } }
  partners(first: 50) { totalCount edges { node { id displayName } } } }"""


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with running_issuer() as running:
        yield running


@pytest.fixture
def api_settings(issuer: Issuer, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # no cooldown between forced JWKS fetches, so a rotation is seen at once
    monkeypatch.setattr(TokenVerifier.__init__, "__defaults__", (0.0,))
    # points come back too slowly to notice, so spending shows in X-RateLimit-Used
    return {**oidc_settings(issuer), "PARTNERGRAPH_RATE_LIMIT_WINDOW": 10**8}


async def _partner_claim(api: Api) -> tuple[str, str]:
    """Two partners: return the first one's ID and its partner key; the other one exists too."""
    mine = await create_partner(api, legalName="Mine Ltd", displayName="Mine")
    await create_partner(api, legalName="Other Ltd", displayName="Other")
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(mine["id"])[1])
    return mine["id"], key


async def test_a_partner_users_token_sees_what_the_partner_key_sees(
    api: Api, issuer: Issuer
) -> None:
    partner_id, key = await _partner_claim(api)
    token = issuer.token(partnergraph_role="partner", partnergraph_partner=partner_id)
    with_key = await api.gql(SEEN, key=key)
    with_token = await api.gql(SEEN, key=token)
    assert with_token == with_key
    assert with_token["partners"]["totalCount"] == 1
    assert with_token["viewer"] == {"role": "PARTNER", "partner": {"id": partner_id}}
    # a bare UUID names the partner as well
    uuid_token = issuer.token(
        partnergraph_role=["partner"], partnergraph_partner=str(decode_id(partner_id)[1])
    )
    assert await api.gql(SEEN, key=uuid_token) == with_key


async def test_an_admin_users_token_sees_everything(api: Api, issuer: Issuer) -> None:
    await _partner_claim(api)
    data = await api.gql(SEEN, key=issuer.token(partnergraph_role="admin"))
    assert data["viewer"]["role"] == "ADMIN"
    assert data["partners"]["totalCount"] == 2


async def _refused(api: Api, token: str) -> str:
    response = await api.post("{ viewer { role } }", key=token)
    assert response.status_code == 401, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return str(response.json()["errors"][0]["message"])


async def test_bad_tokens_are_refused(api: Api, issuer: Issuer) -> None:
    partner_id, _key = await _partner_claim(api)
    good = {"partnergraph_role": "partner", "partnergraph_partner": partner_id}
    assert "expired" in await _refused(api, issuer.token(lifetime=-120, **good))
    assert "audience" in (await _refused(api, issuer.token(aud="someone-else", **good))).lower()
    assert "issuer" in (await _refused(api, issuer.token(iss="http://evil.test", **good))).lower()
    assert "role" in await _refused(api, issuer.token(partnergraph_role="viewer"))
    assert "partner" in await _refused(api, issuer.token(partnergraph_role="partner"))
    unknown = issuer.token(
        partnergraph_role="partner",
        partnergraph_partner="00000000-0000-0000-0000-000000000000",
    )
    assert "unknown" in await _refused(api, unknown)
    # signed by a key the issuer never published under that key id
    forged_kid = issuer.rotate(keep_old=True)
    forged = issuer.token(kid=forged_kid, **good)
    issuer.published.remove(forged_kid)
    assert "signing key" in await _refused(api, forged)
    # the signature does not match the published key with that id
    header, body, _signature = issuer.token(**good).split(".")
    _h, _b, other_signature = issuer.token(sub="someone-else", **good).split(".")
    assert "invalid" in await _refused(api, f"{header}.{body}.{other_signature}")


async def test_rotated_keys_are_fetched_again(api: Api, issuer: Issuer) -> None:
    await _partner_claim(api)
    before = issuer.token(partnergraph_role="admin")
    assert (await api.gql("{ viewer { role } }", key=before))["viewer"]["role"] == "ADMIN"
    fetched = issuer.jwks_requests
    issuer.rotate()
    after = issuer.token(partnergraph_role="admin")
    assert (await api.gql("{ viewer { role } }", key=after))["viewer"]["role"] == "ADMIN"
    assert issuer.jwks_requests > fetched
    # the retired key is no longer trusted once the set has been fetched again
    assert "signing key" in await _refused(api, before)


async def test_api_keys_still_work_next_to_tokens(api: Api) -> None:
    assert (await api.gql("{ viewer { role } }"))["viewer"]["role"] == "ADMIN"


async def test_a_token_user_downloads_only_the_partners_documents_and_spends_points(
    api: Api, issuer: Issuer
) -> None:
    partner, key = await partner_key(api)
    other, _other_key = await partner_key(api, legalName="Other Ltd", displayName="Other")
    document = (await accept_segment(api, key))["agreement"]["documents"][0]
    url = f"/documents/{document['id']}"
    own = issuer.token(partnergraph_role="partner", partnergraph_partner=partner["id"])
    stranger = issuer.token(
        sub="user-2", partnergraph_role="partner", partnergraph_partner=other["id"]
    )
    assert (
        await api.client.get(url, headers={"Authorization": f"Bearer {own}"})
    ).status_code == 200
    refused = await api.client.get(url, headers={"Authorization": f"Bearer {stranger}"})
    assert refused.status_code == 404
    first = await api.post("{ viewer { role } }", key=own)
    second = await api.post("{ viewer { role } }", key=own)
    assert int(second.headers["x-ratelimit-used"]) > int(first.headers["x-ratelimit-used"])
    apart = await api.post("{ viewer { role } }", key=stranger)
    assert int(apart.headers["x-ratelimit-used"]) < int(second.headers["x-ratelimit-used"])
