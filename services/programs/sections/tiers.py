"""Program file sections of the tiers domain: tiers, benefits, requirements, evaluation, usage
caps, marketing funds and engagement plans (SEG-TIER-*, SEG-AGR-03, CS-AGR-05).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from rules.enums import Measure, RequirementKind
from services.programs.sections.citing import Citing
from services.programs.sections.fields import (
    Days,
    Key,
    Money,
    Months,
    RuleId,
    Strict,
    check_currency,
)


class TierDef(Strict):
    """One tier; the file's order is the tiers' order, lowest first (SEG-TIER-01)."""

    key: Key
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    invite_only: bool = False


class BenefitDef(Strict):
    """A benefit and the tiers that get it (SEG-TIER-03)."""

    key: Key
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    tiers: list[Key] = Field(min_length=1)
    invite_only_tiers: list[Key] = []
    requires_active_agreement: bool = False
    requires_certification: bool = Field(
        default=False,
        description="given only while the partner is certified (CS-AGR-04: the certification mark)",
    )
    rule_ids: list[RuleId] = []

    @model_validator(mode="after")
    def _invites_within_tiers(self) -> BenefitDef:
        extra = set(self.invite_only_tiers) - set(self.tiers)
        if extra:
            raise ValueError(f"invite_only_tiers {sorted(extra)} are not in tiers")
        return self


class RequirementDef(Strict):
    """A requirement and its threshold per tier: a count, an amount, or `true` for a flag."""

    key: Key
    kind: RequirementKind
    description: str = ""
    currency: str | None = None
    tiers: dict[Key, bool | int | Decimal] = Field(min_length=1)
    invited_only_tiers: list[Key] = []
    rule_ids: list[RuleId] = []

    @model_validator(mode="after")
    def _thresholds_fit_kind(self) -> RequirementDef:
        measure = self.kind.measure
        for tier, value in self.tiers.items():
            if measure is Measure.FLAG and value is not True:
                raise ValueError(f"tiers.{tier}: a {self.kind.value} requirement takes `true`")
            if measure is Measure.COUNT and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError(f"tiers.{tier}: a {self.kind.value} requirement takes a count")
            if measure is Measure.MONEY and (isinstance(value, bool) or value < 0):
                raise ValueError(f"tiers.{tier}: a {self.kind.value} requirement takes an amount")
        if measure is Measure.MONEY:
            if self.currency is None:
                raise ValueError(f"a {self.kind.value} requirement needs a currency")
            check_currency(self.currency)
        elif self.currency is not None:
            raise ValueError(f"a {self.kind.value} requirement takes no currency")
        extra = set(self.invited_only_tiers) - set(self.tiers)
        if extra:
            raise ValueError(f"invited_only_tiers {sorted(extra)} are not in tiers")
        return self


class TierEvaluation(Citing):
    """How tiers are evaluated (SEG-TIER-02, SEG-TIER-05, SEG-TIER-06, SEG-TIER-07)."""

    annual_window: Literal["prior_calendar_year", "prior_program_year"] = "prior_calendar_year"
    midyear_window_days: Days = 365
    exclude_professional_services: bool = True
    requires_current_tier_requirements: bool = True
    review_tier: Key | None = None
    review_every_months: Months | None = None

    @model_validator(mode="after")
    def _periods_tile_the_year(self) -> TierEvaluation:
        if self.review_every_months is not None and self.review_every_months not in (
            1,
            2,
            3,
            4,
            6,
            12,
        ):
            raise ValueError("review_every_months divides the year: 1, 2, 3, 4, 6 or 12")
        return self


class UsageCaps(Strict):
    """Non-production usage caps per calendar month (SEG-AGR-03)."""

    period: Literal["calendar_month"] = "calendar_month"
    monthly_tracked_users: int = Field(ge=0)
    api_calls: int = Field(ge=0)
    rule_ids: list[RuleId] = []


class MarketingFunds(Strict):
    """MDF: the benefit that gates requests and the budget per program year (SEG-TIER-08)."""

    benefit: Key
    budget_per_program_year: Money
    rule_ids: list[RuleId] = []


class EngagementPlan(Strict):
    """A plan due after the Effective Date when the program asks for one (CS-AGR-05)."""

    due_days_after_effective_date: Days
    review_every_months: Months
    rule_ids: list[RuleId] = []
