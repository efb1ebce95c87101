"""GraphQL of webhook events: the retained event list and replaying a time range."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.scalars import JSON

from models import OutboxEvent as EventRow
from models.webhooks.queries import (
    EventFilter,
    event_deliveries,
    events_query,
    webhook_endpoints_of,
)
from schema.context import Info
from schema.ids import encode_id, expect_id
from schema.listing import time_connection
from schema.pagination import Connection, check_slice
from schema.payloads import attempt, input_id, user_errors
from schema.webhooks.mutations import WebhookUserError
from schema.webhooks.types import WebhookDelivery
from services.actor import Actor
from services.errors import WebhookErrorCode
from services.webhooks.policy import DeliveryPolicy
from services.webhooks.replay import replay_events

Code = WebhookErrorCode


@strawberry.type(
    description="An event as written to the outbox, kept 30 days whatever its endpoints' state; "
    "its webhook-id is msg_ and the hex of its id."
)
class WebhookEvent:
    row: strawberry.Private[EventRow]
    id: strawberry.ID
    event_type: str
    created_at: dt.datetime
    payload: JSON = strawberry.field(description="The body sent: type, timestamp and data.")

    @classmethod
    def from_row(cls, row: EventRow) -> WebhookEvent:
        return cls(
            row=row,
            id=strawberry.ID(encode_id("WebhookEvent", row.id)),
            event_type=row.event_type,
            created_at=row.created_at,
            payload=JSON(dict(row.payload)),
        )

    @strawberry.field(description="Its deliveries, one per endpoint that wants it.")
    async def deliveries(self, info: Info) -> list[WebhookDelivery]:
        rows = await info.context.loaders.read(lambda s: event_deliveries(s, self.row.id))
        actor = info.context.actor
        if not actor.is_admin:  # a partner sees its own endpoints' deliveries only
            mine = {
                e.id
                for e in await info.context.loaders.read(
                    lambda s: webhook_endpoints_of(s, actor.partner_id, False)
                )
            }
            rows = [r for r in rows if r.endpoint_id in mine]
        return [WebhookDelivery.from_row(r) for r in rows]


@strawberry.input(description="Narrow the webhook event list.")
class WebhookEventFilterInput:
    event_types: list[str] | None = None
    since: dt.datetime | None = strawberry.field(default=None, description="Created at or after.")
    until: dt.datetime | None = strawberry.field(default=None, description="Created before.")
    endpoint_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events that have a delivery for this endpoint."
    )


@strawberry.input(
    description="Send an endpoint's events of [since, until) again, now (cut to the 30-day "
    "retention): delivered and given-up ones again with the same webhook-id, missing ones for "
    "the first time. eventTypes narrows the endpoint's own event types."
)
class ReplayWebhookEventsInput:
    endpoint_id: strawberry.ID
    since: dt.datetime
    until: dt.datetime
    event_types: list[str] | None = None


@strawberry.type(description="Result of replayWebhookEvents.")
class ReplayWebhookEventsPayload:
    replayed: int | None = strawberry.field(description="Deliveries queued.")
    user_errors: list[WebhookUserError]


@strawberry.type
class WebhookEventQueries:
    """Webhook events."""

    @strawberry.field(
        description="Retained webhook events (30 days), newest first: admin keys see every "
        "event, partner keys their partner's."
    )
    async def webhook_events(
        self,
        info: Info,
        filter: WebhookEventFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WebhookEvent]:
        page_args = check_slice(first, after, last, before)
        data = filter or WebhookEventFilterInput()
        actor = info.context.actor
        endpoint_id = None
        if data.endpoint_id is not None:
            endpoint_id = expect_id(data.endpoint_id, "WebhookEndpoint")
        where = EventFilter(
            partner_id=actor.partner_id,
            admin=actor.is_admin,
            event_types=tuple(data.event_types or ()),
            since=data.since,
            until=data.until,
            endpoint_id=endpoint_id,
        )
        return await time_connection(
            info,
            page_args,
            events_query(where),
            EventRow.created_at,
            EventRow.id,
            WebhookEvent.from_row,
        )


async def _replay(
    session: AsyncSession, actor: Actor, data: ReplayWebhookEventsInput, policy: DeliveryPolicy
) -> int:
    endpoint_id = input_id(data.endpoint_id, "WebhookEndpoint", "endpointId", Code.INVALID_ID)
    return await replay_events(
        session,
        actor,
        endpoint_id=endpoint_id,
        since=data.since,
        until=data.until,
        event_types=data.event_types,
        policy=policy,
    )


@strawberry.type
class WebhookEventMutations:
    @strawberry.mutation(
        description="Replay an endpoint's events over a time range (see the input)."
    )
    async def replay_webhook_events(
        self, info: Info, input: ReplayWebhookEventsInput
    ) -> ReplayWebhookEventsPayload:
        count, errors = await attempt(info, _replay, input, info.context.delivery_policy)
        return ReplayWebhookEventsPayload(
            replayed=count, user_errors=user_errors(errors, WebhookUserError)
        )
