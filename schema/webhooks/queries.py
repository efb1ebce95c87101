"""Queries of webhooks: the caller's endpoints."""

from __future__ import annotations

import strawberry

from models.webhooks.queries import webhook_endpoints_of
from schema.context import Info
from schema.webhooks.types import WebhookEndpoint


@strawberry.type
class WebhookQueries:
    """Webhook endpoints."""

    @strawberry.field(description="The caller's webhook endpoints (admin keys: all).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        actor = info.context.actor
        rows = await info.context.loaders.read(
            lambda s: webhook_endpoints_of(s, actor.partner_id, actor.is_admin)
        )
        return [WebhookEndpoint.from_row(r) for r in rows]
