"""OpenTelemetry: switched on by OTEL_* variables; requests, SQL and webhook calls are traced."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

from api import tracing
from api.app import create_app
from api.settings import Settings

pytestmark = pytest.mark.anyio


def test_the_standard_variables_switch_tracing_on() -> None:
    assert not tracing.tracing_requested({})
    assert tracing.tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert tracing.tracing_requested({"OTEL_TRACES_EXPORTER": "console"})
    assert not tracing.tracing_requested({"OTEL_TRACES_EXPORTER": "none"})
    assert not tracing.tracing_requested(
        {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}
    )


@pytest.fixture
def exporter(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """The app's provider (as OTEL_* would make it) sends spans to memory."""
    memory = InMemorySpanExporter()
    provider = tracing.make_provider(memory, batch=False)
    monkeypatch.setattr(tracing, "provider_from_env", lambda: provider)
    yield memory
    SQLAlchemyInstrumentor().uninstrument()


async def test_requests_and_sql_are_traced(
    exporter: InMemorySpanExporter,
    engine: AsyncEngine,
    database_url: str,
    seeded: None,
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_url=database_url,
        PARTNERGRAPH_DATA_DIR=tmp_path / "data",
        PARTNERGRAPH_SECRET_KEY="k",
    )
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/readyz")).status_code == 200
    spans = exporter.get_finished_spans()
    names = [span.name for span in spans]
    assert any(name.startswith("GET /readyz") for name in names), names
    sql = [
        span
        for span in spans
        if span.attributes and str(span.attributes.get("db.statement", "")).startswith("SELECT 1")
    ]
    assert len(sql) == 1, names
    server = next(span for span in spans if span.name == "GET /readyz")
    assert sql[0].context.trace_id == server.context.trace_id  # one trace per request


async def test_webhook_calls_are_traced() -> None:
    memory = InMemorySpanExporter()
    provider = tracing.make_provider(memory, batch=False)
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    async with httpx.AsyncClient(transport=transport) as client:
        tracing.instrument_client(client, provider)
        await client.post("https://hooks.partner.example/pg", json={"type": "tier.changed"})
    (span,) = memory.get_finished_spans()
    assert span.name == "POST"
    assert span.attributes is not None
    assert (
        span.attributes.get("http.response.status_code", span.attributes.get("http.status_code"))
        == 204
    )
