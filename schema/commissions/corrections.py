"""Mutations of ledger facts: correct or void a revenue line, record a partner's payment to
the operator (the CS-AGR-08 cap basis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import QualifiedAgreement as QualifiedRow
from models import RevenueLine as RevenueRow
from schema.commissions.mutations import RevenueLineInput
from schema.commissions.types import QualifiedAgreement
from schema.context import Info
from schema.payloads import attempt
from schema.referrals.mutations import CountPayload, ReferralUserError, referral_errors
from schema.referrals.mutations import referral_input_id as _id
from services.actor import Actor
from services.commissions import corrections, liability
from services.commissions.revenue import RevenueInput
from services.errors import FieldError


@strawberry.input(
    description="Correct a revenue line: a new line supersedes it from `effectiveOn` "
    "(default: the program's today); the old line stays on record."
)
class CorrectRevenueLineInput:
    revenue_line_id: strawberry.ID
    correction: RevenueLineInput
    reason: str
    effective_on: dt.date | None = None


@strawberry.input(
    description="Void a revenue line from `effectiveOn` (default: the program's today); "
    "the line stays on record."
)
class VoidRevenueLineInput:
    revenue_line_id: strawberry.ID
    reason: str
    effective_on: dt.date | None = None


@strawberry.input(description="Money the partner paid the operator (CS-AGR-08 cap basis).")
class RecordPartnerPaymentInput:
    partner_id: strawberry.ID
    program_id: strawberry.ID
    paid_on: dt.date
    amount: Decimal
    reference: str = ""


@strawberry.type(description="Result of correctRevenueLine and voidRevenueLine.")
class RevenueCorrectionPayload:
    qualified_agreement: QualifiedAgreement | None
    user_errors: list[ReferralUserError]


async def _supersede(
    session: AsyncSession,
    actor: Actor,
    line_id: strawberry.ID,
    correction: RevenueLineInput | None,
    effective_on: dt.date | None,
    reason: str,
) -> QualifiedRow:
    row: RevenueRow = await corrections.supersede_revenue_line(
        session,
        actor,
        revenue_line_id=_id(line_id, "RevenueLine", "revenueLineId"),
        correction=(
            None
            if correction is None
            else RevenueInput(
                correction.kind,
                correction.amount,
                correction.occurred_on,
                correction.description,
            )
        ),
        effective_on=effective_on,
        reason=reason,
    )
    qualified = await session.get(QualifiedRow, row.qualified_agreement_id)
    assert qualified is not None
    return qualified


async def _partner_payment(
    session: AsyncSession, actor: Actor, data: RecordPartnerPaymentInput
) -> int:
    await liability.record_partner_payment(
        session,
        actor,
        partner_id=_id(data.partner_id, "Partner", "partnerId"),
        program_id=_id(data.program_id, "Program", "programId"),
        paid_on=data.paid_on,
        amount=data.amount,
        reference=data.reference,
    )
    return 1


def _payload(row: QualifiedRow | None, errors: list[FieldError]) -> RevenueCorrectionPayload:
    return RevenueCorrectionPayload(
        qualified_agreement=QualifiedAgreement.from_row(row) if row else None,
        user_errors=referral_errors(errors),
    )


@strawberry.type
class LedgerMutations:
    @strawberry.mutation(
        description="Correct a revenue line (admin keys); commissions are recomputed and a "
        "paid one gets an adjustment line instead of changing."
    )
    async def correct_revenue_line(
        self, info: Info, input: CorrectRevenueLineInput
    ) -> RevenueCorrectionPayload:
        row, errors = await attempt(
            info,
            _supersede,
            input.revenue_line_id,
            input.correction,
            input.effective_on,
            input.reason,
        )
        return _payload(row, errors)

    @strawberry.mutation(
        description="Void a revenue line (admin keys); commissions are recomputed and a paid "
        "one gets an adjustment line instead of changing."
    )
    async def void_revenue_line(
        self, info: Info, input: VoidRevenueLineInput
    ) -> RevenueCorrectionPayload:
        row, errors = await attempt(
            info, _supersede, input.revenue_line_id, None, input.effective_on, input.reason
        )
        return _payload(row, errors)

    @strawberry.mutation(
        description="Record money the partner paid the operator (admin keys): the basis of "
        "the CS-AGR-08 liability cap."
    )
    async def record_partner_payment(
        self, info: Info, input: RecordPartnerPaymentInput
    ) -> CountPayload:
        count, errors = await attempt(info, _partner_payment, input)
        return CountPayload(count=count or 0, user_errors=referral_errors(errors))
