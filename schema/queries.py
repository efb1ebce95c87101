"""The Query root: the caller and node lookups, composed with each domain's queries."""

from __future__ import annotations

import asyncio
import uuid

import strawberry

from schema.apikeys.queries import ApiKeyQueries
from schema.apikeys.types import ApiKeyRoleEnum
from schema.audit.queries import AuditQueries
from schema.commissions.queries import LedgerQueries
from schema.common import Node
from schema.context import Info
from schema.documents.queries import DocumentQueries
from schema.errors import CodedError
from schema.node import resolve_node
from schema.partners.queries import PartnerLookupQueries, PartnerQueries
from schema.partners.types import Partner
from schema.programs.queries import ProgramQueries
from schema.referrals.queries import OpportunityQueries, ReferralQueries
from schema.support.queries import SupportQueries
from schema.tiers.queries import TierQueries
from schema.webhooks.events import WebhookEventQueries
from schema.webhooks.queries import WebhookQueries

NODES_MAX = 100


@strawberry.type(description="The caller: the API key's name and role, and its partner if any.")
class Viewer:
    key_name: str
    role: ApiKeyRoleEnum  # type: ignore[valid-type]
    partner_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The partner a partner key speaks for; null for admin keys.")
    async def partner(self, info: Info) -> Partner | None:
        if self.partner_id is None:
            return None
        row = await info.context.loaders.partner.load(self.partner_id)
        return None if row is None else Partner.from_row(row)


@strawberry.type
class RootQueries:
    """The caller and lookups by global ID."""

    @strawberry.field(description="The authenticated caller.")
    def viewer(self, info: Info) -> Viewer:
        actor = info.context.actor
        return Viewer(key_name=actor.key_name, role=actor.role, partner_id=actor.partner_id)

    @strawberry.field(description="Fetch any object by global ID; null if absent or not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description=f"Fetch up to {NODES_MAX} objects by global ID, in order.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > NODES_MAX:
            raise CodedError("TOO_MANY_IDS", f"nodes takes at most {NODES_MAX} IDs")
        return list(await asyncio.gather(*(resolve_node(info, i) for i in ids)))


@strawberry.type
class Query(
    RootQueries,
    ProgramQueries,
    PartnerQueries,
    ReferralQueries,
    LedgerQueries,
    SupportQueries,
    TierQueries,
    AuditQueries,
    WebhookQueries,
    WebhookEventQueries,
    OpportunityQueries,
    DocumentQueries,
    PartnerLookupQueries,
    ApiKeyQueries,
):
    """Every read. The bases' order is the field order of the Query type in schema.graphql."""
