"""Rendering a template version into a stored, content-addressed document."""

from __future__ import annotations

import enum
import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contract_templates.renderer import TemplateError, TemplateInfo, analyze, render
from models import Document, TemplateVersion
from models.base import utcnow
from models.documents.blobs import BlobStore
from rules.global_ids import global_id
from services.errors import AgreementErrorCode, UseCaseError
from services.webhooks.outbox import emit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@lru_cache(maxsize=64)
def _info(sha256: str, data: bytes) -> TemplateInfo:
    return analyze(data)


async def render_document(
    session: AsyncSession,
    store: BlobStore,
    *,
    template: TemplateVersion,
    context: dict[str, Any],
    filename: str,
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID | None,
    event: str,
    error_code: enum.StrEnum = AgreementErrorCode.RENDER_FAILED,
) -> Document:
    """Render, store by SHA-256 and record a document; the caller ties it to its event."""
    data = store.get(template.sha256)
    try:
        rendered = render(data, context, _info(template.sha256, data))
    except TemplateError as exc:
        raise UseCaseError.one(
            ["input"],
            error_code,
            f"{template.template_id} v{template.version}: {exc}",
        ) from exc
    digest = store.put(rendered)
    document = Document(
        id=uuid.uuid4(),
        kind=template.kind,
        filename=filename,
        content_type=DOCX,
        size=len(rendered),
        sha256=digest,
        partner_id=partner_id,
        agreement_id=agreement_id,
        template_id=template.template_id,
        template_version=template.version,
        event=event,
        created_at=utcnow(),
    )
    session.add(document)
    await session.flush()
    await emit(
        session,
        "document.generated",
        partner_id,
        {
            "document": global_id("Document", document.id),
            "kind": document.kind,
            "sha256": digest,
            "event": event,
        },
    )
    return document


def safe_filename(*parts: str) -> str:
    """A download file name from readable parts: letters, digits and dashes only."""
    text = "-".join(parts).lower()
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(filter(None, cleaned.split("-")))[:120] + ".docx"
