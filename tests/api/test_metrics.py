"""/metrics: the Prometheus figures after some traffic."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint
from models.base import utcnow
from tests.conftest import Api
from tests.helpers.agreements import accept_segment, partner_key
from tests.helpers.servers import api_server

pytestmark = pytest.mark.anyio

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def _scrape(api: Api) -> Samples:
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def _webhook_backlog(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """One delivery waiting for 2 minutes, one given up, one failed attempt."""
    now = utcnow()
    async with sessionmaker.begin() as session:
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(), url="https://hooks.example/x", event_types=["*"], secret="s"
        )
        event = OutboxEvent(id=uuid.uuid4(), event_type="tier.changed", payload={})
        other = OutboxEvent(id=uuid.uuid4(), event_type="tier.changed", payload={})
        session.add_all([endpoint, event, other])
        await session.flush()
        waiting = WebhookDelivery(
            id=uuid.uuid4(),
            event_id=event.id,
            endpoint_id=endpoint.id,
            status="pending",
            next_attempt_at=now - timedelta(minutes=2),
        )
        failed = WebhookDelivery(
            id=uuid.uuid4(),
            event_id=other.id,
            endpoint_id=endpoint.id,
            status="failed",
            next_attempt_at=now,
        )
        session.add_all([waiting, failed])
        await session.flush()
        session.add(
            DeliveryAttempt(
                id=uuid.uuid4(),
                delivery_id=failed.id,
                attempted_at=now,
                status_code=500,
                duration_ms=12,
            )
        )


@pytest.fixture
def api_settings() -> dict[str, Any]:
    return {"PARTNERGRAPH_RATE_LIMIT_POINTS": "150"}


async def test_metrics_show_the_figures_after_traffic(
    api: Api, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await _scrape(api)
    _partner, key = await partner_key(api)
    documents = (await accept_segment(api, key))["agreement"]["documents"]
    url = f"/documents/{documents[0]['id']}?format=pdf"
    for _ in range(2):  # converted, then served from the cache
        pdf = await api.client.get(url, headers={"Authorization": f"Bearer {key}"})
        assert pdf.status_code == 200, pdf.text
    named = {"query": "query Mine { viewer { role } }", "operationName": "Mine"}
    answer = await api.client.post(
        "/graphql", json=named, headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200
    assert (await api.client.post("/graphql", json=named)).status_code == 401
    refused = 0
    for _ in range(150):  # until the partner key's 150 points have run out
        response = await api.client.post(
            "/graphql", json=named, headers={"Authorization": f"Bearer {key}"}
        )
        refused += response.status_code == 429
        if refused == 2:
            break
    assert refused == 2
    await _webhook_backlog(sessionmaker)
    after = await _scrape(api)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    route = {"route": "/graphql", "operation": "Mine"}
    assert grew("partnergraph_requests_total", outcome="ok", **route) >= 1
    unknown = {"route": "/graphql", "operation": "-"}  # unauthenticated callers name nothing
    assert grew("partnergraph_requests_total", outcome="unauthenticated", **unknown) == 1
    assert grew("partnergraph_requests_total", outcome="rate_limited", **route) == refused
    assert grew("partnergraph_rate_limit_refusals_total") == refused
    assert grew("partnergraph_request_duration_seconds_count", **route) >= 2 + refused
    assert grew("partnergraph_query_cost_points_count", operation="Mine") >= 1
    assert grew("partnergraph_query_cost_points_sum", operation="Mine") >= 1
    assert grew("partnergraph_document_renders_total") == len(documents)
    assert grew("partnergraph_pdf_conversions_total", outcome="converted") == 1
    assert grew("partnergraph_pdf_conversions_total", outcome="cached") == 1
    assert _value(after, "partnergraph_db_pool_connections_open") >= 1
    assert ("partnergraph_db_pool_connections_in_use", ()) in after
    assert _value(after, "partnergraph_webhook_backlog") == 1
    assert _value(after, "partnergraph_webhook_due") == 1
    assert _value(after, "partnergraph_webhook_lag_seconds") >= 100
    assert _value(after, "partnergraph_webhook_deliveries_given_up") == 1
    assert _value(after, "partnergraph_webhook_failed_attempts") == 1


def test_several_workers_report_their_sum(database_url: str, tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url, "PARTNERGRAPH_DATA_DIR": str(tmp_path / "data")}
    with api_server(env, workers=2) as url, httpx.Client(base_url=url) as client:
        for _ in range(30):  # new connections: both workers answer some
            assert httpx.get(f"{url}/healthz").status_code == 200
        for _ in range(3):  # whichever worker answers the scrape, it counts every process
            scraped = client.get("/metrics").text
            counted = [
                sample.value
                for family in text_string_to_metric_families(scraped)
                for sample in family.samples
                if sample.name == "partnergraph_requests_total"
                and sample.labels.get("route") == "/healthz"
            ]
            assert sum(counted) >= 30
