"""GraphQL of the commission ledger on any date: a partner's commissions, the adjustments of
paid ones, and the balance (`commissionLedger(asOf:)`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

import strawberry

from rules import ledger
from schema.commissions.types import CommissionLine, CommissionStatus
from schema.common import Money
from schema.context import Info
from schema.ids import encode_id, expect_id
from services.commissions.facts import ledger_of
from services.commissions.ledger import line_json
from services.partners.memberships import program_today
from services.referrals.policy import policy_of


@strawberry.type(
    description="A change to a paid commission that later facts cause; it is carried to the "
    "partner's next payout and shown on the next statement."
)
class CommissionAdjustment:
    qualified_agreement_id: strawberry.ID
    amount: Money = strawberry.field(
        description="Positive: owed to the partner; negative: owed back."
    )
    cause: str = strawberry.field(
        description="The fact that caused it: a revenue line or qualified agreement ID, or "
        "`recomputation`."
    )
    reason: str


@strawberry.type(description="One commission as it stood on the ledger's date.")
class LedgerEntry:
    qualified_agreement_id: strawberry.ID
    year: int = strawberry.field(
        description="The year the NCR accumulates in (calendar or program year, as for "
        "Commission.year)."
    )
    schedule_version: str
    ncr: Money
    amount: Money = strawberry.field(
        description="As paid, once paid (a paid commission never changes)."
    )
    status: CommissionStatus
    rate_carried_in: Decimal | None = strawberry.field(
        description="The rate carried over into this year (CS-REF-16), if any."
    )
    payable_on: dt.date | None
    due_date: dt.date | None
    paid_on: dt.date | None
    lines: list[CommissionLine]
    adjustments: list[CommissionAdjustment] = strawberry.field(
        description="Every adjustment of this paid commission, settled or not."
    )


@strawberry.type(
    description="A partner's commissions in a program on a date, from the facts dated on or "
    "before it: facts recorded later but dated after `asOf` never change it."
)
class CommissionLedger:
    as_of: dt.date
    entries: list[LedgerEntry] = strawberry.field(
        description="In earning order: by signing day, then by recording."
    )
    open_adjustments: list[CommissionAdjustment] = strawberry.field(
        description="Adjustments not yet settled by a payout."
    )
    pending: Money = strawberry.field(description="Commissions waiting for the client's payment.")
    payable: Money = strawberry.field(description="Commissions payable and not yet paid.")
    paid: Money = strawberry.field(description="Commissions paid, as paid.")
    balance: Money = strawberry.field(
        description="What the program owes the partner: payable commissions and open adjustments."
    )


_CAUSES: dict[str, Callable[[str], str]] = {
    "recomputation": lambda _key: "recomputation",
    "revenue_line": lambda key: encode_id("RevenueLine", uuid.UUID(key)),
    "qualified_agreement": lambda key: encode_id("QualifiedAgreement", uuid.UUID(key)),
}


def _adjustment(item: ledger.Adjustment, currency: str) -> CommissionAdjustment:
    return CommissionAdjustment(
        qualified_agreement_id=strawberry.ID(
            encode_id("QualifiedAgreement", uuid.UUID(item.qualified))
        ),
        amount=Money.of(item.amount, currency),
        cause=_CAUSES[item.cause_kind](item.cause),
        reason=item.reason,
    )


def _entry(entry: ledger.Entry, currency: str) -> LedgerEntry:
    return LedgerEntry(
        qualified_agreement_id=strawberry.ID(
            encode_id("QualifiedAgreement", uuid.UUID(entry.qualified))
        ),
        year=entry.year,
        schedule_version=entry.schedule_version,
        ncr=Money.of(entry.ncr, currency),
        amount=Money.of(entry.amount, currency),
        status=CommissionStatus(entry.status),
        rate_carried_in=entry.carried_in,
        payable_on=entry.payable_on,
        due_date=entry.due_on,
        paid_on=entry.paid_on,
        lines=[CommissionLine.of(line_json(line, currency), currency) for line in entry.lines],
        adjustments=[_adjustment(a, currency) for a in entry.adjustments],
    )


@strawberry.type
class LedgerQueries:
    @strawberry.field(
        description="A partner's commission ledger in a program on a date (default: the "
        "program's today); null if the partner is not yours or the program takes no referrals."
    )
    async def commission_ledger(
        self,
        info: Info,
        partner: strawberry.ID,
        program: strawberry.ID,
        as_of: dt.date | None = None,
    ) -> CommissionLedger | None:
        partner_id = expect_id(partner, "Partner")
        if not info.context.actor.may_see_partner(partner_id):
            return None
        program_row = await info.context.loaders.program.load(expect_id(program, "Program"))
        policy = None if program_row is None else policy_of(program_row)
        if program_row is None or policy is None:
            return None
        on = as_of or program_today(program_row)
        state = await info.context.loaders.read(lambda s: ledger_of(s, program_row, partner_id, on))
        currency = policy.currency
        entries = list(state.entries.values())  # in earning order: signing day, then recording
        return CommissionLedger(
            as_of=on,
            entries=[_entry(e, currency) for e in entries],
            open_adjustments=[_adjustment(a, currency) for a in state.outstanding],
            pending=Money.of(state.total("pending"), currency),
            payable=Money.of(state.total("payable"), currency),
            paid=Money.of(state.total("paid"), currency),
            balance=Money.of(state.balance, currency),
        )
