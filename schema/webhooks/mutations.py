"""Webhook endpoints: register (secret shown once), update, redeliver; and their delivery log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import WebhookDelivery as DeliveryRow
from models import WebhookEndpoint as EndpointRow
from models.webhooks.queries import delivery_attempts, endpoint_deliveries, webhook_event
from schema.context import Info
from schema.ids import encode_id
from schema.payloads import attempt, input_id, user_errors
from services.actor import Actor
from services.errors import FieldError, WebhookErrorCode
from services.webhooks import delivery as webhooks
from services.webhooks.outbox import EVENT_TYPES

Code = WebhookErrorCode
WebhookErrorCodeEnum = strawberry.enum(
    WebhookErrorCode, name="WebhookErrorCode", description="Why a webhook action was refused."
)


@strawberry.type(description="A refused webhook input: the input path, a stable code, a message.")
class WebhookUserError:
    field: list[str] | None
    code: WebhookErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.type(description="One delivery attempt.")
class DeliveryAttempt:
    attempted_at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int


@strawberry.type(description="An event sent to an endpoint, with its attempts.")
class WebhookDelivery:
    row: strawberry.Private[DeliveryRow]
    id: strawberry.ID
    status: str = strawberry.field(description="pending, succeeded or failed.")
    attempts: int
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: DeliveryRow) -> WebhookDelivery:
        return cls(
            row=row,
            id=strawberry.ID(encode_id("WebhookDelivery", row.id)),
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            delivered_at=row.delivered_at,
        )

    @strawberry.field(description="The event type.")
    async def event_type(self, info: Info) -> str:
        event = await info.context.loaders.read(lambda s: webhook_event(s, self.row.event_id))
        return event.event_type

    @strawberry.field(description="The attempts, oldest first.")
    async def log(self, info: Info) -> list[DeliveryAttempt]:
        rows = await info.context.loaders.read(lambda s: delivery_attempts(s, self.row.id))
        return [
            DeliveryAttempt(
                attempted_at=r.attempted_at,
                status_code=r.status_code,
                error=r.error,
                duration_ms=r.duration_ms,
            )
            for r in rows
        ]


@strawberry.type(description="A webhook endpoint. Events are signed per Standard Webhooks.")
class WebhookEndpoint:
    row: strawberry.Private[EndpointRow]
    id: strawberry.ID
    url: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: EndpointRow) -> WebhookEndpoint:
        return cls(
            row=row,
            id=strawberry.ID(encode_id("WebhookEndpoint", row.id)),
            url=row.url,
            event_types=list(row.event_types),
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
        )

    @strawberry.field(description="Latest deliveries, newest first (at most 100).")
    async def deliveries(self, info: Info, first: int = 20) -> list[WebhookDelivery]:
        rows = await info.context.loaders.read(
            lambda s: endpoint_deliveries(s, self.row.id, max(1, min(first, 100)))
        )
        return [WebhookDelivery.from_row(r) for r in rows]


@strawberry.input(
    description=f"Register an endpoint. Event types: {', '.join(EVENT_TYPES)}. "
    "Loopback, private and link-local URLs are refused unless the server allows "
    "them for development."
)
class RegisterWebhookEndpointInput:
    url: str
    event_types: list[str]


@strawberry.input(description="Enable, disable or change an endpoint's event types.")
class UpdateWebhookEndpointInput:
    endpoint_id: strawberry.ID
    enabled: bool | None = None
    event_types: list[str] | None = None


@strawberry.input(description="Queue a delivery again, now.")
class RedeliverWebhookInput:
    delivery_id: strawberry.ID


@strawberry.type(description="Result of registerWebhookEndpoint; the secret is shown this once.")
class RegisterWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        description="The signing secret (whsec_...): store it now, it is never shown again."
    )
    user_errors: list[WebhookUserError]


@strawberry.type(description="Result of updateWebhookEndpoint.")
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    user_errors: list[WebhookUserError]


@strawberry.type(description="Result of redeliverWebhook.")
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    user_errors: list[WebhookUserError]


def _errors(errors: list[FieldError]) -> list[WebhookUserError]:
    return user_errors(errors, WebhookUserError)


async def _op(
    session: AsyncSession, actor: Actor, name: str, data: Any, policy: webhooks.DeliveryPolicy
) -> Any:
    if name == "register":
        return await webhooks.register_endpoint(
            session, actor, url=data.url, event_types=data.event_types, policy=policy
        )
    if name == "update":
        return await webhooks.update_endpoint(
            session,
            actor,
            endpoint_id=input_id(
                data.endpoint_id, "WebhookEndpoint", "endpointId", Code.INVALID_ID
            ),
            enabled=data.enabled,
            event_types=data.event_types,
            policy=policy,
        )
    return await webhooks.redeliver(
        session,
        actor,
        delivery_id=input_id(data.delivery_id, "WebhookDelivery", "deliveryId", Code.INVALID_ID),
    )


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register a webhook endpoint for the caller: admin keys "
        "receive every event, partner keys their partner's."
    )
    async def register_webhook_endpoint(
        self, info: Info, input: RegisterWebhookEndpointInput
    ) -> RegisterWebhookEndpointPayload:
        row, errors = await attempt(info, _op, "register", input, info.context.delivery_policy)
        return RegisterWebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_row(row) if row else None,
            secret=row.secret if row else None,
            user_errors=_errors(errors),
        )

    @strawberry.mutation(description="Enable, disable or change a webhook endpoint.")
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        row, errors = await attempt(info, _op, "update", input, info.context.delivery_policy)
        return WebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Redeliver an event to an endpoint (manual retry).")
    async def redeliver_webhook(
        self, info: Info, input: RedeliverWebhookInput
    ) -> WebhookDeliveryPayload:
        row, errors = await attempt(info, _op, "redeliver", input, info.context.delivery_policy)
        return WebhookDeliveryPayload(
            delivery=WebhookDelivery.from_row(row) if row else None, user_errors=_errors(errors)
        )
