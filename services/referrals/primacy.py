"""First-submitter primacy of a referral as of a date, from the recorded facts of every
referral of its client (CS-REF-04; the rule is rules/primacy.py).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import Program
from models.referrals.queries import referrals_of_client
from models.referrals.records import AnyReferral
from rules.primacy import ClientReferral, PrimacyPolicy, holders_on
from services.referrals.policy import policy_of
from services.referrals.state import facts_of


def client_referral(row: AnyReferral) -> ClientReferral:
    """What the primacy rule reads of a stored referral."""
    return ClientReferral(
        id=row.id,
        submitted_at=row.submitted_at,
        facts=facts_of(row),
        undecided_outcome=row.undecided_outcome,
        closed_no_sale=row.close_reason == "no_sale",
    )


def primacy_policy(program: Program) -> PrimacyPolicy:
    """The program's conflict window and no-sale exception (none without referral rules)."""
    policy = policy_of(program)
    if policy is None:
        return PrimacyPolicy(None)
    return PrimacyPolicy(
        policy.conflict_window_months, policy.conflict_exception_after_closed_no_sale
    )


async def conflicts_on(
    session: AsyncSession, program: Program, referral: AnyReferral, on: date
) -> uuid.UUID | None:
    """The referral that holds `referral`'s client against it at the end of `on`, or None
    when `referral` is primary then (a referral not yet submitted on `on` is never primary:
    the caller asks only from its submission day)."""
    rows: list[AnyReferral] = list(
        await referrals_of_client(session, program.id, referral.client_keys)
    )
    if all(r.id != referral.id for r in rows):
        rows.append(referral)
    holders = holders_on([client_referral(r) for r in rows], on, primacy_policy(program))
    return holders.get(referral.id)


async def is_primary_on(
    session: AsyncSession, program: Program, referral: AnyReferral, on: date
) -> bool:
    """Whether `referral` holds its client at the end of `on` (CS-REF-04)."""
    if on < referral.submitted_on:
        return False
    return await conflicts_on(session, program, referral, on) is None
