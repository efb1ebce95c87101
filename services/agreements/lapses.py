"""The end of an uncured breach's cure period (issue 12): the agreement ends when the cure
period lapses, and the notice of termination after an uncured breach is issued from that event
(by `partnergraph sweep`, and at once when a breach notice is entered after its period lapsed).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, Document, Partner, Program
from models.documents.blobs import BlobStore
from rules.agreement_terms import TerminationReason
from services.actor import SYSTEM
from services.agreements.checks import Target
from services.agreements.notices import issue_notice
from services.agreements.state import agreement_spec, terms_of
from services.audit.log import record
from services.documents.notices import NoticeFacts
from services.fact_dates import FactDate

OPERATOR, PARTNER = "operator", "partner"
# Stored values of `termination_by` (kept from before the party was an input).
STORED_PARTY = {OPERATOR: "program", PARTNER: "partner"}
LAPSE_NOTICE = "breach-termination-notice"


def cure_lapses_on(program: Program, agreement: Agreement) -> date | None:
    """The day an open breach notice ends the agreement if uncured (the day after the cure
    period's last day); None without an open breach notice."""
    if (
        agreement.termination_reason != TerminationReason.BREACH.value
        or agreement.termination_notice_on is None
        or agreement.cured_on is not None
    ):
        return None
    spec = agreement_spec(program, agreement.kind)
    assert spec is not None
    return agreement.termination_notice_on + timedelta(days=terms_of(spec).breach_cure_days)


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
                    Agreement.termination_reason == TerminationReason.BREACH.value,
                    Agreement.cured_on.is_(None),
                )
            )
        )
    )
    issued = 0
    for agreement in rows:
        lapse = cure_lapses_on(program, agreement)
        if lapse is None or lapse > today:
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
            agreement.termination_by == STORED_PARTY[OPERATOR],
            lapse,
            lapse,
            lapse,
            None,
            reason=TerminationReason.BREACH.value,
            cause=agreement.termination_cause or "",
            breach_notice_on=agreement.termination_notice_on,
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
