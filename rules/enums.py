"""Domain vocabularies shared by rules, persistence and the API."""

from __future__ import annotations

import enum


class MembershipStatus(enum.StrEnum):
    """Where a partner stands in one program."""

    APPLICANT = "applicant"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"
    TERMINATED = "terminated"


ENDED_STATUSES = frozenset({MembershipStatus.DEACTIVATED, MembershipStatus.TERMINATED})


class ApiKeyRole(enum.StrEnum):
    """What an API key may do: everything, or one partner's own data."""

    ADMIN = "admin"
    PARTNER = "partner"


class Measure(enum.StrEnum):
    """How a requirement's threshold is read."""

    COUNT = "count"
    MONEY = "money"
    FLAG = "flag"


class RequirementKind(enum.StrEnum):
    """What a tier requirement measures (SEG-TIER-04, CS-AGR-03)."""

    AGREEMENT_ACCEPTED = "agreement_accepted"
    SUCCESS_STORIES = "success_stories"
    INFLUENCED_REVENUE = "influenced_revenue"
    JOINT_GTM_PLAN = "joint_gtm_plan"
    ACCOUNT_MAPPING = "account_mapping"
    JOINT_SOLUTION_LAUNCHED = "joint_solution_launched"
    TRAININGS_COMPLETED = "trainings_completed"
    CERTIFICATIONS = "certifications"

    @property
    def measure(self) -> Measure:
        """How the threshold is read: a count, an amount of money, or a yes/no flag."""
        if self is RequirementKind.INFLUENCED_REVENUE:
            return Measure.MONEY
        if self in (
            RequirementKind.SUCCESS_STORIES,
            RequirementKind.TRAININGS_COMPLETED,
            RequirementKind.CERTIFICATIONS,
        ):
            return Measure.COUNT
        return Measure.FLAG
