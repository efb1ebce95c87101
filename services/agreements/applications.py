"""Use cases: apply to a program by signing online, and an admin's decision (CS-AGR-01)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, Agreement
from models.base import utcnow
from models.documents.blobs import BlobStore
from services.actor import Actor
from services.agreements.checks import (
    Client,
    Code,
    SignatureRequest,
    Signed,
    Signer,
    Signing,
    bounded,
    load,
    prepare,
)
from services.agreements.signing import announce_in_effect, sign
from services.audit.log import record
from services.errors import check_version, input_error
from services.fact_dates import Earlier, fact_date


async def apply_to_program(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    request: SignatureRequest,
    client: Client,
) -> Signed:
    """Apply by accepting online; nothing takes effect until an admin approves (CS-AGR-01)."""
    target, signer, signing = await prepare(
        session, actor, request, "apply_then_approve", "appliedOn"
    )
    agreement = target.agreement
    if agreement.applied_on is not None and agreement.rejected_on is None:
        raise input_error("kind", Code.ALREADY_APPLIED, f"{target.spec.name}: already applied")
    if agreement.rejected_on is not None:
        agreement.rejected_on = agreement.decided_at = agreement.decision_reason = None
    agreement.applied_on = signing.dated.day
    acceptance = await sign(
        session,
        actor,
        store,
        target,
        signer=signer,
        client=client,
        event="applyToProgram",
        in_effect=False,
        signing=signing,
    )
    return Signed(acceptance, agreement, target.program)


async def decide_application(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    agreement_id: uuid.UUID,
    approve: bool,
    reason: str,
    decided_on: date | None = None,
    expected_version: int | None = None,
) -> Agreement:
    """Approve (effective that day, with a document saying so) or reject an application."""
    if not actor.is_admin:
        raise input_error(
            "agreementId", Code.FORBIDDEN, "only an admin key can decide applications"
        )
    text = bounded(reason, "reason")
    if not approve and not text:
        raise input_error("reason", Code.REQUIRED, "a rejection needs a reason")
    target = await load(session, actor, agreement_id)
    agreement = target.agreement
    check_version(agreement.version, expected_version, Code)
    if agreement.applied_on is None:
        raise input_error("agreementId", Code.NOT_IN_EFFECT, "there is no application to decide")
    if agreement.effective_on is not None or agreement.rejected_on is not None:
        raise input_error("agreementId", Code.ALREADY_DECIDED, "the application is already decided")
    now = utcnow()
    dated = fact_date(
        target.program,
        actor,
        decided_on,
        "decidedOn",
        Code,
        Earlier("the application", agreement.applied_on),
        now=now,
    )
    today = dated.day
    agreement.decided_at, agreement.decision_reason = now, text or None
    if not approve:
        agreement.rejected_on = today
        agreement.version += 1
        await record(
            session,
            actor,
            "decideApplication",
            "Agreement",
            agreement.id,
            {"decision": [None, "rejected"], "reason": [None, text]},
            dated=dated,
        )
        return agreement
    agreement.effective_on = today
    latest = await session.scalar(
        select(Acceptance)
        .where(Acceptance.agreement_id == agreement.id)
        .order_by(Acceptance.accepted_at.desc())
        .limit(1)
    )
    assert latest is not None
    await sign(
        session,
        actor,
        store,
        target,
        signer=Signer(latest.signer_name, latest.signer_title, latest.signer_email),
        client=Client(latest.client_ip, latest.user_agent),
        event="decideApplication",
        in_effect=True,
        signing=Signing(dated, None),
    )
    await announce_in_effect(session, target, {"approved": True})
    return agreement
