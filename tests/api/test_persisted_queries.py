"""Persisted queries (APQ) and the response cache: never older than the last committed write."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

import api.admission as admission
import services.fact_dates as fact_dates
from models import Partner
from models.base import utcnow
from rules.enums import ApiKeyRole
from schema.ids import decode_id
from tests.conftest import Api
from tests.helpers.api import create_partner

pytestmark = pytest.mark.anyio

PARTNERS = "query Names { partners(first: 10) { nodes { id displayName version } } }"
UPDATE = """mutation($input: UpdatePartnerInput!) { updatePartner(input: $input) {
  partner { id displayName } userErrors { code } } }"""


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def extensions(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(query)}}


async def apq(api: Api, query: str, key: str | None = None, **variables: Any) -> httpx.Response:
    """The APQ round trip: the hash alone, then the document once if it is unknown."""
    headers = {"Authorization": f"Bearer {key or api.admin_key}"}
    body: dict[str, Any] = {"extensions": extensions(query), "variables": variables}
    response = await api.client.post("/graphql", json=body, headers=headers)
    if "PERSISTED_QUERY_NOT_FOUND" in response.text:
        response = await api.client.post("/graphql", json={**body, "query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.text
    return response


def names(response: httpx.Response) -> dict[str, str]:
    return {p["id"]: p["displayName"] for p in response.json()["data"]["partners"]["nodes"]}


async def test_the_apq_protocol_over_post_and_get(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.admin_key}"}
    await create_partner(api, displayName="Acme")
    unknown = await api.client.post(
        "/graphql", json={"extensions": extensions(PARTNERS)}, headers=headers
    )
    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    mismatch = await api.client.post(
        "/graphql",
        json={"query": PARTNERS + " ", "extensions": extensions(PARTNERS)},
        headers=headers,
    )
    assert mismatch.status_code == 400
    assert mismatch.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    first = await apq(api, PARTNERS)
    assert list(names(first).values()) == ["Acme"]
    assert first.headers["x-cache"] == "miss"
    second = await apq(api, PARTNERS)
    assert second.headers["x-cache"] == "hit"
    assert second.json() == first.json()
    got = await api.client.get(
        "/graphql",
        params={"extensions": json.dumps(extensions(PARTNERS))},
        headers={**headers, "accept": "application/json"},
    )
    assert got.status_code == 200, got.text
    assert got.json()["data"] == first.json()["data"]


async def test_every_write_invalidates_what_it_changed(api: Api) -> None:
    partner = await create_partner(api, displayName="Before")
    assert list(names(await apq(api, PARTNERS)).values()) == ["Before"]
    assert (await apq(api, PARTNERS)).headers["x-cache"] == "hit"
    # through the API
    await api.gql(UPDATE, {"input": {"id": partner["id"], "displayName": "Through the API"}})
    after = await apq(api, PARTNERS)
    assert after.headers["x-cache"] == "miss"
    assert list(names(after).values()) == ["Through the API"]
    # through another process's session (a bulk UPDATE): the version moves with the commit
    async with api.sessionmaker.begin() as session:
        await session.execute(
            update(Partner)
            .where(Partner.id == decode_id(partner["id"])[1])
            .values(display_name="Elsewhere")
        )
    assert list(names(await apq(api, PARTNERS)).values()) == ["Elsewhere"]
    # a write that rolls back changes nothing and keeps the answer cached
    async with api.sessionmaker() as session:
        row = await session.get(Partner, decode_id(partner["id"])[1])
        assert row is not None
        row.display_name = "Never committed"
        await session.flush()
        await session.rollback()
    kept = await apq(api, PARTNERS)
    assert kept.headers["x-cache"] == "hit"
    assert list(names(kept).values()) == ["Elsewhere"]


async def test_answers_are_scoped_to_the_caller_and_the_day(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = await create_partner(api, displayName="Mine")
    await create_partner(api, displayName="Theirs")
    assert len(names(await apq(api, PARTNERS))) == 2
    key = await api.new_key(ApiKeyRole.PARTNER, decode_id(mine["id"])[1])
    as_partner = await apq(api, PARTNERS, key=key)
    assert as_partner.headers["x-cache"] == "miss"
    assert list(names(as_partner).values()) == ["Mine"]
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(fact_dates, "utcnow", lambda: tomorrow)
    assert (await apq(api, PARTNERS)).headers["x-cache"] == "miss"


@pytest.mark.parametrize(
    "api_settings", [{"PARTNERGRAPH_RATE_LIMIT_POINTS": 400}], indirect=True, ids=["400-points"]
)
async def test_a_cache_hit_is_charged_its_fields_without_decoding_its_answer(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fields of a stored answer are counted once, when it is stored (issue 14: a hit
    decoded its whole body again to count them)."""
    await create_partner(api, displayName="Acme")
    await create_partner(api, displayName="Beta")
    miss = await apq(api, PARTNERS)
    assert miss.headers["x-cache"] == "miss"
    decoded: list[bytes] = []
    original = admission.decode_json

    def decode_json(raw: bytes) -> Any:
        decoded.append(raw)
        return original(raw)

    monkeypatch.setattr(admission, "decode_json", decode_json)
    hit = await apq(api, PARTNERS)
    assert hit.headers["x-cache"] == "hit"
    assert hit.content not in decoded
    charged = int(miss.headers["x-ratelimit-remaining"]) - int(hit.headers["x-ratelimit-remaining"])
    assert charged == 2 + 2 * 3  # partners, nodes, and three fields of each partner
