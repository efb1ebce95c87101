"""GraphQL types of API keys."""

from __future__ import annotations

import datetime as dt

import strawberry

from models import ApiKey as ApiKeyRow
from rules.enums import ApiKeyRole
from schema.ids import encode_id

ApiKeyRoleEnum = strawberry.enum(ApiKeyRole, name="ApiKeyRole", description="What a key may do.")


@strawberry.type(
    description="An API key. Its secret is shown once, when it is made or rolled, and never "
    "stored: only the visible prefix identifies it."
)
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The visible part of the token (pgk_<prefix>_...).")
    role: ApiKeyRoleEnum  # type: ignore[valid-type]
    partner_id: strawberry.ID | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None = strawberry.field(
        description="When the key last authenticated a request; kept in memory and written "
        "about once a minute, so it may lag by that much."
    )
    expires_at: dt.datetime | None = strawberry.field(
        description="When the key stops working (null: never)."
    )
    revoked_at: dt.datetime | None

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=strawberry.ID(encode_id("ApiKey", row.id)),
            name=row.name,
            prefix=row.prefix,
            role=row.role,
            partner_id=strawberry.ID(encode_id("Partner", row.partner_id))
            if row.partner_id
            else None,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )
