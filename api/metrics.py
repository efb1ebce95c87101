"""/metrics in the Prometheus text format (prometheus-client).

Several server processes (`serve --workers N`) each count their own requests; with
PROMETHEUS_MULTIPROC_DIR set (the `serve` command sets it when N > 1) the figures are kept in
files there and every scrape adds up all processes. Webhook figures are read from the database
at scrape time, so every process reports the same shared values.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response

from models import Document
from models.base import utcnow
from models.webhooks.backlog import WebhookBacklog, webhook_backlog

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "partnergraph_requests_total",
    "HTTP requests by route, GraphQL operation and outcome.",
    ["route", "operation", "outcome"],
)
LATENCY = Histogram(
    "partnergraph_request_duration_seconds",
    "Time to answer a request, by route and GraphQL operation.",
    ["route", "operation"],
)
QUERY_COST = Histogram(
    "partnergraph_query_cost_points",
    "Cost of executed GraphQL operations, in points.",
    ["operation"],
    buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 20000),
)
RATE_LIMITED = Counter(
    "partnergraph_rate_limit_refusals_total", "Requests refused with 429 (budget spent)."
)
DOCUMENTS = Counter(
    "partnergraph_document_renders_total", "Documents rendered and stored by this server."
)
PDF_CONVERSIONS = Counter(
    "partnergraph_pdf_conversions_total",
    "PDF requests by outcome: converted, cached, unavailable, failed, busy.",
    ["outcome"],
)
POOL_IN_USE = Gauge(
    "partnergraph_db_pool_connections_in_use",
    "Database connections checked out of the pool now.",
    multiprocess_mode="livesum",
)
POOL_OPEN = Gauge(
    "partnergraph_db_pool_connections_open",
    "Database connections the pool holds open now (in use or idle).",
    multiprocess_mode="livesum",
)


def watch_pool(engine: AsyncEngine) -> None:
    """Report the engine's pool (this process's) whenever a connection leaves or comes back."""
    pool = engine.sync_engine.pool

    def report(*_args: Any) -> None:
        in_use = int(getattr(pool, "checkedout", lambda: 0)())
        idle = int(getattr(pool, "checkedin", lambda: 0)())
        POOL_IN_USE.set(in_use)
        POOL_OPEN.set(in_use + idle)

    event.listen(pool, "checkout", report)
    event.listen(pool, "checkin", report)
    report()


def _document_rendered(*_args: Any) -> None:
    DOCUMENTS.inc()


def watch_documents() -> None:
    """Count every document row this process writes (each one is a render)."""
    if not event.contains(Document, "after_insert", _document_rendered):
        event.listen(Document, "after_insert", _document_rendered)


class _WebhookCollector(Collector):
    """The webhook figures of one scrape."""

    def __init__(self, figures: WebhookBacklog) -> None:
        self.figures = figures

    def collect(self) -> Any:
        f = self.figures
        yield GaugeMetricFamily(
            "partnergraph_webhook_backlog", "Webhook deliveries waiting (pending).", f.pending
        )
        yield GaugeMetricFamily(
            "partnergraph_webhook_due", "Pending deliveries whose attempt time has come.", f.due
        )
        yield GaugeMetricFamily(
            "partnergraph_webhook_lag_seconds",
            "How long the oldest due delivery has been waiting for a worker.",
            f.lag_seconds,
        )
        yield GaugeMetricFamily(
            "partnergraph_webhook_deliveries_given_up",
            "Deliveries given up after their last attempt.",
            f.given_up,
        )
        yield GaugeMetricFamily(
            "partnergraph_webhook_failed_attempts",
            "Delivery attempts that failed (no answer or a non-2xx status).",
            f.failed_attempts,
        )


def process_registry() -> CollectorRegistry:
    """This process's figures, or every process's in multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


class MetricsEndpoint:
    """GET /metrics."""

    def __init__(self, readers: async_sessionmaker[AsyncSession]) -> None:
        self.readers = readers

    async def handle(self, _request: Request) -> Response:
        async with self.readers() as session:
            figures = await webhook_backlog(session, utcnow())
        shared = CollectorRegistry(auto_describe=False)
        shared.register(_WebhookCollector(figures))
        body = generate_latest(process_registry()) + generate_latest(shared)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
