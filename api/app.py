"""The ASGI application: /graphql (with GraphiQL in development), /documents, /metrics, /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api import metrics, outage, tracing
from api.admission import Admission
from api.auth.identify import Authenticator
from api.auth.jwt import TokenVerifier
from api.blob_stores import open_storage
from api.cors import cors_middleware
from api.documents import DocumentDownloads
from api.download_links import DownloadLinks
from api.graphiql import graphiql_assets
from api.graphql_view import GraphQLView
from api.key_usage import KeyUsage
from api.log_config import configure_logging
from api.pdf import find_soffice
from api.rate_stores import open_store
from api.ratelimit import RateLimit
from api.request_telemetry import RequestTelemetry
from api.settings import Settings, get_settings
from models.db import make_async_engine, make_sessionmaker
from schema import build_schema
from schema.errors import OUTAGE_ERRORS, is_outage
from services.apikeys.recent import RecentKeys

READY_TIMEOUT_SECONDS = 5


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    """Build the application for `settings` (from the environment by default)."""
    settings = settings or get_settings()
    engine = engine or make_async_engine(settings.database_url, echo=settings.sql_echo)
    sessionmaker = make_sessionmaker(engine)
    readers = make_sessionmaker(engine, write=False)
    storage = open_storage(settings)
    store = storage.blobs
    usage = KeyUsage(sessionmaker)
    recent = RecentKeys(settings.key_cache_seconds)
    authenticator = Authenticator(token_verifier(settings), usage, recent)
    links = DownloadLinks(settings.signing_key(), settings.download_url_ttl_seconds)
    schema = build_schema(
        introspection=settings.graphiql_enabled,
        max_cost=settings.max_query_cost,
        max_tokens=settings.max_query_tokens,
    )
    rate_limit = RateLimit(
        settings.rate_limit_points,
        settings.rate_limit_window_seconds,
        settings.rate_limit_in_flight,
    )
    rate_store = open_store(rate_limit, sessionmaker, settings.redis_url)
    admission = Admission(
        rate_limit,
        rate_store,
        schema._schema,
        settings.max_query_cost,
        settings.max_query_tokens,
    )
    view = GraphQLView(
        sessionmaker,
        readers,
        store,
        links,
        settings.delivery_policy(),
        max_body_bytes=settings.max_body_bytes,
        admission=admission,
        authenticator=authenticator,
        multipart_uploads_enabled=True,
        schema=schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=True,
    )

    downloads = DocumentDownloads(
        readers, store, links, storage.pdfs, find_soffice(settings.soffice_path), authenticator
    )
    metrics.watch_pool(engine)
    metrics.watch_documents()

    async def health(_request: Request) -> Response:
        """Liveness: the process answers (no database involved)."""
        return JSONResponse({"status": "ok"})

    async def ready(_request: Request) -> Response:
        """Readiness for a load balancer: 200 when the database answers, else 503."""
        try:
            async with asyncio.timeout(READY_TIMEOUT_SECONDS), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            if is_outage(error) or isinstance(error, TimeoutError):
                return outage.outage_response()
            raise
        return JSONResponse({"status": "ok", "database": "ok"})

    async def home(_request: Request) -> Response:
        return RedirectResponse("/graphql")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        flusher = asyncio.create_task(usage.run())
        yield
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
        await rate_store.close()
        storage.close()
        await engine.dispose()

    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/healthz", health),
        Route("/readyz", ready),
        Route("/graphql", view, methods=["GET", "POST"]),
        Route("/documents/{id}", downloads.handle, methods=["GET"]),
        Route("/metrics", metrics.MetricsEndpoint(readers).handle, methods=["GET"]),
    ]
    if settings.graphiql_enabled:
        routes.append(graphiql_assets())
    middleware = [
        *cors_middleware(settings.allowed_origins),
        Middleware(RequestTelemetry),
    ]
    handlers = {error: outage.handle for error in OUTAGE_ERRORS}
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers=handlers,
    )
    provider = tracing.provider_from_env()
    if provider is not None:
        tracing.instrument_app(app, engine, provider)
    return app


def token_verifier(settings: Settings) -> TokenVerifier | None:
    """The access-token verifier, when an OpenID Connect issuer is configured."""
    if not settings.oidc_issuer:
        return None
    return TokenVerifier(
        issuer=settings.oidc_issuer,
        audience=settings.oidc_audience,
        jwks_url=settings.oidc_jwks_url,
        role_claim=settings.oidc_role_claim,
        partner_claim=settings.oidc_partner_claim,
        algorithms=[a.strip() for a in settings.oidc_algorithms.split(",") if a.strip()],
    )


def serve_app() -> Starlette:
    """The app as `partnergraph serve` runs it in each worker process: logging set up first."""
    settings = get_settings()
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    app = create_app(settings)
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """Keep the cyclic collector off the request path (issue 14: it took half the CPU).

    What startup built (schema, modules) is frozen out of every collection, and the youngest
    generation is collected after 50,000 allocations instead of 700, so a request's short-lived
    objects are freed by reference counting long before a collection walks them.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
