"""Queries of documents: published contract template versions."""

from __future__ import annotations

import strawberry

from models.documents.queries import all_templates
from schema.context import Info
from schema.documents.types import TemplateVersion


@strawberry.type
class DocumentQueries:
    """Contract template versions."""

    @strawberry.field(description="Published contract template versions, newest first.")
    async def contract_templates(
        self, info: Info, template_id: str | None = None
    ) -> list[TemplateVersion]:
        rows = await info.context.loaders.read(lambda s: all_templates(s, template_id))
        return [TemplateVersion.from_row(r) for r in rows]
