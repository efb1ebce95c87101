"""GraphQL types of webhooks: endpoints, their deliveries and delivery attempts."""

from __future__ import annotations

import datetime as dt

import strawberry

from models import WebhookDelivery as DeliveryRow
from models import WebhookEndpoint as EndpointRow
from models.webhooks.queries import delivery_attempts, endpoint_deliveries, webhook_event
from schema.context import Info
from schema.ids import encode_id


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
    status: str = strawberry.field(
        description="pending (waiting for its next attempt, or held while the endpoint is "
        "disabled), succeeded, or failed (given up after the retry window, three days by "
        "default; replayWebhookEvents or redeliverWebhook queue it again)."
    )
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


@strawberry.type(
    description="A webhook endpoint. Events are signed per Standard Webhooks and retried with "
    "backoff for three days. An endpoint failing with no success for a day gets a "
    "webhook_endpoint.failing event (to the owner's endpoints that subscribe to it) and an "
    "audit entry; after five days it is disabled (webhook_endpoint.disabled). Events raised "
    "while it is disabled are kept and sent, with those it missed, when it is enabled again."
)
class WebhookEndpoint:
    row: strawberry.Private[EndpointRow]
    id: strawberry.ID
    url: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    created_at: dt.datetime
    failing_since: dt.datetime | None = strawberry.field(
        description="First failed attempt since the last success (null: healthy)."
    )
    consecutive_failures: int = strawberry.field(
        description="Failed attempts since the last success."
    )
    disabled_at: dt.datetime | None = strawberry.field(
        description="When it was disabled after days of failures (null: not disabled so)."
    )

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
            failing_since=row.failing_since,
            consecutive_failures=row.consecutive_failures,
            disabled_at=row.disabled_at,
        )

    @strawberry.field(description="Latest deliveries, newest first (at most 100).")
    async def deliveries(self, info: Info, first: int = 20) -> list[WebhookDelivery]:
        rows = await info.context.loaders.read(
            lambda s: endpoint_deliveries(s, self.row.id, max(1, min(first, 100)))
        )
        return [WebhookDelivery.from_row(r) for r in rows]
