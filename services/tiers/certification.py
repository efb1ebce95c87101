"""Use case: a membership's certification as of a date (CS-AGR-04), from the requirements of
the tier it holds that day, evaluated over the stored evidence and agreements."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import Program
from models.partners.records import AnyMembership
from rules.certification import Certification, certification
from rules.enums import MembershipStatus
from services.agreements.membership_state import membership_status_on
from services.tiers.evaluation import evaluate_membership

# Evidence counts as held on the day; influenced revenue, where a tier requires it, over the
# trailing window ending on the day (the mid-year window, SEG-TIER-05).
MODE = "midyear"


async def certification_on(
    session: AsyncSession, membership: AnyMembership, program: Program, on: date
) -> Certification:
    """Whether the membership is certified at the end of `on`, and what it lacks."""
    status = await membership_status_on(session, program, membership, on)
    evaluation = await evaluate_membership(session, membership, program, on, MODE)
    return certification(evaluation, on, status is MembershipStatus.ACTIVE)
