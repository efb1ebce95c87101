"""Use cases of the agreement lifecycle: accept, apply, decide, give notice, terminate."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, Agreement, Membership, Partner, Program, TemplateVersion
from models.base import utcnow
from models.documents.blobs import BlobStore
from rules.agreement_terms import AgreementStatus, TerminationReason, non_renewal_deadline
from rules.agreement_terms import term_index as _term_index
from rules.enums import MembershipStatus
from rules.global_ids import global_id
from services.actor import Actor
from services.agreements.state import agreement_spec, cap_of, state_of, terms_of
from services.audit.log import record
from services.documents import templates
from services.documents.context import agreement_context, termination_context
from services.documents.rendering import render_document, safe_filename
from services.errors import AgreementErrorCode, check_version, input_error
from services.partners.memberships import program_today, start_membership
from services.scope import partner_and_program
from services.webhooks.outbox import emit

Code = AgreementErrorCode
TEXT_MAX = 200
REASON_MAX = 1000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ENDED = (AgreementStatus.TERMINATED, AgreementStatus.EXPIRED, AgreementStatus.REJECTED)


@dataclass(frozen=True)
class Signer:
    """Who signs for the partner (SEG-AGR-01)."""

    name: str
    title: str
    email: str


@dataclass(frozen=True)
class Client:
    """Where the signature came from."""

    ip: str | None = None
    user_agent: str | None = None


def _check_signer(signer: Signer) -> Signer:
    values = {}
    for name in ("name", "title", "email"):
        value = getattr(signer, name).strip()
        if not value:
            raise input_error(f"signer.{name}", Code.REQUIRED, f"signer {name} is required")
        if len(value) > (254 if name == "email" else TEXT_MAX):
            raise input_error(f"signer.{name}", Code.TOO_LONG, f"signer {name} is too long")
        values[name] = value
    if not EMAIL.match(values["email"]):
        raise input_error(
            "signer.email", Code.INVALID_EMAIL, "signer email is not an e-mail address"
        )
    return Signer(**values)


async def _partner_and_program(
    session: AsyncSession, actor: Actor, partner_id: uuid.UUID | None, program_id: uuid.UUID
) -> tuple[Partner, Program]:
    return await partner_and_program(session, actor, partner_id, program_id, Code)


async def _template(session: AsyncSession, program: Program, kind: str) -> TemplateVersion:
    template = await templates.current_for(session, program.slug, kind)
    if template is None:
        raise input_error("kind", Code.NO_TEMPLATE, f"no template is published for {kind}")
    return template


async def _membership_agreement_active(
    session: AsyncSession, program: Program, partner: Partner, today: date
) -> bool:
    kinds = [s["kind"] for s in program.definition["agreements"] if s["role"] == "membership"]
    rows = await session.scalars(
        select(Agreement).where(
            Agreement.partner_id == partner.id,
            Agreement.program_id == program.id,
            Agreement.kind.in_(kinds),
        )
    )
    return any(
        state_of(program, row, today).status
        in (AgreementStatus.ACTIVE, AgreementStatus.NOTICE_GIVEN)
        for row in rows
    )


async def _check_prerequisites(
    session: AsyncSession, program: Program, partner: Partner, spec: dict[str, Any], today: date
) -> None:
    capacity = spec.get("capacity")
    if capacity and capacity not in partner.capacities:
        raise input_error(
            "kind",
            Code.CAPACITY_REQUIRED,
            f"{spec['name']} needs the partner to act as {capacity} (CS-AGR-02)",
        )
    if spec["role"] != "membership" and not await _membership_agreement_active(
        session, program, partner, today
    ):
        raise input_error(
            "kind",
            Code.MEMBERSHIP_AGREEMENT_REQUIRED,
            f"{spec['name']} supplements the program agreement, which is not in effect",
        )


async def _agreement_row(
    session: AsyncSession, partner: Partner, program: Program, kind: str
) -> Agreement:
    row = await session.scalar(
        select(Agreement)
        .where(
            Agreement.partner_id == partner.id,
            Agreement.program_id == program.id,
            Agreement.kind == kind,
        )
        .with_for_update()
    )
    if row is None:
        row = Agreement(
            id=uuid.uuid4(), partner_id=partner.id, program_id=program.id, kind=kind, version=1
        )
        session.add(row)
        await session.flush()
    return row


async def _activate_membership(
    session: AsyncSession,
    actor: Actor,
    partner: Partner,
    program: Program,
    spec: dict[str, Any],
    today: date,
) -> None:
    """A membership agreement in effect makes the membership active (SEG-AGR-01, CS-AGR-01)."""
    membership = await session.scalar(
        select(Membership).where(
            Membership.partner_id == partner.id, Membership.program_id == program.id
        )
    )
    if membership is None:
        await start_membership(
            session,
            actor,
            partner,
            program,
            MembershipStatus.APPLICANT if spec["role"] != "membership" else MembershipStatus.ACTIVE,
            today,
        )
    elif spec["role"] == "membership" and membership.status is MembershipStatus.APPLICANT:
        membership.status = MembershipStatus.ACTIVE
        membership.status_reason = f"{spec['name']} in effect"
        membership.version += 1


async def _sign(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    partner: Partner,
    program: Program,
    spec: dict[str, Any],
    agreement: Agreement,
    signer: Signer,
    client: Client,
    event: str,
    template: TemplateVersion | None = None,
) -> Acceptance:
    """Render the document for a signature and record the acceptance tied to it."""
    template = template or await _template(session, program, spec["kind"])
    now = utcnow()
    today = program_today(program, now)
    state = state_of(program, agreement, today)
    context = agreement_context(
        partner=partner,
        program=program,
        spec=spec,
        agreement=agreement,
        state=state,
        template=template,
        cap=cap_of(spec),
        now=now,
        signer={
            "name": signer.name,
            "title": signer.title,
            "email": signer.email,
            "accepted_at": now.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    document = await render_document(
        session,
        store,
        template=template,
        context=context,
        partner_id=partner.id,
        agreement_id=agreement.id,
        event=event,
        filename=safe_filename(
            spec["kind"], partner.display_name, f"v{template.version}", now.strftime("%Y%m%d")
        ),
    )
    acceptance = Acceptance(
        id=uuid.uuid4(),
        agreement_id=agreement.id,
        signer_name=signer.name,
        signer_title=signer.title,
        signer_email=signer.email,
        accepted_at=now,
        client_ip=(client.ip or None) and client.ip[:45],
        user_agent=(client.user_agent or None) and client.user_agent[:500],
        template_id=template.template_id,
        template_version=template.version,
        document_id=document.id,
        document_sha256=document.sha256,
    )
    session.add(acceptance)
    agreement.version += 1
    await session.flush()
    audit = await record(
        session,
        actor,
        event,
        "Agreement",
        agreement.id,
        {
            "kind": [None, spec["kind"]],
            "signer": [None, signer.email],
            "template": [None, f"{template.template_id} v{template.version}"],
            "document_sha256": [None, document.sha256],
            "effective_on": [
                None,
                agreement.effective_on.isoformat() if agreement.effective_on else None,
            ],
        },
    )
    document.audit_event_id = audit.id
    return acceptance


MODE_HINT = {
    "apply_then_approve": "is applied for and approved: use applyToProgram",
    "click_accept": "is accepted by click: use acceptAgreement",
}


async def _prepare(
    session: AsyncSession,
    actor: Actor,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    kind: str | None,
    mode: str,
) -> tuple[Partner, Program, dict[str, Any], Agreement, date]:
    """The checks before a signature: who, which agreement, its mode and prerequisites.

    Without a kind, the program's membership agreement is meant.
    """
    partner, program = await _partner_and_program(session, actor, partner_id, program_id)
    if kind is None:
        kinds = [s["kind"] for s in program.definition["agreements"] if s["role"] == "membership"]
        kind = kinds[0] if kinds else ""
    spec = agreement_spec(program, kind)
    if spec is None:
        raise input_error("kind", Code.UNKNOWN_KIND, f"{program.slug} has no agreement {kind!r}")
    if spec["acceptance_mode"] != mode:
        raise input_error(
            "kind",
            Code.WRONG_ACCEPTANCE_MODE,
            f"{spec['name']} {MODE_HINT[spec['acceptance_mode']]}",
        )
    today = program_today(program)
    await _check_prerequisites(session, program, partner, spec, today)
    return partner, program, spec, await _agreement_row(session, partner, program, kind), today


async def accept_agreement(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    kind: str,
    signer: Signer,
    client: Client,
) -> Acceptance:
    """Click-accept an agreement; effective at acceptance (SEG-AGR-01).

    Accepting a newer template version of an agreement already in effect records a fresh
    acceptance and keeps the Effective Date; the old acceptance stays on record (SEG-AGR-12).
    """
    signer = _check_signer(signer)
    partner, program, spec, agreement, today = await _prepare(
        session, actor, partner_id, program_id, kind, "click_accept"
    )
    status = state_of(program, agreement, today).status
    if status in ENDED:
        raise input_error("kind", Code.AGREEMENT_ENDED, f"this {spec['name']} has {status.value}")
    template = await _template(session, program, kind)
    accepted = await session.scalar(
        select(Acceptance.id).where(
            Acceptance.agreement_id == agreement.id,
            Acceptance.template_id == template.template_id,
            Acceptance.template_version == template.version,
        )
    )
    if accepted is not None:
        raise input_error(
            "kind",
            Code.ALREADY_ACCEPTED,
            f"version {template.version} of {spec['name']} is already accepted",
        )
    if agreement.effective_on is None:
        agreement.effective_on = today
    acceptance = await _sign(
        session,
        actor,
        store,
        partner=partner,
        program=program,
        spec=spec,
        agreement=agreement,
        signer=signer,
        client=client,
        event="acceptAgreement",
        template=template,
    )
    await _activate_membership(session, actor, partner, program, spec, today)
    await emit(
        session,
        "agreement.accepted",
        partner.id,
        {
            "agreement": global_id("Agreement", agreement.id),
            "kind": kind,
            "effectiveDate": agreement.effective_on.isoformat() if agreement.effective_on else None,
            "templateVersion": acceptance.template_version,
        },
    )
    return acceptance


async def apply_to_program(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    kind: str | None,
    signer: Signer,
    client: Client,
) -> Acceptance:
    """Apply by accepting online; nothing takes effect until an admin approves (CS-AGR-01)."""
    signer = _check_signer(signer)
    partner, program, spec, agreement, today = await _prepare(
        session, actor, partner_id, program_id, kind, "apply_then_approve"
    )
    kind = agreement.kind
    if agreement.applied_on is not None and agreement.rejected_on is None:
        raise input_error("kind", Code.ALREADY_APPLIED, f"{spec['name']}: already applied")
    if agreement.rejected_on is not None:
        agreement.rejected_on = agreement.decided_at = agreement.decision_reason = None
    agreement.applied_on = today
    acceptance = await _sign(
        session,
        actor,
        store,
        partner=partner,
        program=program,
        spec=spec,
        agreement=agreement,
        signer=signer,
        client=client,
        event="applyToProgram",
    )
    await _activate_membership(
        session, actor, partner, program, {**spec, "role": "application"}, today
    )
    return acceptance


async def _load(
    session: AsyncSession, actor: Actor, agreement_id: uuid.UUID
) -> tuple[Agreement, Program, Partner, dict[str, Any]]:
    agreement = await session.get(Agreement, agreement_id, with_for_update=True)
    if agreement is None or not actor.may_see_partner(agreement.partner_id):
        raise input_error("agreementId", Code.AGREEMENT_NOT_FOUND, "no agreement has that id")
    program = await session.get(Program, agreement.program_id)
    partner = await session.get(Partner, agreement.partner_id)
    assert program is not None and partner is not None
    spec = agreement_spec(program, agreement.kind)
    assert spec is not None
    return agreement, program, partner, spec


async def decide_application(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    agreement_id: uuid.UUID,
    approve: bool,
    reason: str,
    expected_version: int | None = None,
) -> Agreement:
    """Approve (effective that day, with a document saying so) or reject an application."""
    if not actor.is_admin:
        raise input_error(
            "agreementId", Code.FORBIDDEN, "only an admin key can decide applications"
        )
    text = reason.strip()
    if len(text) > REASON_MAX:
        raise input_error("reason", Code.TOO_LONG, f"reason is limited to {REASON_MAX} characters")
    if not approve and not text:
        raise input_error("reason", Code.REQUIRED, "a rejection needs a reason")
    agreement, program, partner, spec = await _load(session, actor, agreement_id)
    check_version(agreement.version, expected_version, Code)
    if agreement.applied_on is None:
        raise input_error("agreementId", Code.NOT_IN_EFFECT, "there is no application to decide")
    if agreement.effective_on is not None or agreement.rejected_on is not None:
        raise input_error("agreementId", Code.ALREADY_DECIDED, "the application is already decided")
    now = utcnow()
    today = program_today(program, now)
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
    signer = Signer(latest.signer_name, latest.signer_title, latest.signer_email)
    await _sign(
        session,
        actor,
        store,
        partner=partner,
        program=program,
        spec=spec,
        agreement=agreement,
        signer=signer,
        client=Client(latest.client_ip, latest.user_agent),
        event="decideApplication",
    )
    await _activate_membership(session, actor, partner, program, spec, today)
    await emit(
        session,
        "agreement.accepted",
        partner.id,
        {
            "agreement": global_id("Agreement", agreement.id),
            "kind": agreement.kind,
            "effectiveDate": today.isoformat(),
            "approved": True,
        },
    )
    return agreement


def _deemed(spec: dict[str, Any], notice_on: date, method: str | None) -> date:
    """When a notice counts as given, by delivery method (SEG-AGR-13); none: the same day."""
    if method is None:
        return notice_on
    for rule in spec["notice_delivery"]:
        if rule["method"] == method:
            return notice_on + timedelta(days=rule["deemed_given_after_days"])
    methods = ", ".join(r["method"] for r in spec["notice_delivery"]) or "none"
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
    *,
    agreement_id: uuid.UUID,
    notice_on: date | None,
    method: str | None,
    expected_version: int | None = None,
) -> Agreement:
    """Stop automatic renewal; refused after the term's deadline (SEG-AGR-07)."""
    agreement, program, _partner, spec = await _load(session, actor, agreement_id)
    check_version(agreement.version, expected_version, Code)
    terms = terms_of(spec)
    if not terms.fixed_term or terms.non_renewal_notice_days is None:
        raise input_error("agreementId", Code.NOT_RENEWABLE, f"{spec['name']} has no renewal terms")
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
    await record(
        session,
        actor,
        "giveNonRenewalNotice",
        "Agreement",
        agreement.id,
        {
            "non_renewal_notice_on": [None, deemed.isoformat()],
            "by": [None, agreement.non_renewal_notice_by],
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
    agreement, program, partner, spec = await _load(session, actor, agreement_id)
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
        if text not in spec["immediate_termination_causes"]:
            allowed = ", ".join(spec["immediate_termination_causes"]) or "none"
            raise input_error(
                "cause", Code.INVALID_CAUSE, f"an immediate termination names one of: {allowed}"
            )
    elif reason is TerminationReason.BREACH and not text:
        raise input_error("cause", Code.REQUIRED, "describe the breach the notice is about")
    if len(text) > REASON_MAX:
        raise input_error("cause", Code.TOO_LONG, f"cause is limited to {REASON_MAX} characters")
    deemed = _deemed(spec, _notice_date(program, agreement, notice_on), method)
    agreement.termination_reason = reason.value
    agreement.termination_cause = text or None
    agreement.termination_notice_on = deemed
    agreement.termination_by = "program" if actor.is_admin else "partner"
    agreement.version += 1
    ending = state_of(program, agreement, deemed)
    assert ending.ends_on is not None
    template = await _template(session, program, "termination-notice")
    now = utcnow()
    given_by = program.name if actor.is_admin else partner.legal_name
    document = await render_document(
        session,
        store,
        template=template,
        partner_id=partner.id,
        agreement_id=agreement.id,
        event="terminateAgreement",
        filename=safe_filename("termination-notice", agreement.kind, partner.display_name),
        context=termination_context(
            partner=partner,
            program=program,
            spec=spec,
            agreement=agreement,
            state=ending,
            template=template,
            given_by=given_by,
            effective_on=ending.ends_on,
            now=now,
        ),
    )
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
