"""The end of an uncured breach's cure period (issue 12): the agreement ends when the cure
period lapses, and the notice of termination after an uncured breach is issued from that event
(by `partnergraph sweep`, and at once when a breach notice is entered after its period lapsed).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementNotice, Document, Partner, Program
from models.agreements.notices import BREACH, OPERATOR
from models.documents.blobs import BlobStore
from rules.agreement_terms import TerminationReason
from services.actor import SYSTEM
from services.agreements.checks import Target
from services.agreements.notices import issue_notice
from services.agreements.state import agreement_spec, terms_of
from services.audit.log import record
from services.documents.notices import NoticeFacts
from services.fact_dates import FactDate

LAPSE_NOTICE = "breach-termination-notice"


def open_breach(agreement: Agreement) -> AgreementNotice | None:
    """The agreement's breach notice that is given and not cured, if any (at most one: a new
    termination notice is refused while one is open)."""
    return next(
        (
            n
            for n in reversed(agreement.notices)
            if n.kind == BREACH and n.given_on is not None and n.cured_on is None
        ),
        None,
    )


def cure_lapses_on(program: Program, agreement: Agreement, breach: AgreementNotice) -> date | None:
    """The day a given, uncured breach notice ends the agreement (the day after the cure
    period's last day); None when it is not given yet or cured."""
    if breach.kind != BREACH or breach.given_on is None or breach.cured_on is not None:
        return None
    spec = agreement_spec(program, agreement.kind)
    assert spec is not None
    return breach.given_on + timedelta(days=terms_of(spec).breach_cure_days)


async def issue_lapsed_breach_notices(
    session: AsyncSession,
    store: BlobStore,
    program: Program,
    today: date,
    only: Agreement | None = None,
) -> int:
    """Issue the notice of termination after an uncured breach for every agreement whose cure
    period lapsed by `today` and has none yet; idempotent. Returns how many were issued."""
    rows = (
        [only]
        if only is not None
        else list(
            await session.scalars(
                select(Agreement).where(
                    Agreement.program_id == program.id,
                    Agreement.id.in_(
                        select(AgreementNotice.agreement_id).where(
                            AgreementNotice.kind == BREACH,
                            AgreementNotice.given_on.is_not(None),
                            AgreementNotice.cured_on.is_(None),
                        )
                    ),
                )
            )
        )
    )
    issued = 0
    for agreement in rows:
        breach = open_breach(agreement)
        lapse = None if breach is None else cure_lapses_on(program, agreement, breach)
        if breach is None or lapse is None or lapse > today:
            continue
        done = await session.scalar(
            select(Document.id).where(
                Document.agreement_id == agreement.id, Document.kind == LAPSE_NOTICE
            )
        )
        if done is not None:
            continue
        partner = await session.get(Partner, agreement.partner_id)
        spec = agreement_spec(program, agreement.kind)
        assert partner is not None and spec is not None
        target = Target(partner, program, spec, agreement)
        facts = NoticeFacts(
            LAPSE_NOTICE,
            breach.party == OPERATOR,
            lapse,
            lapse,
            lapse,
            None,
            reason=TerminationReason.BREACH.value,
            cause=breach.cause or "",
            breach_notice_on=breach.given_on,
        )
        document = await issue_notice(session, store, target, facts, "breachCureLapsed")
        audit = await record(
            session,
            SYSTEM,
            "breachCureLapsed",
            "Agreement",
            agreement.id,
            {"ended_on": [None, lapse.isoformat()], "document_sha256": [None, document.sha256]},
            dated=FactDate(lapse, today),
        )
        document.audit_event_id = audit.id
        issued += 1
    return issued
