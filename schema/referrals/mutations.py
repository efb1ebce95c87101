"""Mutations of referrals and the active-opportunity registry (CS-REF-01..04/09/10), and the
user errors every referral or commission mutation answers with.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Referral as ReferralRow
from schema.context import Info
from schema.payloads import attempt, input_id, user_errors
from schema.referrals.types import Referral
from services.actor import Actor
from services.errors import FieldError, ReferralErrorCode
from services.referrals import decisions, forms, opportunities, submission

Code = ReferralErrorCode
ReferralErrorCodeEnum = strawberry.enum(
    ReferralErrorCode,
    name="ReferralErrorCode",
    description="Why a referral or commission action was refused.",
)


@strawberry.type(description="A refused referral input: the input path, a stable code, a message.")
class ReferralUserError:
    field: list[str] | None
    code: ReferralErrorCodeEnum  # type: ignore[valid-type]
    message: str


def referral_errors(errors: list[FieldError]) -> list[ReferralUserError]:
    """Refusals of a referral or commission use case as GraphQL user errors."""
    return user_errors(errors, ReferralUserError)


def referral_input_id(value: str, type_name: str, field: str) -> uuid.UUID:
    """The database id of an input ID, refused as INVALID_ID when malformed."""
    return input_id(value, type_name, field, Code.INVALID_ID)


_DATED = (
    "Program time zone; default the program's today. Admin keys may give a past day (never "
    "after today: DATE_IN_FUTURE; never before the submission: DATE_OUT_OF_ORDER); every rule "
    "applies as of that day."
)


@strawberry.input(
    description="A referral application form (CS-REF-01). Texts are at most 200 "
    "characters, the description 5000, the phone 40."
)
class SubmitReferralInput:
    program_id: strawberry.ID
    client_name: str = strawberry.field(description="The potential client's organisation.")
    contact_name: str = strawberry.field(description="A person with budget control or influence.")
    contact_role: str
    contact_email: str
    contact_phone: str
    description: str = strawberry.field(description="The opportunity.")
    client_website: str | None = strawberry.field(default=None, description="Domain or URL.")
    opportunity_kind: str | None = strawberry.field(
        default=None,
        description="The kind of opportunity (SEG-TIER-11), one of the program's "
        "`referralPolicy.qualifyingOpportunities` (Segment: net_new_account, "
        "upsell_new_product): required when the program lists kinds (REQUIRED), refused when "
        "not listed (OPPORTUNITY_KIND_NOT_QUALIFYING); empty for a program that lists none.",
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for admin keys."
    )
    submitted_on: dt.date | None = strawberry.field(
        default=None,
        description="The submission day (program time zone); default the program's today. "
        "Only admin keys may give a past day (BACKDATING_FORBIDDEN), never a future one "
        "(DATE_IN_FUTURE). The agreement, the registry, the deadlines and primacy are taken "
        "as of this day.",
    )


@strawberry.enum(description="Approve or reject.")
class ReferralDecision(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.input(description="Decide a referral inside its window (admin keys).")
class DecideReferralInput:
    referral_id: strawberry.ID
    decision: ReferralDecision
    reason: str = strawberry.field(default="", description="Required to reject.")
    decided_on: dt.date | None = strawberry.field(
        default=None, description="The decision's day, on which the window is judged. " + _DATED
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="A meeting with the client was arranged (CS-REF-10).")
class RecordMeetingInput:
    referral_id: strawberry.ID
    arranged_on: dt.date | None = strawberry.field(
        default=None, description="The day the meeting was arranged. " + _DATED
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="The opportunity is no longer live (CS-REF-10).")
class MarkReferralNotViableInput:
    referral_id: strawberry.ID
    reason: str = strawberry.field(default="", description="Required unless omitted.")
    omitted: bool = strawberry.field(default=False, description='Status "Omitted".')
    not_viable_on: dt.date | None = strawberry.field(
        default=None, description="The day the opportunity stopped being live. " + _DATED
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="Close a referral.")
class CloseReferralInput:
    referral_id: strawberry.ID
    no_sale: bool = strawberry.field(
        description="Closed because no sale could be completed: a "
        "later referral of the client may then earn (CS-REF-04)."
    )
    reason: str = ""
    closed_on: dt.date | None = strawberry.field(
        default=None, description="The closing day. " + _DATED
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="Register a client the program already pursues (CS-REF-03).")
class AddActiveOpportunityInput:
    program_id: strawberry.ID
    client_name: str
    client_website: str | None = None
    active_from: dt.date | None = None
    active_until: dt.date | None = None
    note: str = ""


@strawberry.input(
    description="Import active opportunities from CSV: header client_name, "
    "client_website, active_from, active_until, note (dates YYYY-MM-DD). "
    "Every bad row is reported; nothing is imported unless all rows are good."
)
class ImportActiveOpportunitiesInput:
    program_id: strawberry.ID
    csv: str


@strawberry.type(description="Result of a referral mutation.")
class ReferralPayload:
    referral: Referral | None
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of a registry or tax mutation.")
class CountPayload:
    count: int
    user_errors: list[ReferralUserError]


_id = referral_input_id


async def _submit(session: AsyncSession, actor: Actor, data: SubmitReferralInput) -> ReferralRow:
    return await submission.submit_referral(
        session,
        actor,
        partner_id=_id(data.partner_id, "Partner", "partnerId")
        if data.partner_id is not None
        else None,
        program_id=_id(data.program_id, "Program", "programId"),
        form=forms.ReferralForm(
            client_name=data.client_name,
            contact_name=data.contact_name,
            contact_role=data.contact_role,
            contact_email=data.contact_email,
            contact_phone=data.contact_phone,
            description=data.description,
            client_website=data.client_website,
        ),
        submitted_on=data.submitted_on,
        opportunity_kind=data.opportunity_kind,
    )


async def _decide(session: AsyncSession, actor: Actor, data: DecideReferralInput) -> ReferralRow:
    return await decisions.decide_referral(
        session,
        actor,
        referral_id=_id(data.referral_id, "Referral", "referralId"),
        approve=data.decision is ReferralDecision.APPROVE,
        reason=data.reason,
        expected_version=data.expected_version,
        decided_on=data.decided_on,
    )


async def _meeting(session: AsyncSession, actor: Actor, data: RecordMeetingInput) -> ReferralRow:
    return await decisions.record_meeting(
        session,
        actor,
        referral_id=_id(data.referral_id, "Referral", "referralId"),
        arranged_on=data.arranged_on,
        expected_version=data.expected_version,
    )


async def _not_viable(
    session: AsyncSession, actor: Actor, data: MarkReferralNotViableInput
) -> ReferralRow:
    return await decisions.mark_not_viable(
        session,
        actor,
        referral_id=_id(data.referral_id, "Referral", "referralId"),
        reason=data.reason,
        omitted=data.omitted,
        expected_version=data.expected_version,
        not_viable_on=data.not_viable_on,
    )


async def _close(session: AsyncSession, actor: Actor, data: CloseReferralInput) -> ReferralRow:
    return await decisions.close_referral(
        session,
        actor,
        referral_id=_id(data.referral_id, "Referral", "referralId"),
        reason=data.reason,
        no_sale=data.no_sale,
        expected_version=data.expected_version,
        closed_on=data.closed_on,
    )


async def _opportunity(session: AsyncSession, actor: Actor, data: AddActiveOpportunityInput) -> int:
    rows = await opportunities.add_active_opportunity(
        session,
        actor,
        program_id=_id(data.program_id, "Program", "programId"),
        item=opportunities.OpportunityInput(
            data.client_name,
            data.client_website,
            data.active_from,
            data.active_until,
            data.note,
        ),
    )
    return len(rows)


async def _import(session: AsyncSession, actor: Actor, data: ImportActiveOpportunitiesInput) -> int:
    rows = await opportunities.import_active_opportunities(
        session, actor, program_id=_id(data.program_id, "Program", "programId"), csv_text=data.csv
    )
    return len(rows)


def _referral_payload(row: ReferralRow | None, errors: list[FieldError]) -> ReferralPayload:
    return ReferralPayload(
        referral=Referral.from_row(row) if row else None, user_errors=referral_errors(errors)
    )


@strawberry.type
class ReferralMutations:
    @strawberry.mutation(
        description="Submit a referral (CS-REF-01/03/09). The first partner "
        "to refer a client holds it for the conflict window; later ones are "
        "recorded as conflicting (CS-REF-04)."
    )
    async def submit_referral(self, info: Info, input: SubmitReferralInput) -> ReferralPayload:
        row, errors = await attempt(info, _submit, input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Approve or reject a referral (CS-REF-02).")
    async def decide_referral(self, info: Info, input: DecideReferralInput) -> ReferralPayload:
        row, errors = await attempt(info, _decide, input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Record that a meeting was arranged (CS-REF-10).")
    async def record_meeting(self, info: Info, input: RecordMeetingInput) -> ReferralPayload:
        row, errors = await attempt(info, _meeting, input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Mark an opportunity not viable or omitted (CS-REF-10).")
    async def mark_referral_not_viable(
        self, info: Info, input: MarkReferralNotViableInput
    ) -> ReferralPayload:
        row, errors = await attempt(info, _not_viable, input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Close a referral (no sale frees the client, CS-REF-04).")
    async def close_referral(self, info: Info, input: CloseReferralInput) -> ReferralPayload:
        row, errors = await attempt(info, _close, input)
        return _referral_payload(row, errors)


@strawberry.type
class ActiveOpportunityMutations:
    """The registry of clients a program already pursues (CS-REF-03); composed after the
    commission mutations in `schema.Mutation`, where the schema has always listed them."""

    @strawberry.mutation(description="Register an active opportunity (admin keys).")
    async def add_active_opportunity(
        self, info: Info, input: AddActiveOpportunityInput
    ) -> CountPayload:
        count, errors = await attempt(info, _opportunity, input)
        return CountPayload(count=count or 0, user_errors=referral_errors(errors))

    @strawberry.mutation(description="Import active opportunities from CSV (admin keys).")
    async def import_active_opportunities(
        self, info: Info, input: ImportActiveOpportunitiesInput
    ) -> CountPayload:
        count, errors = await attempt(info, _import, input)
        return CountPayload(count=count or 0, user_errors=referral_errors(errors))
