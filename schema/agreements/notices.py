"""GraphQL of an agreement's notices: each notice given, with its own dates (issue 11/12,
SEG-AGR-07/08/09/13, CS-AGR-06)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from models import Program as ProgramRow
from models.agreements.notices import BREACH, NON_RENEWAL, TERMINATION
from models.agreements.records import AnyNotice
from rules.agreement_terms import TerminationReason, notice_takes_effect
from schema.ids import encode_id
from services.agreements.state import agreement_spec, notice_fact, terms_of

TerminationReasonEnum = strawberry.enum(
    TerminationReason,
    name="TerminationReason",
    description="CONVENIENCE: on notice; BREACH: after the cure period; IMMEDIATE: at once.",
)


@strawberry.enum(description="What a notice is about.")
class NoticeKind(enum.Enum):
    NON_RENEWAL = NON_RENEWAL
    TERMINATION = TERMINATION
    BREACH = BREACH


def party_name(stored: str) -> str:
    """OPERATOR or PARTNER."""
    return "PARTNER" if stored == "partner" else "OPERATOR"


@strawberry.type(
    description="A notice given under an agreement, a fact with its own dates (program time "
    "zone): a later notice never replaces an earlier one."
)
class AgreementNotice:
    id: strawberry.ID = strawberry.field(description="Give it to recordNoticeReceipt.")
    kind: NoticeKind
    reason: TerminationReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why a termination or breach notice ends the agreement; null: non-renewal."
    )
    party: str = strawberry.field(description="Who gave it: OPERATOR or PARTNER.")
    method: str | None = strawberry.field(description="Delivery method (SEG-AGR-13).")
    dispatched_on: dt.date = strawberry.field(description="Day it was sent.")
    received_on: dt.date | None = strawberry.field(description="Recorded day of receipt.")
    given_on: dt.date | None = strawberry.field(
        description="Day it counts as given (SEG-AGR-13): on receipt for hand delivery and "
        "certified mail, a day after dispatch by next-day courier. Null while it awaits its "
        "receipt: until then it has no effect."
    )
    effective_on: dt.date | None = strawberry.field(
        description="Day it ends the agreement if nothing ends it first: expiry after a "
        "non-renewal, the end of a termination, the lapse of a breach's cure period (even when "
        "cured, see curedOn). Null while it awaits its receipt."
    )
    awaiting_receipt: bool = strawberry.field(
        description="Sent by a method given on receipt, receipt not recorded yet."
    )
    cause: str | None
    cured_on: dt.date | None = strawberry.field(
        description="Day the breach was cured (recordCure); the agreement then continues."
    )

    @classmethod
    def from_row(
        cls, row: AnyNotice, program: ProgramRow, kind: str, effective: dt.date | None
    ) -> AgreementNotice:
        """The notice of an agreement of `kind` in `program`, in effect since `effective`."""
        spec = agreement_spec(program, kind)
        takes_effect = None
        if spec is not None and effective is not None:
            takes_effect = notice_takes_effect(terms_of(spec), effective, notice_fact(row))
        return cls(
            id=strawberry.ID(encode_id("AgreementNotice", row.id)),
            kind=NoticeKind(row.kind),
            reason=TerminationReason(row.reason) if row.reason else None,
            party=party_name(row.party),
            method=row.method,
            dispatched_on=row.sent_on,
            received_on=row.received_on,
            given_on=row.given_on,
            effective_on=takes_effect,
            awaiting_receipt=row.given_on is None,
            cause=row.cause,
            cured_on=row.cured_on,
        )
