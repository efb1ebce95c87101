"""Mutations of commissions: qualified agreements, revenue, client payments, payouts, tax
documentation and yearly statements (CS-REF-05..08/11..17, CS-AGR-11).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Commission as CommissionRow
from models import Document as DocumentRow
from models import QualifiedAgreement as QualifiedRow
from models.documents.blobs import BlobStore
from schema.commissions.types import Commission, QualifiedAgreement
from schema.context import Info
from schema.documents.types import Document
from schema.payloads import attempt
from schema.referrals.mutations import (
    CountPayload,
    ReferralUserError,
    referral_errors,
    referral_input_id,
)
from services.actor import Actor
from services.commissions import payments, payouts, qualified_agreements, revenue, statements, tax
from services.errors import FieldError


@strawberry.input(description="The client signed (CS-REF-11).")
class RecordQualifiedAgreementInput:
    referral_id: strawberry.ID
    signed_on: dt.date
    products: list[str]
    through_reseller: bool = False
    paid_under_other_program: bool = False
    order_reference: str = ""


@strawberry.input(
    description="A revenue line. Kinds: invoiced_fee (recorded net of tax), and the "
    "program's deductions, exclusions and tax kinds (discount, credit, refund, rebate, "
    "return_allowance, professional_services, support, sales_tax, vat, ...). Tax lines "
    "never count towards NCR but count towards what the client owes (CS-REF-13/14)."
)
class RevenueLineInput:
    kind: str
    amount: Decimal = strawberry.field(description="Positive; the kind gives the sign.")
    occurred_on: dt.date = strawberry.field(
        description="The revenue's own date: not after the program's today nor before the signing."
    )
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


@strawberry.input(
    description="A partner's commission statement for one year: the year the program's "
    "brackets accumulate over (the calendar year, or the program year named by the calendar "
    "year it starts in)."
)
class GenerateCommissionStatementInput:
    program_id: strawberry.ID
    year: int
    partner_id: strawberry.ID | None = None


@strawberry.type(description="Result of a qualified-agreement mutation.")
class QualifiedAgreementPayload:
    qualified_agreement: QualifiedAgreement | None
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of recordPayout.")
class CommissionPayload:
    commission: Commission | None
    user_errors: list[ReferralUserError]


@strawberry.type(description="Result of generateCommissionStatement.")
class StatementPayload:
    document: Document | None
    user_errors: list[ReferralUserError]


_id = referral_input_id


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
    return await payments.record_client_payment(
        session,
        actor,
        qualified_agreement_id=_id(
            data.qualified_agreement_id, "QualifiedAgreement", "qualifiedAgreementId"
        ),
        received_on=data.received_on,
        amount=data.amount,
        reference=data.reference,
    )


async def _payout(session: AsyncSession, actor: Actor, data: RecordPayoutInput) -> CommissionRow:
    return await payouts.record_payout(
        session,
        actor,
        commission_id=_id(data.commission_id, "Commission", "commissionId"),
        paid_on=data.paid_on,
        set_off=data.set_off,
        set_off_reason=data.set_off_reason,
        reference=data.reference,
    )


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


async def _statement(
    session: AsyncSession, actor: Actor, store: BlobStore, data: GenerateCommissionStatementInput
) -> DocumentRow:
    return await statements.generate_commission_statement(
        session,
        actor,
        store,
        partner_id=_id(data.partner_id, "Partner", "partnerId")
        if data.partner_id is not None
        else None,
        program_id=_id(data.program_id, "Program", "programId"),
        year=data.year,
    )


def _qualified_payload(
    row: QualifiedRow | None, errors: list[FieldError]
) -> QualifiedAgreementPayload:
    return QualifiedAgreementPayload(
        qualified_agreement=QualifiedAgreement.from_row(row) if row else None,
        user_errors=referral_errors(errors),
    )


@strawberry.type
class CommissionMutations:
    @strawberry.mutation(description="Record the client's signed agreement (CS-REF-11).")
    async def record_qualified_agreement(
        self, info: Info, input: RecordQualifiedAgreementInput
    ) -> QualifiedAgreementPayload:
        row, errors = await attempt(info, _qualify, input)
        return _qualified_payload(row, errors)

    @strawberry.mutation(
        description="Add revenue lines; the partner's commissions are recomputed from the "
        "year of signing on (paid ones stay as paid and get adjustment lines)."
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
            commission=Commission.from_row(row) if row else None,
            user_errors=referral_errors(errors),
        )

    @strawberry.mutation(description="Put a partner's tax documentation on file (admin keys).")
    async def record_tax_documentation(
        self, info: Info, input: RecordTaxDocumentationInput
    ) -> CountPayload:
        count, errors = await attempt(info, _tax, input)
        return CountPayload(count=count or 0, user_errors=referral_errors(errors))


@strawberry.type
class StatementMutations:
    @strawberry.mutation(
        description="Generate a partner's commission statement (DOCX) for a "
        "year (calendar or program year, as the program's brackets accumulate), listing every "
        "commission line by line."
    )
    async def generate_commission_statement(
        self, info: Info, input: GenerateCommissionStatementInput
    ) -> StatementPayload:
        row, errors = await attempt(info, _statement, info.context.store, input)
        return StatementPayload(
            document=Document.from_row(row) if row else None, user_errors=referral_errors(errors)
        )
