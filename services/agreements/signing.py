"""Signatures: the document rendered for a signature and the acceptance on record."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, TemplateVersion, facts
from models.base import utcnow
from models.documents.blobs import BlobStore
from models.fact_objects import new
from rules.global_ids import global_id
from services.actor import Actor
from services.agreements.checks import Client, Signer, Signing, Target, current_template
from services.agreements.state import state_of
from services.audit.log import record
from services.documents.context import agreement_context
from services.documents.filenames import document_filename
from services.documents.rendering import render_document
from services.fact_dates import program_today
from services.partners.memberships import enrol_on_agreement
from services.webhooks.outbox import emit


async def sign(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    target: Target,
    *,
    signer: Signer,
    client: Client,
    event: str,
    in_effect: bool,
    template: TemplateVersion | None = None,
    signing: Signing | None = None,
) -> Acceptance:
    """Render the document for a signature, record the acceptance tied to it and keep the
    membership in step (SEG-AGR-01/12, CS-AGR-01).

    `in_effect` says whether the agreement takes effect with this signature; a membership
    agreement in effect makes the membership active.
    """
    partner, program = target.partner, target.program
    spec, agreement = target.spec, target.agreement
    template = template or target.template
    if template is None:
        with session.no_autoflush:  # a new agreement is written once, below
            template = await current_template(session, program, spec.kind)
    now = utcnow()
    dated = signing.dated if signing is not None else None
    today = dated.day if dated is not None else program_today(program, now)
    context = agreement_context(
        partner=partner,
        program=program,
        spec=spec,
        agreement=agreement,
        state=state_of(program, agreement, today),
        template=template,
        now=now,
        event=event,
        signer={"name": signer.name, "title": signer.title, "email": signer.email},
    )
    agreement.version += 1
    if target.created:  # in a batch, written with the facts (issue 14); else added here
        facts.add_new(session, agreement)
    await session.flush()  # outside a batch, the agreement written before its document

    async def audit(sha256: str) -> uuid.UUID:
        """The signature's audit event, written before the document that names it."""
        recorded = await record(
            session,
            actor,
            event,
            "Agreement",
            agreement.id,
            {
                "kind": [None, spec.kind],
                "signer": [None, signer.email],
                "template": [None, f"{template.template_id} v{template.version}"],
                "document_sha256": [None, sha256],
                "effective_on": [
                    None,
                    agreement.effective_on.isoformat() if agreement.effective_on else None,
                ],
            },
            dated=dated,
        )
        await session.flush()
        return recorded.id

    document = await render_document(
        session,
        store,
        template=template,
        context=context,
        partner_id=partner.id,
        agreement_id=agreement.id,
        event=event,
        filename=lambda document_id: document_filename(
            spec.kind, partner.legal_name, document_id, f"v{template.version}", today.isoformat()
        ),
        audit=audit,
    )
    acceptance = new(
        Acceptance,
        id=uuid.uuid4(),
        agreement_id=agreement.id,
        signer_name=signer.name,
        signer_title=signer.title,
        signer_email=signer.email,
        accepted_at=(signing.accepted_at if signing is not None else None) or now,
        client_ip=(client.ip or None) and client.ip[:45],
        user_agent=(client.user_agent or None) and client.user_agent[:500],
        template_id=template.template_id,
        template_version=template.version,
        document_id=document.id,
        document_sha256=document.sha256,
    )
    facts.add(session, acceptance)
    await session.flush()
    await enrol_on_agreement(
        session,
        actor,
        partner,
        program,
        membership_agreement_in_effect=in_effect and spec.role == "membership",
        reason=f"{spec.name} in effect",
        today=today,
        membership=target.membership,
    )
    return acceptance


async def announce_in_effect(session: AsyncSession, target: Target, detail: dict[str, Any]) -> None:
    """Tell webhook subscribers that a signed agreement took effect (`agreement.accepted`)."""
    agreement = target.agreement
    assert agreement.effective_on is not None
    await emit(
        session,
        "agreement.accepted",
        target.partner.id,
        {
            "agreement": global_id("Agreement", agreement.id),
            "kind": agreement.kind,
            "effectiveDate": agreement.effective_on.isoformat(),
            **detail,
        },
    )
