"""The /graphql endpoint: authenticates the API key, then hands over to strawberry."""

from __future__ import annotations

import json
import uuid
from functools import partial
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from api import idempotency, outage
from api.admission import ANSWER, ANSWER_FIELDS, Admission, answered
from api.auth.identify import AuthenticationError, Authenticator
from api.download_links import DownloadLinks
from api.graphiql import graphiql_page
from api.keyed_requests import KeyedRequest, run_keyed
from api.negotiation import (
    GRAPHQL_RESPONSE,
    content_type_problem,
    decode_json,
    encode_json,
    graphql_response_status,
    negotiate,
    params_problem,
)
from api.persisted_queries import Persisted, PersistedQueries
from api.request_telemetry import report_answer
from api.response_cache import ResponseCache
from models.documents.blobs import BlobStore
from schema.context import Context
from services.actor import Actor
from services.webhooks.delivery import DeliveryPolicy

BEARER = "bearer "


def bearer_token(request: Request) -> str | None:
    """The API key a request presents, if any."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith(BEARER):
        return header[len(BEARER) :].strip() or None
    return request.headers.get("x-api-key") or None


def error_response(
    status: int, code: str, message: str, media_type: str = "application/json"
) -> JSONResponse:
    """A GraphQL-shaped error answer outside execution."""
    response = JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )
    response.headers["content-type"] = f"{media_type}; charset=utf-8"
    return response


def is_mutation(query: str, operation_name: str | None) -> bool:
    """Whether a GET request asks for a mutation (refused: 405, Allow: POST)."""
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ]
    return bool(chosen) and chosen[0].operation is OperationType.MUTATION


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
        max_body_bytes: int = 1024 * 1024,
        max_upload_bytes: int = 12 * 1024 * 1024,
        admission: Admission | None = None,
        authenticator: Authenticator | None = None,
        response_cache: ResponseCache | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.persisted = PersistedQueries()
        self.response_cache = response_cache or ResponseCache()
        self.authenticator = authenticator or Authenticator()
        self.admission = admission
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.delivery_policy = delivery_policy
        self.sessionmaker = sessionmaker
        self.readers = readers
        self.store = store
        self.links = links

    def encode_json(self, data: object) -> bytes:
        """Answers are written by orjson (`api.negotiation.encode_json`)."""
        return encode_json(data)

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL from this server's own assets (works offline), key first."""
        return graphiql_page()

    async def run(  # type: ignore[override]
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        if not isinstance(request, Request):
            return await super().run(request, context, root_value)
        adapter = self.request_adapter_class(request)
        if self.graphql_ide and self.should_render_graphql_ide(adapter):
            return await self.render_graphql_ide(request)
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            return error_response(
                406,
                "NOT_ACCEPTABLE",
                "accept application/graphql-response+json or application/json",
            )
        token = bearer_token(request)
        if token is None:
            return unauthenticated("send an API key as `Authorization: Bearer <key>`")
        request, persisted, refusal = await self.persisted.resolve(request)
        if refusal is not None:
            return refusal
        refusal = await self._check_request(request)
        if refusal is not None:
            return refusal
        async with self.readers() as session:
            try:
                actor = await self.authenticator.identify(session, token)
            except AuthenticationError as exc:
                return unauthenticated(str(exc))
            request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
            actor = Actor(
                role=actor.role,
                key_id=actor.key_id,
                key_name=actor.key_name,
                partner_id=actor.partner_id,
                request_id=request_id,
            )
            await session.rollback()  # end a read transaction (SQLite) before anything writes
            ticket = None
            if actor.key_id is not None and self.admission is not None:
                admitted = await self.admission.admit(actor.key_id, request)
                if isinstance(admitted, Response):
                    return admitted
                ticket = admitted
            shaped: Response | None = None
            try:
                response = await self._execute(
                    request, session, actor, root_value, persisted, media_type
                )
                shaped = outage.promote(self._shape(response, media_type))
            finally:
                if ticket is not None and self.admission is not None:
                    await self.admission.settle(
                        ticket,
                        shaped,
                        request.scope.get(ANSWER),
                        request.scope.get(ANSWER_FIELDS),
                    )
        response = shaped
        response.headers["x-request-id"] = request_id
        return response

    async def _execute(
        self,
        request: Request,
        session: AsyncSession,
        actor: Actor,
        root_value: Any,
        persisted: Persisted | None = None,
        media_type: str = "",
    ) -> Response:
        """Run the request for `actor`, under its Idempotency-Key when it sends one; a
        persisted query through the response cache (api/response_cache.py)."""
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
            answered=partial(answered, request.scope),
        )
        try:
            return await self._respond(request, ctx, actor, root_value, persisted, media_type)
        finally:
            await ctx.settle_background()

    async def _respond(
        self,
        request: Request,
        ctx: Context,
        actor: Actor,
        root_value: Any,
        persisted: Persisted | None,
        media_type: str,
    ) -> Response:
        session = ctx.session
        key = request.headers.get("idempotency-key")
        if (
            persisted is not None
            and key is None
            and persisted.is_query(await self._operation_name(request))
        ):
            execute = super().run
            response = await self.response_cache.run(
                session,
                actor,
                request,
                persisted,
                media_type,
                lambda: execute(request, ctx, root_value),
            )
        elif key is None or request.method != "POST" or actor.key_id is None:
            response = await super().run(request, ctx, root_value)
        else:
            response = await self._idempotent(request, ctx, root_value, actor.key_id, key)
        assert isinstance(response, Response)
        return response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The answer as strawberry shapes it, kept on the request for the admission's
        settlement (counting its fields without decoding the encoded body again, issue 14);
        a request with several results (a batch) keeps none."""
        answer = await super().process_result(request, result)
        request.scope[ANSWER] = None if ANSWER in request.scope else answer
        report_answer(request.scope, dict(answer))
        return answer

    @staticmethod
    async def _operation_name(request: Request) -> str | None:
        """The operationName a request selects (GET parameter or JSON body)."""
        if request.method == "GET":
            return request.query_params.get("operationName")
        body, _ = decode_json(await request.body())
        name = body.get("operationName") if isinstance(body, dict) else None
        return name if isinstance(name, str) else None

    async def _check_request(self, request: Request) -> Response | None:
        """Refuse what GraphQL over HTTP does not accept, before anything runs."""
        if request.method == "GET":
            query = request.query_params.get("query")
            if not query:
                return error_response(400, "BAD_REQUEST", "`query` is required")
            if is_mutation(query, request.query_params.get("operationName")):
                response = error_response(405, "METHOD_NOT_ALLOWED", "mutations are sent with POST")
                response.headers["allow"] = "POST"
                return response
            return None
        problem = content_type_problem(request.headers.get("content-type"), dict(request.headers))
        if problem is not None:
            return error_response(415, "UNSUPPORTED_MEDIA_TYPE", problem)
        multipart = request.headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.max_upload_bytes if multipart else self.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return error_response(413, "PAYLOAD_TOO_LARGE", f"the body exceeds {limit} bytes")
        body = await request.body()
        if len(body) > limit:
            return error_response(413, "PAYLOAD_TOO_LARGE", f"the body exceeds {limit} bytes")
        if multipart:
            return None
        decoded, problem = decode_json(body)
        problem = problem or params_problem(decoded)
        if problem is not None:
            return error_response(400, "BAD_REQUEST", problem)
        return None

    def _shape(self, response: Response, media_type: str) -> Response:
        """Answer in the negotiated media type, with the GraphQL-over-HTTP status codes."""
        raw = bytes(response.body) if hasattr(response, "body") else b""
        content_type = response.headers.get("content-type", "")
        if not content_type.startswith(("application/json", GRAPHQL_RESPONSE)):
            # strawberry's own plain-text refusals become coded JSON errors
            return error_response(
                response.status_code,
                "BAD_REQUEST",
                raw.decode("utf-8", "replace") or "bad request",
                media_type,
            )
        if media_type == GRAPHQL_RESPONSE and response.status_code == 200:
            body, _ = decode_json(raw)
            if isinstance(body, dict):
                status = graphql_response_status(body)
                if status != 200 and body.get("data") is None:
                    body.pop("data", None)
                    raw = json.dumps(body).encode()
                response = Response(
                    raw,
                    status_code=status,
                    headers={
                        k: v
                        for k, v in response.headers.items()
                        if k.lower() not in ("content-length", "content-type")
                    },
                )
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        return response

    async def _idempotent(
        self, request: Request, ctx: Context, root_value: Any, api_key_id: uuid.UUID, key: str
    ) -> Response:
        """Run a request under an `Idempotency-Key`: once, with its answer, in one transaction."""
        fingerprint = idempotency.request_hash(
            request.method,
            request.url.path,
            request.headers.get("content-type", ""),
            await request.body(),
        )

        async def execute(keyed: Context) -> Response:
            try:
                response = await super(GraphQLView, self).run(request, keyed, root_value)
            finally:
                # before the answer is stored and committed: its background work done, the
                # session closed to late reads, its own loaders closed (the request's are
                # closed with the request)
                await keyed.settle_background()
            assert isinstance(response, Response)
            return response

        return await run_keyed(
            self.sessionmaker, ctx, KeyedRequest(api_key_id, key, fingerprint), execute
        )
