"""Acceptance documents of imported agreements that name no original file: generated from the
template version the row names, dated as accepted (services/documents)."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Partner
from models.documents.blobs import BlobStore
from services.agreements.state import agreement_spec, state_of
from services.documents.context import agreement_context
from services.documents.filenames import document_filename
from services.documents.rendering import render_document
from services.errors import ImportErrorCode as Code
from services.errors import UseCaseError
from services.imports.plan import Plan
from services.imports.reading import RowError
from services.partners.memberships import program_today

GENERATED = "importGenerated"
"""The event of an acceptance document an import generated."""


async def render_generated(session: AsyncSession, store: BlobStore, plan: Plan) -> None:
    """Render each planned acceptance's document and tie it to the acceptance row."""
    program = plan.program
    for row, values, template, partner_id, agreement_id in plan.to_render:
        partner = await session.get(Partner, partner_id)
        agreement = await session.get(Agreement, agreement_id)
        assert partner is not None and agreement is not None
        spec = agreement_spec(program, agreement.kind)
        assert spec is not None
        accepted_on = program_today(program, values["accepted_at"])
        context = agreement_context(
            partner=partner,
            program=program,
            spec=spec,
            agreement=agreement,
            state=state_of(program, agreement, accepted_on),
            template=template,
            now=values["accepted_at"],
            event=GENERATED,
            signer={
                "name": values["signer_name"],
                "title": values["signer_title"],
                "email": values["signer_email"],
            },
        )
        try:
            document = await render_document(
                session,
                store,
                template=template,
                context=context,
                partner_id=partner.id,
                agreement_id=agreement.id,
                event=GENERATED,
                filename=partial(
                    _name, spec.kind, partner.legal_name, template.version, accepted_on
                ),
            )
        except UseCaseError as failed:
            # A template version that cannot render an acceptance: a bad row, not a crash.
            message = f"version {template.version} cannot be rendered: {failed.errors[0].message}"
            plan.late_errors.append(
                RowError("agreements.csv", row.line, "templateVersion", Code.RENDER_FAILED, message)
            )
            continue
        values["document_id"] = document.id
        values["document_sha256"] = document.sha256


def _name(kind: str, legal_name: str, version: int, on: date, document_id: uuid.UUID) -> str:
    return document_filename(kind, legal_name, document_id, f"v{version}", on.isoformat())
