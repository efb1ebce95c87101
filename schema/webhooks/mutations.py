"""Webhook mutations: register an endpoint (its secret shown once), update it, redeliver."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import WebhookDelivery as DeliveryRow
from models import WebhookEndpoint as EndpointRow
from schema.context import Info
from schema.payloads import attempt, input_id, user_errors
from schema.webhooks.types import WebhookDelivery, WebhookEndpoint
from services.actor import Actor
from services.errors import FieldError, WebhookErrorCode
from services.webhooks import endpoints
from services.webhooks.delivery import DeliveryPolicy
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


@strawberry.input(
    description=f"Register an endpoint. Event types: {', '.join(EVENT_TYPES)}. "
    "Loopback, private and link-local URLs are refused unless the server allows "
    "them for development."
)
class RegisterWebhookEndpointInput:
    url: str
    event_types: list[str]


@strawberry.input(
    description="Enable, disable or change an endpoint's event types. Enabling a disabled "
    "endpoint sends what it missed: deliveries held while disabled and those given up since it "
    "began failing (within the 30-day retention)."
)
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


async def _update(
    session: AsyncSession,
    actor: Actor,
    data: UpdateWebhookEndpointInput,
    policy: DeliveryPolicy,
) -> EndpointRow:
    endpoint_id = input_id(data.endpoint_id, "WebhookEndpoint", "endpointId", Code.INVALID_ID)
    return await endpoints.update_endpoint(
        session,
        actor,
        endpoint_id=endpoint_id,
        enabled=data.enabled,
        event_types=data.event_types,
        policy=policy,
    )


async def _redeliver(
    session: AsyncSession, actor: Actor, data: RedeliverWebhookInput
) -> DeliveryRow:
    delivery_id = input_id(data.delivery_id, "WebhookDelivery", "deliveryId", Code.INVALID_ID)
    return await endpoints.redeliver(session, actor, delivery_id=delivery_id)


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register a webhook endpoint for the caller: admin keys "
        "receive every event, partner keys their partner's."
    )
    async def register_webhook_endpoint(
        self, info: Info, input: RegisterWebhookEndpointInput
    ) -> RegisterWebhookEndpointPayload:
        row, errors = await attempt(
            info,
            endpoints.register_endpoint,
            url=input.url,
            event_types=input.event_types,
            policy=info.context.delivery_policy,
        )
        return RegisterWebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_row(row) if row else None,
            secret=row.secret if row else None,
            user_errors=_errors(errors),
        )

    @strawberry.mutation(description="Enable, disable or change a webhook endpoint.")
    async def update_webhook_endpoint(
        self, info: Info, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        row, errors = await attempt(info, _update, input, info.context.delivery_policy)
        return WebhookEndpointPayload(
            endpoint=WebhookEndpoint.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Redeliver an event to an endpoint (manual retry).")
    async def redeliver_webhook(
        self, info: Info, input: RedeliverWebhookInput
    ) -> WebhookDeliveryPayload:
        row, errors = await attempt(info, _redeliver, input)
        return WebhookDeliveryPayload(
            delivery=WebhookDelivery.from_row(row) if row else None, user_errors=_errors(errors)
        )
