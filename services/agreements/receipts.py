"""Use case: record the receipt of a notice given on receipt (SEG-AGR-13, issue 11).

A notice by hand delivery or certified mail is given on the day it is received. The sender
records the dispatch (`giveNonRenewalNotice`, `terminateAgreement`); the receipt comes later
and is its own dated fact, recorded by either side: admin keys may give a past date, a partner
key records the program's today. Until then the notice has not been given: its notice period,
cure period or expiry do not run. Once recorded, the rules apply as of the receipt's day.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementNotice
from models.agreements.notices import BREACH, NON_RENEWAL
from models.documents.blobs import BlobStore
from rules.citations import cited_in
from services.actor import Actor
from services.agreements.checks import Code, load
from services.agreements.lapses import issue_lapsed_breach_notices
from services.agreements.notices import delivery_rule, given_on
from services.agreements.state import notice_fact, state_of
from services.agreements.termination import announce
from services.audit.log import record
from services.errors import check_version, input_error
from services.fact_dates import Earlier, fact_date
from services.programs.sections.agreements import AgreementDef


async def record_notice_receipt(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    *,
    notice_id: uuid.UUID,
    received_on: date | None,
    expected_version: int | None = None,
) -> Agreement:
    """Record the day a notice sent by a method given on receipt was received; refused when
    already recorded, for a method given otherwise, before the dispatch or after today."""
    notice = await session.get(AgreementNotice, notice_id)
    owner = None if notice is None else await session.get(Agreement, notice.agreement_id)
    if notice is None or owner is None or not actor.may_see_partner(owner.partner_id):
        raise input_error("noticeId", Code.NOTICE_NOT_FOUND, "no notice has that id")
    target = await load(session, actor, notice.agreement_id)
    agreement, program, spec = target.agreement, target.program, target.spec
    check_version(agreement.version, expected_version, Code)
    if notice.received_on is not None:
        raise input_error(
            "noticeId",
            Code.RECEIPT_ALREADY_RECORDED,
            f"the notice's receipt is already recorded ({notice.received_on})",
        )
    rule = delivery_rule(spec, notice.method) if notice.method else None
    if rule is None or rule.given_on != "receipt":
        how = f"sent by {notice.method}" if notice.method else "sent without a method"
        raise input_error(
            "noticeId",
            Code.NOT_GIVEN_ON_RECEIPT,
            f"the notice was {how}: it is given on its dispatch day or a set number of days "
            f"after it, not on receipt{cited_in(rule.rule_ids if rule else _delivery_ids(spec))}",
        )
    dated = fact_date(
        program,
        actor,
        received_on,
        "receivedOn",
        Code,
        Earlier("the dispatch", notice.sent_on),
    )
    notice.received_on = dated.day
    notice.given_on = given_on(rule, notice.sent_on, dated.day)
    agreement.version += 1
    await record(
        session,
        actor,
        "recordNoticeReceipt",
        "Agreement",
        agreement.id,
        {
            "notice": [None, notice.kind],
            "sent_on": [None, notice.sent_on.isoformat()],
            "received_on": [None, dated.day.isoformat()],
            "given_on": [None, notice.given_on and notice.given_on.isoformat()],
        },
        dated=dated,
    )
    if notice.kind != NON_RENEWAL and notice.given_on is not None:
        state = state_of(program, agreement, notice.given_on)
        # Announced only when this notice is what ends the agreement (not an earlier end).
        if state.ends_on is not None and state.ending == notice_fact(notice):
            await announce(session, agreement, notice, state.ends_on)
        if notice.kind == BREACH:
            await issue_lapsed_breach_notices(session, store, program, dated.entered_on, agreement)
    return agreement


def _delivery_ids(spec: AgreementDef) -> list[str]:
    """The rule ids of the agreement's notice delivery rules, as its program file gives them."""
    return [i for r in spec.notice_delivery for i in r.rule_ids]
