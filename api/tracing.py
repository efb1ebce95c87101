"""Optional OpenTelemetry tracing of requests, SQL and outgoing webhook calls.

Switched on by the standard environment variables: OTEL_TRACES_EXPORTER (otlp, console) or an
OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); the exporter
and resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) read the rest of them.
OTEL_SDK_DISABLED=true turns it off. The packages come with the `tracing` extra
(`pip install partnergraph[tracing]`); without them nothing is traced.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter

log = logging.getLogger(__name__)
SERVICE_NAME = "partnergraph"


def tracing_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the OTEL_* variables ask for traces."""
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def _exporter_from_env(environ: Mapping[str, str]) -> SpanExporter:
    kind = environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    if kind == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()


def make_provider(exporter: SpanExporter | None = None, *, batch: bool = True) -> TracerProvider:
    """A tracer provider sending spans to `exporter` (by default: the one OTEL_* names)."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", SERVICE_NAME)})
    provider = TracerProvider(resource=resource)
    chosen = exporter or _exporter_from_env(os.environ)
    processor = BatchSpanProcessor(chosen) if batch else SimpleSpanProcessor(chosen)
    provider.add_span_processor(processor)
    return provider


def instrument_app(app: Starlette, engine: AsyncEngine, provider: TracerProvider) -> None:
    """Spans for each request (Starlette) and each SQL statement (SQLAlchemy)."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.instrumentation.starlette import StarletteInstrumentor

    StarletteInstrumentor.instrument_app(app, tracer_provider=provider)
    # The instrumentation declares SQLAlchemy < 2.1; its engine events work on 2.1 (tested).
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True
    )


def instrument_client(client: httpx.AsyncClient, provider: TracerProvider) -> None:
    """Spans for outgoing calls of `client` (webhook deliveries)."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)


_provider: Any = None


def provider_from_env() -> TracerProvider | None:
    """The process's provider when OTEL_* asks for tracing and the extra is installed."""
    global _provider
    if _provider is None and tracing_requested():
        try:
            _provider = make_provider()
        except ImportError:
            log.warning("OTEL_* asks for traces but the `tracing` extra is not installed")
            _provider = False
    return _provider or None


def traced_client(client: httpx.AsyncClient) -> None:
    """Trace the webhook worker's outgoing calls when OTEL_* asks for it."""
    provider = provider_from_env()
    if provider is not None:
        instrument_client(client, provider)
