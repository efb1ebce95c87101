"""GraphQL over HTTP: media types, status codes, request checks, CSRF."""

from __future__ import annotations

import json

import pytest

from api.negotiation import negotiate
from tests.conftest import Api

pytestmark = pytest.mark.anyio
QUERY = {"query": "{ viewer { role } }"}
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, GRAPHQL_RESPONSE),
        ("*/*", GRAPHQL_RESPONSE),
        ("application/json", "application/json"),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0, application/json", "application/json"),
        ("text/html", None),
    ],
)
def test_negotiation(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


async def _send(
    api: Api,
    body: bytes | str,
    content_type: str | None = "application/json",
    accept: str | None = None,
    **headers: str,
) -> object:
    sent = {"Authorization": f"Bearer {api.admin_key}", **headers}
    if content_type is not None:
        sent["content-type"] = content_type
    if accept is not None:
        sent["accept"] = accept
    return await api.client.post("/graphql", content=body, headers=sent)


async def test_media_types_and_status_codes(api: Api) -> None:
    ok = await _send(api, json.dumps(QUERY))
    assert ok.status_code == 200  # type: ignore[attr-defined]
    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)  # type: ignore[attr-defined]
    legacy = await _send(api, json.dumps({"query": "{ nope }"}), accept="application/json")
    assert legacy.status_code == 200  # type: ignore[attr-defined]
    assert legacy.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
    invalid = await _send(api, json.dumps({"query": "{ nope }"}), accept=GRAPHQL_RESPONSE)
    assert invalid.status_code == 400  # type: ignore[attr-defined]
    assert "data" not in invalid.json()  # type: ignore[attr-defined]
    variables = await _send(
        api,
        json.dumps(
            {
                "query": "query($n: Int!) { partners(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            }
        ),
    )
    assert variables.status_code == 422  # type: ignore[attr-defined]
    refused = await _send(api, json.dumps(QUERY), accept="text/html")
    assert refused.status_code == 406  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{", "application/json", 400),
        ("[]", "application/json", 400),
        (json.dumps([QUERY]), "application/json", 400),
        (json.dumps({"query": 1}), "application/json", 400),
        (json.dumps({"query": "{ viewer { role } }", "variables": []}), "application/json", 400),
        (json.dumps(QUERY), "text/plain", 415),
        ("query=%7Bviewer%7Brole%7D%7D", "application/x-www-form-urlencoded", 415),
        (json.dumps(QUERY), None, 415),
        (json.dumps(QUERY), "application/json; charset=latin-1", 415),
        ("--x\r\n", "multipart/form-data; boundary=x", 415),
    ],
)
async def test_request_checks(api: Api, body: str, content_type: str | None, status: int) -> None:
    response = await _send(api, body, content_type)
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.json()["errors"][0]["extensions"]["code"]  # type: ignore[attr-defined]


async def test_get_queries_and_mutations(api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.admin_key}", "accept": "application/json"}
    ok = await api.client.get("/graphql", params=QUERY, headers=headers)
    assert ok.json() == {"data": {"viewer": {"role": "ADMIN"}}}
    mutation = {
        "query": 'mutation { createPartner(input: {legalName: "x", country: "US", '
        'noticeAddress: "y"}) { partner { id } } }'
    }
    refused = await api.client.get("/graphql", params=mutation, headers=headers)
    assert refused.status_code == 405
    assert refused.headers["allow"] == "POST"


async def test_body_size_limit(api: Api) -> None:
    big = json.dumps({"query": "{ viewer { role } }", "variables": {"pad": "x" * 1_100_000}})
    response = await _send(api, big)
    assert response.status_code == 413  # type: ignore[attr-defined]
