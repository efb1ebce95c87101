"""The ASGI application: /graphql (with GraphiQL in development) and /healthz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from api.documents import DocumentDownloads
from api.download_links import DownloadLinks
from api.graphql_view import GraphQLView
from api.pdf import find_soffice
from api.ratelimit import RateLimit
from api.settings import Settings, get_settings
from models.db import make_async_engine, make_sessionmaker
from models.documents.blobs import LocalBlobStore
from schema import build_schema


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    """Build the application for `settings` (from the environment by default)."""
    settings = settings or get_settings()
    engine = engine or make_async_engine(settings.database_url, echo=settings.sql_echo)
    sessionmaker = make_sessionmaker(engine)
    readers = make_sessionmaker(engine, write=False)
    store = LocalBlobStore(settings.blob_dir)
    links = DownloadLinks(settings.signing_key(), settings.download_url_ttl_seconds)
    schema = build_schema(
        introspection=settings.graphiql_enabled,
        max_cost=settings.max_query_cost,
        max_tokens=settings.max_query_tokens,
    )
    view = GraphQLView(
        sessionmaker,
        readers,
        store,
        links,
        settings.delivery_policy(),
        max_body_bytes=settings.max_body_bytes,
        rate_limit=RateLimit(settings.rate_limit_points, settings.rate_limit_window_seconds),
        multipart_uploads_enabled=True,
        schema=schema,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        allow_queries_via_get=True,
    )

    downloads = DocumentDownloads(
        readers, store, links, settings, find_soffice(settings.soffice_path)
    )

    async def health(_request: Request) -> Response:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    async def home(_request: Request) -> Response:
        return RedirectResponse("/graphql")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    return Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", health),
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/documents/{id}", downloads.handle, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
