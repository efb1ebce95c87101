"""CORS: an allow-list of origins from settings; none by default."""

from __future__ import annotations

import pytest

from tests.conftest import Api

pytestmark = pytest.mark.anyio

APP = "https://app.partner.example"
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
}


@pytest.mark.parametrize(
    "api_settings", [{"PARTNERGRAPH_CORS_ORIGINS": f"{APP}, https://other.example"}], indirect=True
)
async def test_allowed_origins_get_preflight_and_exposed_headers(api: Api) -> None:
    preflight = await api.client.options("/graphql", headers=PREFLIGHT)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == APP
    allowed = preflight.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "idempotency-key"):
        assert header in allowed
    assert "POST" in preflight.headers["access-control-allow-methods"]

    answer = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Origin": APP, "Authorization": f"Bearer {api.admin_key}"},
    )
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == APP
    exposed = answer.headers["access-control-expose-headers"].lower()
    for header in ("x-ratelimit-remaining", "x-ratelimit-reset", "idempotent-replayed"):
        assert header in exposed
    assert "x-ratelimit-remaining" in answer.headers


@pytest.mark.parametrize("api_settings", [{"PARTNERGRAPH_CORS_ORIGINS": APP}], indirect=True)
async def test_other_origins_are_not_allowed(api: Api) -> None:
    preflight = await api.client.options(
        "/graphql", headers={**PREFLIGHT, "Origin": "https://evil.example"}
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    answer = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Origin": "https://evil.example", "Authorization": f"Bearer {api.admin_key}"},
    )
    assert "access-control-allow-origin" not in answer.headers


async def test_no_origin_is_allowed_by_default(api: Api) -> None:
    preflight = await api.client.options("/graphql", headers=PREFLIGHT)
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
