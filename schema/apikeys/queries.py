"""Queries of API keys."""

from __future__ import annotations

import strawberry

from schema.apikeys.types import ApiKey
from schema.context import Info
from schema.ids import expect_id
from services.apikeys import manage


@strawberry.type
class ApiKeyQueries:
    """API keys."""

    @strawberry.field(
        description="API keys, newest first: admin keys see every key (or one partner's with "
        "partnerId); a partner's key sees that partner's keys only."
    )
    async def api_keys(self, info: Info, partner_id: strawberry.ID | None = None) -> list[ApiKey]:
        partner = expect_id(partner_id, "Partner") if partner_id is not None else None
        actor = info.context.actor
        rows = await info.context.loaders.read(lambda s: manage.list_keys(s, actor, partner))
        return [ApiKey.from_row(r) for r in rows]
