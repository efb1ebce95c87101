"""Use case: click-accept an agreement, and accept a newer version of it (SEG-AGR-01/12)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, TemplateVersion, facts
from models.documents.blobs import BlobStore
from services.actor import Actor
from services.agreements.checks import (
    ENDED,
    Client,
    Code,
    SignatureRequest,
    Signed,
    current_template,
    prepare,
)
from services.agreements.signing import announce_in_effect, sign
from services.agreements.state import state_of
from services.errors import input_error


async def _accepted(
    session: AsyncSession, agreement_id: uuid.UUID, template: TemplateVersion
) -> bool:
    """Whether this template version of the agreement is accepted already."""
    found = await session.scalar(
        select(Acceptance.id).where(
            Acceptance.agreement_id == agreement_id,
            Acceptance.template_id == template.template_id,
            Acceptance.template_version == template.version,
        )
    )
    return found is not None


async def accept_agreement(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    request: SignatureRequest,
    client: Client,
) -> Signed:
    """Click-accept an agreement; effective at acceptance (SEG-AGR-01).

    Accepting a newer template version of an agreement already in effect records a fresh
    acceptance and keeps the Effective Date; the old acceptance stays on record (SEG-AGR-12).
    """
    target, signer, signing = await prepare(
        session, actor, request, "click_accept", "effectiveDate"
    )
    today = signing.dated.day
    program, spec, agreement = target.program, target.spec, target.agreement
    status = state_of(program, agreement, today).status
    if status in ENDED:
        raise input_error("kind", Code.AGREEMENT_ENDED, f"this {spec.name} has {status.value}")
    template = target.template
    if template is None:
        with session.no_autoflush:  # a new agreement is written once, by the signature
            template = await current_template(session, program, agreement.kind)
    if not target.created and await _accepted(session, agreement.id, template):
        raise input_error(
            "kind",
            Code.ALREADY_ACCEPTED,
            f"version {template.version} of {spec.name} is already accepted",
        )
    if agreement.effective_on is None:
        agreement.effective_on = today
    elif request.fact_on is not None and request.fact_on != agreement.effective_on:
        raise input_error(
            "effectiveDate",
            Code.INVALID_DATE,
            f"the Effective Date is already {agreement.effective_on}; a newer version keeps it",
        )
    # The facts in one statement, with the data versions: nothing is written after (issue 14)
    async with facts.batched(session, last=True):
        acceptance = await sign(
            session,
            actor,
            store,
            target,
            signer=signer,
            client=client,
            event="acceptAgreement",
            in_effect=True,
            template=template,
            signing=signing,
        )
        await announce_in_effect(session, target, {"templateVersion": acceptance.template_version})
    return Signed(acceptance, agreement, program)
