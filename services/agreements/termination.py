"""Use cases: termination notices, the cure of a breach, and the end of an uncured breach's
cure period (SEG-AGR-08/09, CS-AGR-06; issue 12 readings).

- Either party may terminate: for convenience, for the other's breach, or at once on an
  immediate cause. Partner keys record the partner's own notices; admin keys record either
  party's (`by`). An immediate cause is open to the partner only when the program lists it in
  `immediate_causes_open_to_partner` (Contentsquare: all three; Segment: none).
- A breach notice opens a cure period; the agreement ends when it lapses uncured, not at
  notice. `recordCure` records the cure as a dated fact within the period.
- The notice of termination after an uncured breach is issued from the event that ends the
  agreement: the lapse of the cure period (`issue_lapsed_breach_notices`, run by the sweep, and
  at once when a breach notice is entered after its period already lapsed).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementNotice
from models.agreements.notices import BREACH, OPERATOR, PARTNER, TERMINATION
from models.documents.blobs import BlobStore
from rules.agreement_terms import AgreementStatus, TerminationReason
from rules.global_ids import global_id
from services.actor import Actor
from services.agreements.checks import ENDED, Code, bounded, load
from services.agreements.lapses import cure_lapses_on, issue_lapsed_breach_notices, open_breach
from services.agreements.notices import issue_notice, notice_dates
from services.agreements.state import latest_notice, state_of
from services.audit.log import record
from services.documents.notices import NoticeFacts
from services.errors import check_version, input_error
from services.fact_dates import Earlier, fact_date, program_today
from services.programs.sections.agreements import AgreementDef
from services.webhooks.outbox import emit


def terminating_party(actor: Actor, by: str | None) -> str:
    """Who gives the notice: a partner key always the partner; an admin key either party."""
    if by not in (None, OPERATOR, PARTNER):
        raise input_error("by", Code.INVALID, "by is OPERATOR or PARTNER")
    if not actor.is_admin:
        if by == OPERATOR:
            raise input_error("by", Code.FORBIDDEN, "a partner key gives the partner's notices")
        return PARTNER
    return by or OPERATOR


def _check_cause(spec: AgreementDef, reason: TerminationReason, party: str, text: str) -> None:
    causes = spec.immediate_termination_causes
    if reason is TerminationReason.IMMEDIATE:
        if text not in causes:
            allowed = ", ".join(causes) or "none"
            raise input_error(
                "cause", Code.INVALID_CAUSE, f"an immediate termination names one of: {allowed}"
            )
        open_to_partner = spec.immediate_causes_open_to_partner
        if party == PARTNER and text not in open_to_partner:
            raise input_error(
                "cause",
                Code.FORBIDDEN,
                f"{text} is a cause only the operator may invoke "
                f"(open to the partner: {', '.join(open_to_partner) or 'none'})",
            )
    elif reason is TerminationReason.BREACH and not text:
        raise input_error("cause", Code.REQUIRED, "describe the breach the notice is about")


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
    received_on: date | None = None,
    by: str | None = None,
    expected_version: int | None = None,
) -> Agreement:
    """Give notice of termination and issue the notice letter; rules apply as of the notice's
    own date, so a notice entered late gives the same result as on its day."""
    target = await load(session, actor, agreement_id)
    agreement, program, spec = target.agreement, target.program, target.spec
    check_version(agreement.version, expected_version, Code)
    party = terminating_party(actor, by)
    text = bounded(cause, "cause")
    _check_cause(spec, reason, party, text)
    last = latest_notice(agreement, non_renewal=False)
    open_notice = last is not None and last.cured_on is None
    today_state = state_of(program, agreement, program_today(program))
    if open_notice or today_state.status in ENDED:
        raise input_error(
            "agreementId",
            Code.ALREADY_TERMINATED,
            f"the agreement is {today_state.status.value}"
            + (" with a termination notice" if open_notice else ""),
        )
    dates = notice_dates(program, actor, spec, agreement, notice_on, method, received_on)
    sent, deemed = dates.sent.day, dates.given_on
    if last is not None and last.cured_on is not None and sent <= last.cured_on:
        raise input_error(
            "noticeDate",
            Code.DATE_OUT_OF_ORDER,
            f"a new notice comes after the cure of the last breach ({last.cured_on})",
        )
    status = state_of(program, agreement, sent).status
    if status in ENDED:
        raise input_error("agreementId", Code.ALREADY_TERMINATED, f"on {sent} it was {status}")
    if status is AgreementStatus.PENDING:
        raise input_error("agreementId", Code.NOT_IN_EFFECT, "the agreement is not in effect")
    notice = AgreementNotice(
        kind=BREACH if reason is TerminationReason.BREACH else TERMINATION,
        reason=reason.value,
        party=party,
        cause=text or None,
        sent_on=sent,
        method=method,
        received_on=dates.received_on,
        given_on=deemed,
    )
    agreement.notices.append(notice)
    agreement.version += 1
    ends_on = None if deemed is None else state_of(program, agreement, deemed).ends_on
    kind = "breach-notice" if reason is TerminationReason.BREACH else "termination-notice"
    facts = NoticeFacts(
        kind,
        party == OPERATOR,
        sent,
        deemed,
        ends_on,
        method,
        reason=reason.value,
        cause=text,
    )
    document = await issue_notice(session, store, target, facts, "terminateAgreement")
    audit = await record(
        session,
        actor,
        "terminateAgreement",
        "Agreement",
        agreement.id,
        {
            "termination_reason": [None, reason.value],
            "by": [None, party],
            "cause": [None, text or None],
            "sent_on": [None, sent.isoformat()],
            "method": [None, method],
            "received_on": [None, _iso(dates.received_on)],
            "termination_notice_on": [None, _iso(deemed)],
            "ends_on": [None, _iso(ends_on)],
            "document_sha256": [None, document.sha256],
        },
        dated=dates.sent,
    )
    document.audit_event_id = audit.id
    if deemed is not None:
        assert ends_on is not None
        await announce(session, agreement, notice, ends_on)
    if reason is TerminationReason.BREACH:
        await issue_lapsed_breach_notices(session, store, program, dates.sent.entered_on, agreement)
    return agreement


async def announce(
    session: AsyncSession, agreement: Agreement, notice: AgreementNotice, ends_on: date
) -> None:
    """The webhook of a termination notice, once it is given (at notice, or on its receipt)."""
    assert notice.given_on is not None and notice.reason is not None
    await emit(
        session,
        "agreement.terminated",
        agreement.partner_id,
        {
            "agreement": global_id("Agreement", agreement.id),
            "reason": notice.reason,
            "by": notice.party,
            "noticeDate": notice.given_on.isoformat(),
            "endsOn": ends_on.isoformat(),
        },
    )


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


async def record_cure(
    session: AsyncSession,
    actor: Actor,
    *,
    agreement_id: uuid.UUID,
    cured_on: date | None,
    expected_version: int | None = None,
) -> Agreement:
    """Record that the breach under an open breach notice was cured, on its own date, within
    the cure period: the agreement then continues (SEG-AGR-09, CS-AGR-06)."""
    target = await load(session, actor, agreement_id)
    agreement, program = target.agreement, target.program
    check_version(agreement.version, expected_version, Code)
    breach = open_breach(agreement)
    lapse = None if breach is None else cure_lapses_on(program, agreement, breach)
    if breach is None or lapse is None:
        raise input_error("agreementId", Code.INVALID, "no breach notice awaits a cure")
    if not actor.is_admin and breach.party != PARTNER:
        raise input_error(
            "agreementId",
            Code.FORBIDDEN,
            "the party that gave the breach notice records the cure",
        )
    dated = fact_date(
        program, actor, cured_on, "curedOn", Code, Earlier("the breach notice", breach.sent_on)
    )
    if dated.day >= lapse:
        raise input_error(
            "curedOn",
            Code.AGREEMENT_ENDED,
            f"the cure period ended on {lapse - timedelta(days=1)}: the agreement ended uncured",
        )
    breach.cured_on = dated.day
    agreement.version += 1
    await record(
        session,
        actor,
        "recordCure",
        "Agreement",
        agreement.id,
        {
            "cured_on": [None, dated.day.isoformat()],
            "breach_notice_sent_on": [None, _iso(breach.sent_on)],
        },
        dated=dated,
    )
    return agreement
