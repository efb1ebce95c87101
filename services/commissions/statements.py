"""Use case: the yearly commission statement of a partner, as a DOCX document."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models import Document
from models.base import utcnow
from models.documents.blobs import BlobStore
from services.actor import Actor
from services.audit.log import record
from services.documents import templates
from services.documents.context import document_context
from services.documents.filenames import document_filename
from services.documents.formatting import formatter_of
from services.documents.parties import operator_context, partner_context
from services.documents.rendering import render_document
from services.documents.statement import statement_context
from services.errors import ReferralErrorCode, input_error
from services.partners.memberships import program_today
from services.programs.typed import spec_of
from services.scope import partner_and_program

Code = ReferralErrorCode


async def generate_commission_statement(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    year: int,
) -> Document:
    """Render the statement of a partner's commissions in one year: the year the program's
    brackets accumulate over (the calendar year, or the program year named by the calendar year
    it starts in)."""
    partner, program = await partner_and_program(session, actor, partner_id, program_id, Code)
    today = program_today(program)
    current = spec_of(program).accumulation_year.of(today)
    if not 2000 <= year <= current:
        raise input_error("year", Code.INVALID_DATE, f"year must be between 2000 and {current}")
    template = await templates.current_for(session, program.slug, "commission-statement")
    if template is None:
        raise input_error("programId", Code.RENDER_FAILED, "no commission statement template")
    now = utcnow()
    fmt = formatter_of(program)
    title = f"Commission statement {year}"
    context = {
        "operator": operator_context(program),
        "partner": partner_context(partner),
        "program": {"name": program.name, "slug": program.slug, "timezone": program.timezone},
        "statement": await statement_context(session, partner, program, year, today, fmt),
        "template": {"id": template.template_id, "version": template.version},
        "document": document_context(title, program, now, fmt),
    }
    document = await render_document(
        session,
        store,
        template=template,
        context=context,
        partner_id=partner.id,
        agreement_id=None,
        event="generateCommissionStatement",
        error_code=Code.RENDER_FAILED,
        filename=lambda document_id: document_filename(
            "commission-statement", partner.legal_name, document_id, program.slug, str(year)
        ),
    )
    audit = await record(
        session,
        actor,
        "generateCommissionStatement",
        "Partner",
        partner.id,
        {"year": [None, year], "document_sha256": [None, document.sha256]},
    )
    document.audit_event_id = audit.id
    return document
