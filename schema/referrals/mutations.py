"""Mutations of referrals and commissions (CS-REF-*, SEG-TIER-11)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission as CommissionRow
from models import Program as ProgramRow
from models import QualifiedAgreement as QualifiedRow
from models import Referral as ReferralRow
from models.documents.blobs import BlobStore
from schema.context import Info
from schema.documents.types import Document
from schema.payloads import attempt, input_id, user_errors
from schema.referrals.types import Commission, QualifiedAgreement, Referral
from services.actor import Actor
from services.commissions import payments, payouts, qualified_agreements, revenue, statements, tax
from services.errors import FieldError, ReferralErrorCode, input_error
from services.partners.memberships import program_today
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


def _errors(errors: list[FieldError]) -> list[ReferralUserError]:
    return user_errors(errors, ReferralUserError)


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
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for admin keys."
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
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="A meeting with the client was arranged (CS-REF-10).")
class RecordMeetingInput:
    referral_id: strawberry.ID
    arranged_on: dt.date | None = strawberry.field(default=None, description="Default today.")
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="The opportunity is no longer live (CS-REF-10).")
class MarkReferralNotViableInput:
    referral_id: strawberry.ID
    reason: str = strawberry.field(default="", description="Required unless omitted.")
    omitted: bool = strawberry.field(default=False, description='Status "Omitted".')
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
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="The client signed (CS-REF-11).")
class RecordQualifiedAgreementInput:
    referral_id: strawberry.ID
    signed_on: dt.date
    products: list[str]
    through_reseller: bool = False
    paid_under_other_program: bool = False
    order_reference: str = ""


@strawberry.input(
    description="A revenue line. Kinds: invoiced_fee, and the program's "
    "deductions and exclusions (discount, credit, refund, rebate, "
    "return_allowance, sales_tax, professional_services, support, ...)."
)
class RevenueLineInput:
    kind: str
    amount: Decimal = strawberry.field(description="Positive; the kind gives the sign.")
    occurred_on: dt.date
    description: str = ""


@strawberry.input(description="Add revenue lines to a qualified agreement (all or none).")
class RecordRevenueInput:
    qualified_agreement_id: strawberry.ID
    lines: list[RevenueLineInput]


@strawberry.input(description="Money received from the client (CS-REF-07/14).")
class RecordClientPaymentInput:
    qualified_agreement_id: strawberry.ID
    received_on: dt.date
    amount: Decimal
    reference: str = ""


@strawberry.input(description="Pay a commission (CS-REF-14, CS-AGR-11).")
class RecordPayoutInput:
    commission_id: strawberry.ID
    paid_on: dt.date
    set_off: Decimal = strawberry.field(default=Decimal(0), description="Amount set off.")
    set_off_reason: str = ""
    reference: str = ""


@strawberry.input(description="Tax documentation on file (CS-REF-08).")
class RecordTaxDocumentationInput:
    partner_id: strawberry.ID
    received_on: dt.date
    withholding_rate: Decimal = strawberry.field(description="0..1, e.g. 0.15.")
    reference: str = ""


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


@strawberry.input(description="A partner's commission statement for one calendar year.")
class GenerateCommissionStatementInput:
    program_id: strawberry.ID
    year: int
    partner_id: strawberry.ID | None = None


@strawberry.type(description="Result of a referral mutation.")
class ReferralPayload:
    referral: Referral | None
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of a qualified-agreement mutation.")
class QualifiedAgreementPayload:
    qualified_agreement: QualifiedAgreement | None
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of recordPayout.")
class CommissionPayload:
    commission: Commission | None
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of a registry or tax mutation.")
class CountPayload:
    count: int
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of generateCommissionStatement.")
class StatementPayload:
    document: Document | None
    user_errors: list[ReferralUserError]


def _id(value: str, type_name: str, field: str) -> Any:
    return input_id(value, type_name, field, Code.INVALID_ID)


async def _submit(session: AsyncSession, actor: Actor, data: SubmitReferralInput) -> ReferralRow:
    return await submission.submit_referral(
        session,
        actor,
        partner_id=_id(data.partner_id, "Partner", "partnerId") if data.partner_id else None,
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
    )


async def _referral_op(session: AsyncSession, actor: Actor, name: str, data: Any) -> ReferralRow:
    referral_id = _id(data.referral_id, "Referral", "referralId")
    if name == "decide":
        return await decisions.decide_referral(
            session,
            actor,
            referral_id=referral_id,
            approve=data.decision is ReferralDecision.APPROVE,
            reason=data.reason,
            expected_version=data.expected_version,
        )
    if name == "meeting":
        return await decisions.record_meeting(
            session,
            actor,
            referral_id=referral_id,
            arranged_on=data.arranged_on,
            expected_version=data.expected_version,
        )
    if name == "not_viable":
        return await decisions.mark_not_viable(
            session,
            actor,
            referral_id=referral_id,
            reason=data.reason,
            omitted=data.omitted,
            expected_version=data.expected_version,
        )
    return await decisions.close_referral(
        session,
        actor,
        referral_id=referral_id,
        reason=data.reason,
        no_sale=data.no_sale,
        expected_version=data.expected_version,
    )


async def _qualify(
    session: AsyncSession, actor: Actor, data: RecordQualifiedAgreementInput
) -> QualifiedRow:
    return await qualified_agreements.record_qualified_agreement(
        session,
        actor,
        referral_id=_id(data.referral_id, "Referral", "referralId"),
        signed_on=data.signed_on,
        products=data.products,
        through_reseller=data.through_reseller,
        paid_under_other_program=data.paid_under_other_program,
        order_reference=data.order_reference,
    )


async def _revenue(session: AsyncSession, actor: Actor, data: RecordRevenueInput) -> QualifiedRow:
    return await revenue.record_revenue(
        session,
        actor,
        qualified_agreement_id=_id(
            data.qualified_agreement_id, "QualifiedAgreement", "qualifiedAgreementId"
        ),
        lines=[
            revenue.RevenueInput(line.kind, line.amount, line.occurred_on, line.description)
            for line in data.lines
        ],
    )


async def _payment(
    session: AsyncSession, actor: Actor, data: RecordClientPaymentInput
) -> QualifiedRow:
    qualified_id = _id(data.qualified_agreement_id, "QualifiedAgreement", "qualifiedAgreementId")
    await payments.record_client_payment(
        session,
        actor,
        qualified_agreement_id=qualified_id,
        received_on=data.received_on,
        amount=data.amount,
        reference=data.reference,
    )
    qualified = await session.get(QualifiedRow, qualified_id)
    assert qualified is not None
    return qualified


async def _payout(session: AsyncSession, actor: Actor, data: RecordPayoutInput) -> CommissionRow:
    commission_id = _id(data.commission_id, "Commission", "commissionId")
    await payouts.record_payout(
        session,
        actor,
        commission_id=commission_id,
        paid_on=data.paid_on,
        set_off=data.set_off,
        set_off_reason=data.set_off_reason,
        reference=data.reference,
    )
    commission = await session.get(CommissionRow, commission_id)
    assert commission is not None
    return commission


async def _tax(session: AsyncSession, actor: Actor, data: RecordTaxDocumentationInput) -> int:
    await tax.record_tax_documentation(
        session,
        actor,
        partner_id=_id(data.partner_id, "Partner", "partnerId"),
        received_on=data.received_on,
        withholding_rate=data.withholding_rate,
        reference=data.reference,
    )
    return 1


async def _program(session: AsyncSession, program_id: str) -> ProgramRow:
    program = await session.get(ProgramRow, _id(program_id, "Program", "programId"))
    if program is None:
        raise input_error("programId", Code.PROGRAM_NOT_FOUND, "no program has that id")
    return program


async def _opportunity(session: AsyncSession, actor: Actor, data: AddActiveOpportunityInput) -> int:
    program = await _program(session, data.program_id)
    rows = await opportunities.add_opportunities(
        session,
        actor,
        program=program,
        today=program_today(program),
        items=[
            opportunities.OpportunityInput(
                data.client_name,
                data.client_website,
                data.active_from,
                data.active_until,
                data.note,
            )
        ],
    )
    return len(rows)


async def _import(session: AsyncSession, actor: Actor, data: ImportActiveOpportunitiesInput) -> int:
    program = await _program(session, data.program_id)
    items, where = opportunities.parse_csv(data.csv)
    rows = await opportunities.add_opportunities(
        session, actor, program=program, items=items, where=where, today=program_today(program)
    )
    return len(rows)


async def _statement(
    session: AsyncSession, actor: Actor, store: BlobStore, data: GenerateCommissionStatementInput
) -> Any:
    return await statements.generate_commission_statement(
        session,
        actor,
        store,
        partner_id=_id(data.partner_id, "Partner", "partnerId") if data.partner_id else None,
        program_id=_id(data.program_id, "Program", "programId"),
        year=data.year,
    )


def _referral_payload(row: ReferralRow | None, errors: list[FieldError]) -> ReferralPayload:
    return ReferralPayload(
        referral=Referral.from_row(row) if row else None, user_errors=_errors(errors)
    )


def _qualified_payload(
    row: QualifiedRow | None, errors: list[FieldError]
) -> QualifiedAgreementPayload:
    return QualifiedAgreementPayload(
        qualified_agreement=QualifiedAgreement.from_row(row) if row else None,
        user_errors=_errors(errors),
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
        row, errors = await attempt(info, _referral_op, "decide", input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Record that a meeting was arranged (CS-REF-10).")
    async def record_meeting(self, info: Info, input: RecordMeetingInput) -> ReferralPayload:
        row, errors = await attempt(info, _referral_op, "meeting", input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Mark an opportunity not viable or omitted (CS-REF-10).")
    async def mark_referral_not_viable(
        self, info: Info, input: MarkReferralNotViableInput
    ) -> ReferralPayload:
        row, errors = await attempt(info, _referral_op, "not_viable", input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Close a referral (no sale frees the client, CS-REF-04).")
    async def close_referral(self, info: Info, input: CloseReferralInput) -> ReferralPayload:
        row, errors = await attempt(info, _referral_op, "close", input)
        return _referral_payload(row, errors)

    @strawberry.mutation(description="Record the client's signed agreement (CS-REF-11).")
    async def record_qualified_agreement(
        self, info: Info, input: RecordQualifiedAgreementInput
    ) -> QualifiedAgreementPayload:
        row, errors = await attempt(info, _qualify, input)
        return _qualified_payload(row, errors)

    @strawberry.mutation(
        description="Add revenue lines; commissions of the partner-year are "
        "recomputed (paid ones stay as paid)."
    )
    async def record_revenue(
        self, info: Info, input: RecordRevenueInput
    ) -> QualifiedAgreementPayload:
        row, errors = await attempt(info, _revenue, input)
        return _qualified_payload(row, errors)

    @strawberry.mutation(
        description="Record a client payment; paid in full makes the "
        "commission payable, due after the program's payment period (CS-REF-07/14)."
    )
    async def record_client_payment(
        self, info: Info, input: RecordClientPaymentInput
    ) -> QualifiedAgreementPayload:
        row, errors = await attempt(info, _payment, input)
        return _qualified_payload(row, errors)

    @strawberry.mutation(
        description="Pay a commission, less withholding and set-off; refused "
        "without full client payment or tax documentation (CS-REF-07/08)."
    )
    async def record_payout(self, info: Info, input: RecordPayoutInput) -> CommissionPayload:
        row, errors = await attempt(info, _payout, input)
        return CommissionPayload(
            commission=Commission.from_row(row) if row else None, user_errors=_errors(errors)
        )

    @strawberry.mutation(description="Put a partner's tax documentation on file (admin keys).")
    async def record_tax_documentation(
        self, info: Info, input: RecordTaxDocumentationInput
    ) -> CountPayload:
        count, errors = await attempt(info, _tax, input)
        return CountPayload(count=count or 0, user_errors=_errors(errors))

    @strawberry.mutation(description="Register an active opportunity (admin keys).")
    async def add_active_opportunity(
        self, info: Info, input: AddActiveOpportunityInput
    ) -> CountPayload:
        count, errors = await attempt(info, _opportunity, input)
        return CountPayload(count=count or 0, user_errors=_errors(errors))

    @strawberry.mutation(description="Import active opportunities from CSV (admin keys).")
    async def import_active_opportunities(
        self, info: Info, input: ImportActiveOpportunitiesInput
    ) -> CountPayload:
        count, errors = await attempt(info, _import, input)
        return CountPayload(count=count or 0, user_errors=_errors(errors))

    @strawberry.mutation(
        description="Generate a partner's commission statement (DOCX) for a "
        "calendar year, listing every commission line by line."
    )
    async def generate_commission_statement(
        self, info: Info, input: GenerateCommissionStatementInput
    ) -> StatementPayload:
        row, errors = await attempt(info, _statement, info.context.store, input)
        return StatementPayload(
            document=Document.from_row(row) if row else None, user_errors=_errors(errors)
        )
