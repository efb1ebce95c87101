"""Use case: record the revenue of a qualified agreement, all lines or none (CS-REF-12/13)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from models import QualifiedAgreement, RevenueLine
from rules.ncr import known_kinds
from services.actor import Actor
from services.audit.log import record
from services.commissions.amounts import checked_amount
from services.commissions.facts import lock_ledger
from services.commissions.ledger import recompute
from services.commissions.qualified_agreements import load_qualified
from services.errors import ReferralErrorCode, input_error, limited
from services.fact_dates import (
    Earlier,
    FactDate,
    check_not_future,
    check_order,
    program_today,
)
from services.referrals.access import require_admin
from services.referrals.policy import ReferralPolicy, referral_policy

Code = ReferralErrorCode


@dataclass(frozen=True)
class RevenueInput:
    """A revenue line as given."""

    kind: str
    amount: Decimal | str
    occurred_on: date
    description: str = ""


def checked_line(
    line: RevenueInput,
    field: str,
    policy: ReferralPolicy,
    qualified: QualifiedAgreement,
    today: date,
) -> tuple[str, Decimal]:
    """A revenue line's kind and amount, checked, or a coded error naming the field."""
    kinds = known_kinds(policy.deductions, policy.exclusions, policy.taxes)
    if line.kind not in kinds:
        raise input_error(
            f"{field}.kind",
            Code.UNKNOWN_REVENUE_KIND,
            f"kind is one of {', '.join(sorted(kinds))}",
        )
    amount = checked_amount(line.amount, f"{field}.amount")
    check_not_future(line.occurred_on, today, f"{field}.occurredOn", Code)
    check_order(
        line.occurred_on,
        f"{field}.occurredOn",
        Code,
        Earlier("the client's signing", qualified.signed_on),
    )
    return line.kind, amount


async def record_revenue(
    session: AsyncSession,
    actor: Actor,
    *,
    qualified_agreement_id: uuid.UUID,
    lines: list[RevenueInput],
) -> QualifiedAgreement:
    """Add revenue lines (all or none) and recompute the partner's commissions from the year
    of signing on; a paid commission gets adjustment lines instead of changing."""
    require_admin(actor, "record revenue", "qualifiedAgreementId")
    qualified, referral, program = await load_qualified(session, actor, qualified_agreement_id)
    await lock_ledger(session, referral.partner_id, program.id)
    policy = referral_policy(program)
    if not lines:
        raise input_error("lines", Code.REQUIRED, "give at least one revenue line")
    today = program_today(program)
    for i, line in enumerate(lines):
        kind, amount = checked_line(line, f"lines.{i}", policy, qualified, today)
        session.add(
            RevenueLine(
                id=uuid.uuid4(),
                qualified_agreement_id=qualified.id,
                kind=kind,
                amount=amount,
                currency=policy.currency,
                occurred_on=line.occurred_on,
                description=limited(line.description, f"lines.{i}.description", 500, Code.TOO_LONG),
            )
        )
    await session.flush()
    await recompute(session, program, referral.partner_id)
    await record(
        session,
        actor,
        "recordRevenue",
        "QualifiedAgreement",
        qualified.id,
        {
            "lines": [None, len(lines)],
            "dated": [None, sorted({line.occurred_on.isoformat() for line in lines})],
        },
        # The earliest line's day: the event is a backfill when any line is (issue 11).
        dated=FactDate(min(line.occurred_on for line in lines), today),
    )
    return qualified
