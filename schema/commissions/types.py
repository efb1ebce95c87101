"""Qualified agreements, revenue, client payments and commissions explained line by line,
with their payouts.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Awaitable
from decimal import Decimal

import strawberry

from models import ClientPayment as ClientPaymentRow
from models import Payout as PayoutRow
from models import QualifiedAgreement as QualifiedRow
from models import RevenueLine as RevenueRow
from models.commissions.records import AnyCommission
from rules.ncr import RevenueItem, net_commissionable_revenue
from schema.common import Money, Node, present, program_today_of
from schema.context import Info
from schema.ids import encode_id
from services.commissions.ledger import blocked_reason, commission_status
from services.referrals.policy import ncr_citations, policy_of


@strawberry.enum(description="Where a commission stands.")
class CommissionStatus(enum.Enum):
    PENDING = "pending"
    PAYABLE = "payable"
    PAID = "paid"


@strawberry.type(
    description="One explained slice of a commission: which part of the year's "
    "cumulative NCR, at which rate, under which rule and schedule version."
)
class CommissionLine:
    slice_from: Decimal
    slice_to: Decimal
    base: Money = strawberry.field(description="The NCR in this slice.")
    rate: Decimal
    amount: Money
    rule_id: str
    schedule_version: str
    reason: str

    @classmethod
    def of(cls, line: dict[str, str], currency: str) -> CommissionLine:
        """A stored line as shown."""
        return cls(
            slice_from=Decimal(line["slice_from"]),
            slice_to=Decimal(line["slice_to"]),
            base=Money.of(Decimal(line["base"]), currency),
            rate=Decimal(line["rate"]),
            amount=Money.of(Decimal(line["amount"]), currency),
            rule_id=line["rule_id"],
            schedule_version=line["schedule_version"],
            reason=line["reason"],
        )


@strawberry.type(description="A payment of a commission (CS-REF-14, CS-AGR-11).")
class Payout:
    paid_on: dt.date
    gross: Money
    withholding: Money
    withholding_rate: Decimal
    set_off: Money
    set_off_reason: str | None
    adjustments: Money = strawberry.field(
        description="Adjustments of earlier paid commissions settled with this payout."
    )
    net: Money
    reference: str

    @classmethod
    def from_row(cls, row: PayoutRow) -> Payout:
        def money(value: Decimal) -> Money:
            return Money.of(Decimal(value), row.currency)

        return cls(
            paid_on=row.paid_on,
            gross=money(row.gross),
            withholding=money(row.withholding),
            withholding_rate=Decimal(row.withholding_rate),
            set_off=money(row.set_off),
            set_off_reason=row.set_off_reason,
            adjustments=money(row.adjustments),
            net=money(row.net),
            reference=row.reference,
        )


@strawberry.type(description="The commission on a qualified agreement, explained line by line.")
class Commission(Node):
    row: strawberry.Private[AnyCommission]
    year: int = strawberry.field(
        description="The year the NCR accumulates in: the calendar year of signing, or its "
        "program year (named by the calendar year it starts in) when the program's brackets "
        "accumulate per program year."
    )
    schedule_version: str = strawberry.field(description="Version in force when earned.")

    @classmethod
    def from_row(cls, row: AnyCommission) -> Commission:
        return cls(
            id=strawberry.ID(encode_id("Commission", row.id)),
            row=row,
            year=row.year,
            schedule_version=row.schedule_version,
        )

    @strawberry.field(description="The commission.")
    def amount(self) -> Money:
        return Money.of(Decimal(self.row.amount), self.row.currency)

    @strawberry.field(description="Net commissionable revenue it is computed on.")
    def ncr(self) -> Money:
        return Money.of(Decimal(self.row.ncr), self.row.currency)

    @strawberry.field(description="Explanation lines; their amounts add up to `amount`.")
    def lines(self) -> list[CommissionLine]:
        return [CommissionLine.of(line, self.row.currency) for line in self.row.lines]

    @strawberry.field(
        description="PENDING until the client has paid in full (CS-REF-07), "
        "then PAYABLE, then PAID.",
        graphql_type=CommissionStatus,
    )
    def status(self, info: Info) -> CommissionStatus | Awaitable[CommissionStatus]:
        today = info.context.loaders.loaded_today(self.row.program_id)
        if today is None:
            return self._status_later(info)
        return CommissionStatus(commission_status(self.row, today))

    async def _status_later(self, info: Info) -> CommissionStatus:
        return CommissionStatus(
            commission_status(self.row, await program_today_of(info, self.row.program_id))
        )

    @strawberry.field(description="Day the client's payment was received in full.")
    def payable_on(self) -> dt.date | None:
        return self.row.payable_on

    @strawberry.field(
        description="Payment due date: the program's payment period (Contentsquare: 30 days) "
        "after full payment (CS-REF-14)."
    )
    def due_date(self) -> dt.date | None:
        return self.row.due_on

    @strawberry.field
    def paid_on(self) -> dt.date | None:
        return self.row.paid_on

    @strawberry.field(description="Why it cannot be paid today, if it cannot (CS-REF-07/08).")
    async def blocked_reason(self, info: Info) -> str | None:
        today = await program_today_of(info, self.row.program_id)
        documents = await info.context.loaders.tax_documents_of_partner.load(self.row.partner_id)
        program = present(await info.context.loaders.program.load(self.row.program_id))
        policy = policy_of(program)
        required = policy is None or policy.tax_documentation_required
        on_file = any(d.received_on <= today for d in documents) or not required
        return blocked_reason(self.row, today, on_file, policy)

    @strawberry.field(description="The payout, once paid.")
    async def payout(self, info: Info) -> Payout | None:
        row = await info.context.loaders.payout_of_commission.load(self.row.id)
        return None if row is None else Payout.from_row(row)


@strawberry.type(
    description="A revenue line of a qualified agreement. A correction or void is a new line "
    "that supersedes an earlier one from `effectiveOn`; superseded lines stay on record."
)
class RevenueLine:
    id: strawberry.ID = strawberry.field(
        description="Give it to correctRevenueLine/voidRevenueLine."
    )
    kind: str
    amount: Money
    occurred_on: dt.date
    description: str
    voided: bool = strawberry.field(description="This line voids the line it supersedes.")
    effective_on: dt.date = strawberry.field(
        description="The fact's own date: `occurredOn`, or the day a correction or void "
        "takes effect."
    )
    supersedes_id: strawberry.ID | None = strawberry.field(
        description="The line this one corrects or voids."
    )

    @classmethod
    def from_row(cls, row: RevenueRow) -> RevenueLine:
        return cls(
            id=strawberry.ID(encode_id("RevenueLine", row.id)),
            kind=row.kind,
            amount=Money.of(Decimal(row.amount), row.currency),
            occurred_on=row.occurred_on,
            description=row.description,
            voided=row.voided,
            effective_on=row.effective_on or row.occurred_on,
            supersedes_id=(
                strawberry.ID(encode_id("RevenueLine", row.supersedes_id))
                if row.supersedes_id
                else None
            ),
        )


@strawberry.type(description="How one revenue line counts towards NCR (CS-REF-12/13).")
class NcrLine:
    kind: str
    occurred_on: dt.date
    amount: Money
    counted: Money
    reason: str


@strawberry.type(description="Money received from the client.")
class ClientPayment:
    received_on: dt.date
    amount: Money
    reference: str

    @classmethod
    def from_row(cls, row: ClientPaymentRow) -> ClientPayment:
        return cls(
            received_on=row.received_on,
            amount=Money.of(Decimal(row.amount), row.currency),
            reference=row.reference,
        )


@strawberry.type(description="The client's signed agreement a referral led to (CS-REF-11).")
class QualifiedAgreement(Node):
    row: strawberry.Private[QualifiedRow]
    signed_on: dt.date
    products: list[str]
    through_reseller: bool = strawberry.field(description="No commission (CS-REF-06).")
    paid_under_other_program: bool = strawberry.field(description="No commission (CS-REF-05).")
    order_reference: str

    @classmethod
    def from_row(cls, row: QualifiedRow) -> QualifiedAgreement:
        return cls(
            id=strawberry.ID(encode_id("QualifiedAgreement", row.id)),
            row=row,
            signed_on=row.signed_on,
            products=list(row.products),
            through_reseller=row.through_reseller,
            paid_under_other_program=row.paid_under_other_program,
            order_reference=row.order_reference,
        )

    @strawberry.field(description="Revenue lines, by date.")
    async def revenue(self, info: Info) -> list[RevenueLine]:
        rows = await info.context.loaders.revenue_of_qualified.load(self.row.id)
        return [RevenueLine.from_row(r) for r in rows]

    @strawberry.field(description="Client payments, by date.")
    async def payments(self, info: Info) -> list[ClientPayment]:
        rows = await info.context.loaders.payments_of_qualified.load(self.row.id)
        return [ClientPayment.from_row(r) for r in rows]

    @strawberry.field(description="How each revenue line counts towards NCR.")
    async def ncr_lines(self, info: Info) -> list[NcrLine]:
        referral = present(await info.context.loaders.referral.load(self.row.referral_id))
        program = present(await info.context.loaders.program.load(referral.program_id))
        policy = present(policy_of(program))
        rows = await info.context.loaders.revenue_of_qualified.load(self.row.id)
        superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
        _, lines = net_commissionable_revenue(
            [
                RevenueItem(r.kind, Decimal(r.amount), r.occurred_on)
                for r in rows
                if r.id not in superseded and not r.voided
            ],
            self.row.signed_on,
            policy.commissionable_months,
            policy.deductions,
            policy.exclusions,
            policy.taxes,
            ncr_citations(policy),
        )
        return [
            NcrLine(
                kind=line.kind,
                occurred_on=line.occurred_on,
                amount=Money.of(line.amount, policy.currency),
                counted=Money.of(line.counted, policy.currency),
                reason=line.reason,
            )
            for line in lines
        ]

    @strawberry.field(description="The commission, explained.")
    async def commission(self, info: Info) -> Commission | None:
        row = await info.context.loaders.commission_of_qualified.load(self.row.id)
        return None if row is None else Commission.from_row(row)
