"""Batch reads of documents: rendered documents of agreements and contract template versions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models import Document, TemplateVersion
from models.batch import grouped

ANY_PROGRAM = "*"
"""The program slug of a template version that serves every program."""


def newest_template(
    kind: str | ColumnElement[Any], program_slug: str | QueryableAttribute[Any]
) -> Select[TemplateVersion]:
    """The newest template version serving `kind` in the program `program_slug` (values, or
    columns and parameters of an enclosing statement), or in every program."""
    return (
        select(TemplateVersion)
        .where(
            TemplateVersion.kind == kind,
            or_(
                TemplateVersion.program_slug == program_slug,
                TemplateVersion.program_slug == ANY_PROGRAM,
            ),
        )
        .order_by(TemplateVersion.published_at.desc(), TemplateVersion.version.desc())
        .limit(1)
    )


async def documents_of_agreements(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[list[Document]]:
    """Each agreement's documents, oldest first."""
    return await grouped(
        session, Document, Document.agreement_id, ids, Document.created_at, Document.id
    )


async def current_templates(
    session: AsyncSession, keys: Sequence[tuple[str, str]]
) -> list[TemplateVersion | None]:
    """The newest template version for each (program slug, kind); `*` serves every program."""
    kinds = list({kind for _, kind in keys})
    rows = list(
        await session.scalars(
            select(TemplateVersion)
            .where(TemplateVersion.kind.in_(kinds))
            .order_by(TemplateVersion.published_at, TemplateVersion.version)
        )
    )
    newest: dict[tuple[str, str], TemplateVersion] = {}
    for row in rows:
        newest[(row.program_slug, row.kind)] = row
    return [newest.get((slug, kind)) or newest.get((ANY_PROGRAM, kind)) for slug, kind in keys]


async def all_templates(session: AsyncSession, template_id: str | None) -> list[TemplateVersion]:
    """Published template versions, newest first, optionally of one template."""
    stmt = select(TemplateVersion).order_by(
        TemplateVersion.published_at.desc(), TemplateVersion.version.desc()
    )
    if template_id is not None:
        stmt = stmt.where(TemplateVersion.template_id == template_id)
    return list(await session.scalars(stmt))
