"""Use cases: notices on an agreement, non-renewal and termination (SEG-AGR-07/08/09/13,
CS-AGR-06).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementNotice, Document, Program
from models.agreements.notices import NON_RENEWAL, OPERATOR, PARTNER
from models.base import utcnow
from models.documents.blobs import BlobStore
from rules.agreement_terms import (
    AgreementStatus,
    non_renewal_deadline,
    term_last_day,
)
from rules.agreement_terms import term_index as _term_index
from services.actor import Actor
from services.agreements.checks import Code, Target, current_template, load
from services.agreements.state import latest_notice, state_of, terms_of
from services.audit.log import record
from services.documents.filenames import document_filename
from services.documents.notices import NoticeFacts, notice_context
from services.documents.rendering import render_document
from services.errors import check_version, input_error
from services.fact_dates import Earlier, FactDate, fact_date, program_today
from services.programs.sections.agreements import AgreementDef, NoticeDelivery


@dataclass(frozen=True)
class NoticeDates:
    """A notice's facts: dispatch (a fact date), method, recorded receipt, and the day it counts
    as given (SEG-AGR-13); None while a notice given on receipt awaits its receipt."""

    sent: FactDate
    given_on: date | None
    method: str | None
    received_on: date | None


def delivery_rule(spec: AgreementDef, method: str | None) -> NoticeDelivery | None:
    """The program's delivery rule for `method` (None: no method); refused when unknown."""
    if method is None:
        return None
    rule = next((r for r in spec.notice_delivery if r.method == method), None)
    if rule is None:
        methods = ", ".join(r.method for r in spec.notice_delivery) or "none"
        raise input_error(
            "deliveryMethod",
            Code.UNKNOWN_DELIVERY_METHOD,
            f"unknown delivery method {method!r} (this agreement knows: {methods})",
        )
    return rule


def given_on(rule: NoticeDelivery | None, sent: date, received: date | None) -> date | None:
    """The day a notice counts as given (SEG-AGR-13): on receipt for a method given on
    receipt (None until it is recorded), that many days after dispatch for one given after
    dispatch, the dispatch day without a method."""
    if rule is None:
        return sent
    if rule.given_on == "receipt":
        return received
    return sent + timedelta(days=rule.deemed_given_after_days)


def notice_dates(
    program: Program,
    actor: Actor,
    spec: AgreementDef,
    agreement: Agreement,
    sent_on: date | None,
    method: str | None,
    received_on: date | None,
) -> NoticeDates:
    """When a notice counts as given (SEG-AGR-13, program data `notice_delivery`): a method
    given on receipt (hand delivery, certified mail) on its recorded `receivedOn` (omitted: the
    notice awaits its receipt, `recordNoticeReceipt`); a method given after dispatch (next-day
    courier) that many days after `noticeDate`; no method: the day it was sent. Dates default
    to the program's today; only admin keys backdate; a receipt is never before the dispatch.
    """
    if agreement.effective_on is None:
        raise input_error("agreementId", Code.NOT_IN_EFFECT, "the agreement is not in effect")
    sent = fact_date(
        program,
        actor,
        sent_on,
        "noticeDate",
        Code,
        Earlier("the Effective Date", agreement.effective_on),
    )
    rule = delivery_rule(spec, method)
    received = None
    if received_on is not None:
        received = fact_date(
            program,
            actor,
            received_on,
            "receivedOn",
            Code,
            Earlier("the dispatch (noticeDate)", sent.day),
        ).day
    return NoticeDates(sent, given_on(rule, sent.day, received), method, received)


def _refuse_unless_active(status: AgreementStatus) -> None:
    if status is not AgreementStatus.ACTIVE:
        code = (
            Code.NOTICE_ALREADY_GIVEN
            if status is AgreementStatus.NOTICE_GIVEN
            else (Code.NOT_IN_EFFECT if status is AgreementStatus.PENDING else Code.AGREEMENT_ENDED)
        )
        raise input_error("agreementId", code, f"the agreement is {status.value}")


def party_of(actor: Actor) -> str:
    """The party a non-renewal notice is recorded for: admin keys give the operator's."""
    return OPERATOR if actor.is_admin else PARTNER


async def give_non_renewal_notice(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    agreement_id: uuid.UUID,
    notice_on: date | None,
    method: str | None,
    received_on: date | None = None,
    expected_version: int | None = None,
) -> Agreement:
    """Stop automatic renewal; refused after the term's deadline (SEG-AGR-07)."""
    target = await load(session, actor, agreement_id)
    agreement, program, spec = target.agreement, target.program, target.spec
    check_version(agreement.version, expected_version, Code)
    terms = terms_of(spec)
    if not terms.fixed_term or terms.non_renewal_notice_days is None:
        raise input_error("agreementId", Code.NOT_RENEWABLE, f"{spec.name} has no renewal terms")
    given = latest_notice(agreement, non_renewal=True)
    if given is not None:
        raise input_error(
            "agreementId",
            Code.NOTICE_ALREADY_GIVEN,
            f"non-renewal notice is already given (dispatched {given.sent_on})",
        )
    if agreement.effective_on is None:
        _refuse_unless_active(state_of(program, agreement, program_today(program)).status)
    dates = notice_dates(program, actor, spec, agreement, notice_on, method, received_on)
    sent, deemed = dates.sent.day, dates.given_on
    # The rules apply as of the notice's own date (issue 11).
    _refuse_unless_active(state_of(program, agreement, sent).status)
    assert agreement.effective_on is not None
    # Awaiting receipt, the deadline is checked against the dispatch: received later is later.
    k = _term_index(terms, agreement.effective_on, deemed or sent)
    deadline = non_renewal_deadline(terms, agreement.effective_on, k)
    if (deemed or sent) > deadline:
        raise input_error(
            "noticeDate",
            Code.NOTICE_TOO_LATE,
            f"notice deemed given on {deemed or sent} is after this term's deadline "
            f"({deadline}); the agreement renews once more",
        )
    notice = AgreementNotice(
        kind=NON_RENEWAL,
        party=party_of(actor),
        sent_on=sent,
        method=method,
        received_on=dates.received_on,
        given_on=deemed,
    )
    agreement.notices.append(notice)
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
    document = await issue_notice(session, store, target, facts, "giveNonRenewalNotice")
    await record(
        session,
        actor,
        "giveNonRenewalNotice",
        "Agreement",
        agreement.id,
        {
            "non_renewal_notice_on": [None, deemed and deemed.isoformat()],
            "by": [None, notice.party],
            "sent_on": [None, sent.isoformat()],
            "method": [None, method],
            "received_on": [None, dates.received_on and dates.received_on.isoformat()],
            "document_sha256": [None, document.sha256],
        },
        dated=dates.sent,
    )
    return agreement


async def issue_notice(
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
