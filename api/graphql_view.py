"""The /graphql endpoint: authenticates the API key, then hands over to strawberry."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from models.blobs import BlobStore
from schema.context import Context
from services.actor import Actor
from services.api_keys import authenticate
from services.download_links import DownloadLinks
from services.webhooks import DeliveryPolicy

BEARER = "bearer "


def bearer_token(request: Request) -> str | None:
    """The API key a request presents, if any."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith(BEARER):
        return header[len(BEARER) :].strip() or None
    return request.headers.get("x-api-key") or None


def unauthenticated(message: str) -> JSONResponse:
    """The 401 answer for a missing or invalid API key."""
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    return JSONResponse(
        body, status_code=401, headers={"WWW-Authenticate": 'Bearer realm="partnergraph"'}
    )


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with API-key authentication and a per-request session."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        readers: async_sessionmaker[AsyncSession],
        store: BlobStore,
        links: DownloadLinks,
        delivery_policy: DeliveryPolicy,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.delivery_policy = delivery_policy
        self.sessionmaker = sessionmaker
        self.readers = readers
        self.store = store
        self.links = links

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        if not isinstance(request, Request):
            return await super().run(request, context, root_value)
        adapter = self.request_adapter_class(request)
        if self.graphql_ide and self.should_render_graphql_ide(adapter):
            return await self.render_graphql_ide(request)
        token = bearer_token(request)
        if token is None:
            return unauthenticated("send an API key as `Authorization: Bearer <key>`")
        async with self.readers() as session:
            actor = await authenticate(session, token)
            if actor is None:
                return unauthenticated("the API key is unknown or revoked")
            request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
            actor = Actor(
                role=actor.role,
                key_id=actor.key_id,
                key_name=actor.key_name,
                partner_id=actor.partner_id,
                request_id=request_id,
            )
            ctx = Context(
                actor=actor,
                sessionmaker=self.sessionmaker,
                session=session,
                store=self.store,
                links=self.links,
                base_url=str(request.base_url).rstrip("/"),
                client_ip=request.client.host if request.client else None,
                user_agent=request.headers.get("user-agent"),
                delivery_policy=self.delivery_policy,
            )
            response = await super().run(request, ctx, root_value)
        response.headers["x-request-id"] = request_id
        return response
