"""First-submitter primacy over imported and recorded referrals (CS-REF-04): the rule of
`rules/primacy.py`, fed with the referrals sharing a client key, recorded or imported before.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Referral, ReferralKey
from models.referrals.queries import referrals_of_client
from rules.primacy import ClientReferral, PrimacyPolicy, holders_on
from rules.referral_state import ReferralFacts
from services.imports.plan import Plan
from services.referrals.policy import ReferralPolicy

CHUNK = 1000
FACTS = (
    "submitted_on",
    "decision_deadline",
    "meeting_deadline",
    "approved_on",
    "rejected_on",
    "meeting_on",
    "not_viable_on",
    "qualified_on",
    "closed_on",
)
CANDIDATES = "referral_candidates"


def client_referral(values: dict[str, Any]) -> ClientReferral:
    """What the primacy rule reads of a referral's column values."""
    return ClientReferral(
        id=values["id"],
        submitted_at=values["submitted_at"],
        facts=ReferralFacts(**{k: values[k] for k in FACTS}),
        undecided_outcome=values["undecided_outcome"],
        closed_no_sale=values["close_reason"] == "no_sale",
    )


def primacy_policy(policy: ReferralPolicy) -> PrimacyPolicy:
    """The program's conflict window and no-sale exception."""
    return PrimacyPolicy(
        policy.conflict_window_months, policy.conflict_exception_after_closed_no_sale
    )


def values_of(referral: Referral) -> dict[str, Any]:
    """A recorded referral's column values."""
    return {c.name: getattr(referral, c.key) for c in Referral.__table__.columns}


async def recorded_by_key(
    session: AsyncSession, program_id: uuid.UUID, keys: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """The recorded referrals of the program sharing each client key."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    seen: dict[uuid.UUID, dict[str, Any]] = {}
    for i in range(0, len(keys), CHUNK):
        rows = await session.execute(
            select(ReferralKey.client_key, Referral)
            .join(Referral, Referral.id == ReferralKey.referral_id)
            .where(
                ReferralKey.program_id == program_id,
                ReferralKey.client_key.in_(keys[i : i + CHUNK]),
            )
        )
        for key, referral in rows:
            values = seen.setdefault(referral.id, values_of(referral))
            by_key.setdefault(key, []).append(values)
    return by_key


def decide(
    plan: Plan,
    policy: ReferralPolicy,
    values: dict[str, Any],
    candidates: list[dict[str, Any]],
) -> uuid.UUID | None:
    """The referral holding the client against an imported one on its submission day (None:
    it is primary); the candidates are kept for the checks of its qualified agreement."""
    plan.objects.setdefault(CANDIDATES, {})[values["id"]] = candidates
    holders = holders_on(
        [client_referral(r) for r in [*candidates, values]],
        values["submitted_on"],
        primacy_policy(policy),
    )
    return holders.get(values["id"])


async def primary_on(
    session: AsyncSession,
    plan: Plan,
    policy: ReferralPolicy,
    referral: dict[str, Any],
    day: date,
) -> bool:
    """Whether a referral (imported now or recorded) holds its client at the end of `day`."""
    if day < referral["submitted_on"]:
        return False
    candidates = plan.objects.get(CANDIDATES, {}).get(referral["id"])
    if candidates is None:
        rows = await referrals_of_client(session, plan.program.id, referral["client_keys"])
        candidates = [values_of(r) for r in rows if r.id != referral["id"]]
    holders = holders_on(
        [client_referral(r) for r in [*candidates, referral]], day, primacy_policy(policy)
    )
    return holders.get(referral["id"]) is None
