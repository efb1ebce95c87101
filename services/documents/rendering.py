"""Rendering a template version into a stored, content-addressed document."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contract_templates.compiled import CompiledTemplate, compile_template
from contract_templates.renderer import TemplateError
from models import Document, TemplateVersion, facts
from models.base import utcnow
from models.documents.blobs import BlobStore
from models.documents.postgres_store import PostgresBlobStore
from models.fact_objects import new
from rules.bounded_cache import BoundedCache
from rules.global_ids import global_id
from services.errors import AgreementErrorCode, UseCaseError
from services.webhooks.outbox import emit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


_COMPILED: BoundedCache[str, CompiledTemplate] = BoundedCache(64)


def compiled_version(sha256: str, store: BlobStore) -> CompiledTemplate:
    """A template version compiled once (versions are immutable, keyed by SHA-256) and reused."""
    found = _COMPILED.entries.get(sha256)
    return _COMPILED.put(sha256, compile_template(store.get(sha256))) if found is None else found


async def _put(session: AsyncSession, store: BlobStore, data: bytes) -> str:
    """Store a rendered document: in the request's own transaction when the blobs live in
    its PostgreSQL database (no second connection and commit; issue 14), else in the store."""
    if isinstance(store, PostgresBlobStore):
        digest = await store.put_in(session, data)
        if digest is not None:
            return digest
    return store.put(data)


async def render_document(
    session: AsyncSession,
    store: BlobStore,
    *,
    template: TemplateVersion,
    context: dict[str, Any],
    filename: str | Callable[[uuid.UUID], str],
    partner_id: uuid.UUID,
    agreement_id: uuid.UUID | None,
    event: str,
    error_code: enum.StrEnum = AgreementErrorCode.RENDER_FAILED,
    audit: Callable[[str], Awaitable[uuid.UUID]] | None = None,
) -> Document:
    """Render, store by SHA-256 and record a document; the caller ties it to its event.

    The document id is chosen first so that the footer can print it; `filename` may be a
    function of that id (unique names). `audit`, given the document's SHA-256, writes the
    audit event the document belongs to before it (the document is inserted naming it).
    """
    document_id = uuid.uuid4()
    context = {**context, "document": {**context.get("document", {}), "id": str(document_id)}}
    try:
        rendered = compiled_version(template.sha256, store).render(context)
    except TemplateError as exc:
        raise UseCaseError.one(
            ["input"],
            error_code,
            f"{template.template_id} v{template.version}: {exc}",
        ) from exc
    digest = await _put(session, store, rendered)
    audit_event_id = None if audit is None else await audit(digest)
    document = new(
        Document,
        id=document_id,
        kind=template.kind,
        filename=filename(document_id) if callable(filename) else filename,
        content_type=DOCX,
        size=len(rendered),
        sha256=digest,
        partner_id=partner_id,
        agreement_id=agreement_id,
        template_id=template.template_id,
        template_version=template.version,
        event=event,
        audit_event_id=audit_event_id,
        created_at=utcnow(),
    )
    facts.add(session, document)  # flushed with its event, by emit (one pass)
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
