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
from services import idempotency
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


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """A GraphQL-shaped error answer outside execution."""
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


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
            key = request.headers.get("idempotency-key")
            if key is None or request.method != "POST" or actor.key_id is None:
                response = await super().run(request, ctx, root_value)
            else:
                response = await self._idempotent(request, ctx, root_value, actor.key_id, key)
        response.headers["x-request-id"] = request_id
        return response

    async def _idempotent(
        self, request: Request, ctx: Context, root_value: Any, api_key_id: uuid.UUID, key: str
    ) -> Response:
        """Run a request under an `Idempotency-Key`: first time for real, then replayed."""
        if not 1 <= len(key) <= idempotency.KEY_MAX:
            return error_response(
                400,
                "INVALID_IDEMPOTENCY_KEY",
                f"an Idempotency-Key is 1 to {idempotency.KEY_MAX} characters",
            )
        fingerprint = idempotency.request_hash(
            request.method,
            request.url.path,
            request.headers.get("content-type", ""),
            await request.body(),
        )
        decision = await idempotency.begin(self.sessionmaker, api_key_id, key, fingerprint)
        if decision.outcome is idempotency.Outcome.MISMATCH:
            return error_response(
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was used with a different request",
            )
        if decision.outcome is idempotency.Outcome.IN_PROGRESS:
            return error_response(
                409,
                "IDEMPOTENCY_IN_PROGRESS",
                "a request with this Idempotency-Key is still running",
            )
        if decision.outcome is idempotency.Outcome.REPLAY:
            return Response(
                decision.body or "",
                status_code=decision.status or 200,
                media_type=decision.content_type,
                headers={"idempotent-replayed": "true"},
            )
        try:
            response = await super().run(request, ctx, root_value)
        except BaseException:
            await idempotency.release(self.sessionmaker, api_key_id, key)
            raise
        assert isinstance(response, Response)
        await idempotency.finish(
            self.sessionmaker,
            api_key_id,
            key,
            response.status_code,
            response.media_type or response.headers.get("content-type", ""),
            bytes(response.body).decode("utf-8"),
        )
        return response
