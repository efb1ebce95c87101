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
        (None, "application/json"),
        ("*/*", "application/json"),
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
    ok = await _send(api, json.dumps(QUERY), accept=GRAPHQL_RESPONSE)
    assert ok.status_code == 200  # type: ignore[attr-defined]
    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)  # type: ignore[attr-defined]
    plain = await _send(api, json.dumps(QUERY))
    assert plain.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
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
        accept=GRAPHQL_RESPONSE,
    )
    assert variables.status_code == 400  # type: ignore[attr-defined]
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
    assert ok.json()["data"] == {"viewer": {"role": "ADMIN"}}
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


async def test_cost_is_reported_and_limited(api: Api) -> None:
    response = await _send(
        api,
        json.dumps(
            {
                "query": "{ partners(first: 50) { edges { node { "
                "displayName memberships { status } } } } }"
            }
        ),
    )
    cost = response.json()["extensions"]["cost"]  # type: ignore[attr-defined]
    # partners = 1 + 50 x (edges = 1 + (node = 1 + displayName 1 + memberships (1 + status 1)))
    assert cost == {"requested": 251, "limit": 20_000}
    variables = await _send(
        api,
        json.dumps(
            {
                "query": "query($n: Int) { partners(first: $n) { edges { node { id } } } }",
                "variables": {"n": 100},
            }
        ),
    )
    assert variables.json()["extensions"]["cost"]["requested"] == 1 + 100 * 3  # type: ignore[attr-defined]


LIMITS = pytest.mark.parametrize(
    "api_settings",
    [{"PARTNERGRAPH_MAX_QUERY_COST": 300, "PARTNERGRAPH_MAX_QUERY_TOKENS": 40}],
    indirect=True,
    ids=["tight-limits"],
)


@LIMITS
async def test_limits_refuse_before_running(api: Api) -> None:
    costly = await _send(
        api,
        json.dumps(
            {"query": "{ partners(first: 100) { edges { node { memberships { status } } } } }"}
        ),
        accept=GRAPHQL_RESPONSE,
    )
    assert costly.status_code == 400  # type: ignore[attr-defined]
    error = costly.json()["errors"][0]  # type: ignore[attr-defined]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    long_query = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(12)) + " }"
    too_long = await _send(api, json.dumps({"query": long_query}), accept=GRAPHQL_RESPONSE)
    assert too_long.status_code == 400  # type: ignore[attr-defined]
    assert too_long.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"  # type: ignore[attr-defined]


PRODUCTION = pytest.mark.parametrize(
    "api_settings", [{"PARTNERGRAPH_ENV": "production"}], indirect=True, ids=["production"]
)


@PRODUCTION
async def test_production_hides_introspection_graphiql_and_suggestions(api: Api) -> None:
    introspection = await _send(
        api, json.dumps({"query": "{ __schema { types { name } } }"}), accept=GRAPHQL_RESPONSE
    )
    assert introspection.status_code == 400  # type: ignore[attr-defined]
    typo = await _send(api, json.dumps({"query": "{ viewr { role } }"}))
    message = typo.json()["errors"][0]["message"]  # type: ignore[attr-defined]
    assert "Did you mean" not in message
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code in (400, 401, 404, 406)


RATE = pytest.mark.parametrize(
    "api_settings", [{"PARTNERGRAPH_RATE_LIMIT_POINTS": 10}], indirect=True, ids=["10-points"]
)


@RATE
async def test_rate_limit_by_query_cost(api: Api) -> None:
    """Each request spends its query cost; a spent key gets 429 with the reset time."""
    statuses = []
    for _ in range(6):
        response = await _send(
            api, json.dumps({"query": "{ viewer { role } programs { totalCount } }"})
        )
        statuses.append(response.status_code)  # type: ignore[attr-defined]
        if response.status_code == 429:  # type: ignore[attr-defined]
            body = response.json()  # type: ignore[attr-defined]
            assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert int(response.headers["retry-after"]) >= 1  # type: ignore[attr-defined]
            # fewer points left than the query's estimate (clamped to the budget of 10)
            assert int(response.headers["x-ratelimit-remaining"]) < 10  # type: ignore[attr-defined]
            break
        assert int(response.headers["x-ratelimit-used"]) > 0  # type: ignore[attr-defined]
    assert statuses[-1] == 429 and statuses[0] == 200
    other = await api.new_key()
    fresh = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert fresh.status_code == 200  # budgets are per key
