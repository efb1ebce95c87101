"""Use cases: notices on an agreement, non-renewal and termination (SEG-AGR-07/08/09/13,
CS-AGR-06).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Document, Program
from models.base import utcnow
from models.documents.blobs import BlobStore
from rules.agreement_terms import (
    AgreementStatus,
    TerminationReason,
    non_renewal_deadline,
    term_last_day,
)
from rules.agreement_terms import term_index as _term_index
from rules.global_ids import global_id
from services.actor import Actor
from services.agreements.checks import ENDED, Code, Target, bounded, current_template, load
from services.agreements.state import state_of, terms_of
from services.audit.log import record
from services.documents.filenames import document_filename
from services.documents.notices import NoticeFacts, notice_context
from services.documents.rendering import render_document
from services.errors import check_version, input_error
from services.fact_dates import program_today
from services.programs.sections.agreements import AgreementDef
from services.webhooks.outbox import emit


def _deemed(spec: AgreementDef, notice_on: date, method: str | None) -> date:
    """When a notice counts as given, by delivery method (SEG-AGR-13); none: the same day."""
    if method is None:
        return notice_on
    for rule in spec.notice_delivery:
        if rule.method == method:
            return notice_on + timedelta(days=rule.deemed_given_after_days)
    methods = ", ".join(r.method for r in spec.notice_delivery) or "none"
    raise input_error(
        "deliveryMethod",
        Code.UNKNOWN_DELIVERY_METHOD,
        f"unknown delivery method {method!r} (this agreement knows: {methods})",
    )


def _notice_date(program: Program, agreement: Agreement, given: date | None) -> date:
    today = program_today(program)
    notice_on = given or today
    if notice_on > today:
        raise input_error("noticeDate", Code.INVALID_DATE, "a notice cannot be dated in the future")
    if agreement.effective_on is None or notice_on < agreement.effective_on:
        raise input_error(
            "noticeDate", Code.INVALID_DATE, "a notice cannot be dated before the Effective Date"
        )
    return notice_on


async def give_non_renewal_notice(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    agreement_id: uuid.UUID,
    notice_on: date | None,
    method: str | None,
    expected_version: int | None = None,
) -> Agreement:
    """Stop automatic renewal; refused after the term's deadline (SEG-AGR-07)."""
    target = await load(session, actor, agreement_id)
    agreement, program, spec = target.agreement, target.program, target.spec
    check_version(agreement.version, expected_version, Code)
    terms = terms_of(spec)
    if not terms.fixed_term or terms.non_renewal_notice_days is None:
        raise input_error("agreementId", Code.NOT_RENEWABLE, f"{spec.name} has no renewal terms")
    status = state_of(program, agreement, program_today(program)).status
    if agreement.non_renewal_notice_on is not None:
        raise input_error(
            "agreementId",
            Code.NOTICE_ALREADY_GIVEN,
            f"non-renewal notice is already given ({agreement.non_renewal_notice_on})",
        )
    if status is not AgreementStatus.ACTIVE:
        code = (
            Code.NOTICE_ALREADY_GIVEN
            if status is AgreementStatus.NOTICE_GIVEN
            else (Code.NOT_IN_EFFECT if status is AgreementStatus.PENDING else Code.AGREEMENT_ENDED)
        )
        raise input_error("agreementId", code, f"the agreement is {status.value}")
    sent = _notice_date(program, agreement, notice_on)
    deemed = _deemed(spec, sent, method)
    assert agreement.effective_on is not None
    k = _term_index(terms, agreement.effective_on, deemed)
    deadline = non_renewal_deadline(terms, agreement.effective_on, k)
    if deemed > deadline:
        raise input_error(
            "noticeDate",
            Code.NOTICE_TOO_LATE,
            f"notice deemed given on {deemed} is after this term's deadline "
            f"({deadline}); the agreement renews once more",
        )
    agreement.non_renewal_notice_on = deemed
    agreement.non_renewal_notice_by = "program" if actor.is_admin else "partner"
    agreement.version += 1
    term_end = term_last_day(terms, agreement.effective_on, k)
    facts = NoticeFacts(
        "non-renewal-notice",
        actor.is_admin,
        sent,
        deemed,
        term_end,
        method,
        term_end=term_end,
        deadline=deadline,
    )
    document = await _issue_notice(session, store, target, facts, "giveNonRenewalNotice")
    await record(
        session,
        actor,
        "giveNonRenewalNotice",
        "Agreement",
        agreement.id,
        {
            "non_renewal_notice_on": [None, deemed.isoformat()],
            "by": [None, agreement.non_renewal_notice_by],
            "document_sha256": [None, document.sha256],
        },
    )
    return agreement


async def terminate_agreement(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    agreement_id: uuid.UUID,
    reason: TerminationReason,
    notice_on: date | None,
    cause: str | None,
    method: str | None,
    expected_version: int | None = None,
) -> Agreement:
    """Give notice of termination (SEG-AGR-08/09, CS-AGR-06) and issue the notice letter."""
    target = await load(session, actor, agreement_id)
    agreement, program, partner, spec = (
        target.agreement,
        target.program,
        target.partner,
        target.spec,
    )
    check_version(agreement.version, expected_version, Code)
    today = program_today(program)
    state = state_of(program, agreement, today)
    if agreement.termination_notice_on is not None or state.status in ENDED:
        raise input_error(
            "agreementId",
            Code.ALREADY_TERMINATED,
            f"the agreement is {state.status.value}"
            + (" with a termination notice" if agreement.termination_notice_on else ""),
        )
    if state.status is AgreementStatus.PENDING:
        raise input_error("agreementId", Code.NOT_IN_EFFECT, "the agreement is not in effect")
    text = (cause or "").strip()
    if reason is TerminationReason.IMMEDIATE:
        if not actor.is_admin:
            raise input_error("reason", Code.FORBIDDEN, "immediate termination is for admin keys")
        if text not in spec.immediate_termination_causes:
            allowed = ", ".join(spec.immediate_termination_causes) or "none"
            raise input_error(
                "cause", Code.INVALID_CAUSE, f"an immediate termination names one of: {allowed}"
            )
    elif reason is TerminationReason.BREACH and not text:
        raise input_error("cause", Code.REQUIRED, "describe the breach the notice is about")
    bounded(text, "cause")
    deemed = _deemed(spec, _notice_date(program, agreement, notice_on), method)
    agreement.termination_reason = reason.value
    agreement.termination_cause = text or None
    agreement.termination_notice_on = deemed
    agreement.termination_by = "program" if actor.is_admin else "partner"
    agreement.version += 1
    ending = state_of(program, agreement, deemed)
    assert ending.ends_on is not None
    sent = _notice_date(program, agreement, notice_on)
    kind = "breach-notice" if reason is TerminationReason.BREACH else "termination-notice"
    facts = NoticeFacts(
        kind, actor.is_admin, sent, deemed, ending.ends_on, method, reason=reason.value, cause=text
    )
    document = await _issue_notice(session, store, target, facts, "terminateAgreement")
    audit = await record(
        session,
        actor,
        "terminateAgreement",
        "Agreement",
        agreement.id,
        {
            "termination_reason": [None, reason.value],
            "cause": [None, text or None],
            "termination_notice_on": [None, deemed.isoformat()],
            "ends_on": [None, ending.ends_on.isoformat()],
            "document_sha256": [None, document.sha256],
        },
    )
    document.audit_event_id = audit.id
    await emit(
        session,
        "agreement.terminated",
        partner.id,
        {
            "agreement": global_id("Agreement", agreement.id),
            "reason": reason.value,
            "noticeDate": deemed.isoformat(),
            "endsOn": ending.ends_on.isoformat(),
        },
    )
    return agreement


async def _issue_notice(
    session: AsyncSession, store: BlobStore, target: Target, facts: NoticeFacts, event: str
) -> Document:
    """Render one of the four notices of an agreement and store it."""
    partner, agreement = target.partner, target.agreement
    template = await current_template(session, target.program, facts.kind)
    return await render_document(
        session,
        store,
        template=template,
        partner_id=partner.id,
        agreement_id=agreement.id,
        event=event,
        filename=lambda document_id: document_filename(
            facts.kind, partner.legal_name, document_id, agreement.kind, facts.sent_on.isoformat()
        ),
        context=notice_context(
            facts=facts,
            partner=partner,
            program=target.program,
            spec=target.spec,
            agreement=agreement,
            template=template,
            now=utcnow(),
        ),
    )
