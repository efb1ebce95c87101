"""The shape of a program definition file (`programs/*.toml`), validated with pydantic.

Every figure a rule needs lives here as data (see docs/program-files.md). Unknown keys are
errors, never silently dropped.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rules.enums import Measure, MembershipStatus, PartnerCapacity, RequirementKind
from services.programs.operator import Operator, check_locale

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
Version = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
RuleId = Annotated[str, Field(pattern=r"^[A-Z]+(-[A-Z]+)?-\d{2}$")]
Days = Annotated[int, Field(ge=0, le=3660)]
Months = Annotated[int, Field(ge=0, le=120)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=8, decimal_places=6)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class Strict(BaseModel):
    """Base of every section: unknown keys are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {value!r}") from exc
    return value


def _check_currency(value: str) -> str:
    if pycountry.currencies.get(alpha_3=value) is None:
        raise ValueError(f"unknown ISO 4217 currency {value!r}")
    return value


class Money(Strict):
    """An amount with its ISO 4217 currency."""

    amount: Amount
    currency: str

    _currency = field_validator("currency")(_check_currency)


class Calendar(Strict):
    """Business days: weekends and holidays, taken in the program's time zone (CS-AGR-10)."""

    weekend: list[Weekday] = ["saturday", "sunday"]
    holiday_country: str
    holiday_subdivision: str | None = None
    extra_holidays: list[str] = Field(default=[], description="MM-DD, every year")
    rule_ids: list[RuleId] = []

    @field_validator("holiday_country")
    @classmethod
    def _country(cls, value: str) -> str:
        if pycountry.countries.get(alpha_2=value) is None:
            raise ValueError(f"unknown ISO 3166 country {value!r}")
        return value

    @field_validator("extra_holidays")
    @classmethod
    def _month_days(cls, value: list[str]) -> list[str]:
        for item in value:
            if not MONTH_DAY.match(item):
                raise ValueError(f"{item!r} is not a MM-DD date")
        return value


class MembershipRules(Strict):
    """How partners join: the status a new membership starts in and the capacities offered."""

    entry_status: MembershipStatus = MembershipStatus.APPLICANT
    capacities: list[PartnerCapacity]
    level_label: str = "tier"
    upgrade_requires_written_approval: bool = False
    rule_ids: list[RuleId] = []


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
            _check_currency(self.currency)
        elif self.currency is not None:
            raise ValueError(f"a {self.kind.value} requirement takes no currency")
        extra = set(self.invited_only_tiers) - set(self.tiers)
        if extra:
            raise ValueError(f"invited_only_tiers {sorted(extra)} are not in tiers")
        return self


class TierEvaluation(Strict):
    """How tiers are evaluated (SEG-TIER-02, SEG-TIER-05, SEG-TIER-06, SEG-TIER-07)."""

    program_year: Literal["calendar"] = "calendar"
    annual_window: Literal["prior_calendar_year"] = "prior_calendar_year"
    midyear_window_days: Days = 365
    exclude_professional_services: bool = True
    requires_current_tier_requirements: bool = True
    review_tier: Key | None = None
    review_every_months: Months | None = None
    rule_ids: list[RuleId] = []


class LiabilityCap(Strict):
    """The greater of a floor and an amount taken from the relationship (SEG-AGR-11, CS-AGR-08)."""

    floor: Money
    basis: Literal["commissions_paid_or_payable", "partner_payments_trailing_months"]
    basis_months: Months | None = None
    rule_ids: list[RuleId] = []

    @model_validator(mode="after")
    def _months_for_trailing(self) -> LiabilityCap:
        if (self.basis == "partner_payments_trailing_months") != (self.basis_months is not None):
            raise ValueError("basis_months is required with, and only with, a trailing basis")
        return self


class NoticeDelivery(Strict):
    """When a written notice counts as given, by delivery method (SEG-AGR-13)."""

    method: Key
    deemed_given_after_days: Days
    rule_ids: list[RuleId] = []


class AgreementDef(Strict):
    """An agreement kind of the program and its term, notice and termination figures."""

    kind: Key
    name: str = Field(min_length=1, max_length=200)
    role: Literal["membership", "capacity_schedule", "addendum"]
    capacity: PartnerCapacity | None = None
    acceptance_mode: Literal["click_accept", "apply_then_approve"]
    template: Key
    initial_term_months: Months | None = None
    renewal_term_months: Months | None = None
    non_renewal_notice_days: Days | None = None
    convenience_termination_notice_days: Days
    breach_cure_days: Days
    immediate_termination_causes: list[Key] = []
    confidential_information_return_days: Days | None = None
    governing_law: str
    venue: str
    liability_cap: LiabilityCap | None = None
    notice_delivery: list[NoticeDelivery] = []
    enables: list[Key] = Field(default=[], description="what an active acceptance unlocks")
    rule_ids: list[RuleId] = []

    @model_validator(mode="after")
    def _term_consistency(self) -> AgreementDef:
        if self.role == "capacity_schedule" and self.capacity is None:
            raise ValueError("a capacity_schedule agreement names its capacity")
        renewal = (self.renewal_term_months, self.non_renewal_notice_days)
        if self.initial_term_months is None and any(v is not None for v in renewal):
            raise ValueError("renewal figures need an initial_term_months")
        return self


class CommissionBracket(Strict):
    """A marginal slice: `rate` applies to cumulative revenue up to `up_to` (open if absent)."""

    up_to: Amount | None = None
    rate: Rate


class CommissionSchedule(Strict):
    """A versioned commission schedule (CS-REF-15, CS-REF-16, CS-REF-17)."""

    version: Version
    effective_from: date
    notice_given_on: date | None = None
    currency: str
    accumulation: Literal["calendar_year_cumulative"] = "calendar_year_cumulative"
    rate_carry_over: Literal["none", "reached_rate_holds_next_year_while_exceeded"]
    brackets: list[CommissionBracket] = Field(min_length=1)
    rule_ids: list[RuleId] = []

    _currency = field_validator("currency")(_check_currency)

    @model_validator(mode="after")
    def _brackets_ascend(self) -> CommissionSchedule:
        bounds = [b.up_to for b in self.brackets]
        if any(b is None for b in bounds[:-1]):
            raise ValueError("only the last bracket may be open-ended")
        finite = [b for b in bounds if b is not None]
        if finite != sorted(finite) or len(set(finite)) != len(finite):
            raise ValueError("bracket bounds must strictly ascend")
        return self


class ReferralRules(Strict):
    """The referral workflow's figures (CS-REF-01..18)."""

    requires_agreement: Key
    decision_window_business_days: Days
    undecided_outcome: Literal["deemed_rejected", "deemed_approved"]
    conflict_window_months: Months
    conflict_exception_after_closed_no_sale: bool = True
    meeting_deadline_days: Days
    qualification_months_after_submission: Months
    qualification_months_after_termination: Months
    qualification_tail_when_terminated_for_cause: bool = False
    commissionable_months_from_signing: Months
    payment_due_days_after_receipt: Days
    tax_documentation_required: bool = True
    schedule_change_min_notice_days: Days
    revenue_deductions: list[Key] = []
    revenue_exclusions: list[Key] = []
    rule_ids: list[RuleId] = []


class ReferralFees(Strict):
    """Referral fees outside a commission schedule (SEG-TIER-10, SEG-TIER-11, SEG-AGR-06)."""

    requires_agreement: Key
    qualifying_opportunities: list[Key] = Field(min_length=1)
    close_within_days: Days
    rate: Rate
    currency: str
    commissionable_months_from_signing: Months
    payment_due_days_after_receipt: Days
    tax_documentation_required: bool = True
    revenue_deductions: list[Key] = []
    revenue_exclusions: list[Key] = []
    rule_ids: list[RuleId] = []

    _currency = field_validator("currency")(_check_currency)


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

    on_request: bool = True
    due_days_after_effective_date: Days
    review_every_months: Months
    rule_ids: list[RuleId] = []


class SupportWindow(Strict):
    """A support-hours window a customer can pick (SUP-01)."""

    key: Key
    name: str
    timezone: str
    opens: time
    closes: time
    days: list[Weekday] = Field(min_length=1)

    _tz = field_validator("timezone")(_check_timezone)

    @model_validator(mode="after")
    def _opens_before_closes(self) -> SupportWindow:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


class SupportClassification(Strict):
    """An incident classification and its target response time (SUP-04)."""

    key: Key
    name: str
    description: str = ""
    target_response_hours: Annotated[Decimal, Field(gt=0, le=1000)]


class SupportPolicy(Strict):
    """Support commitments (SUP-01..06)."""

    clock: Literal["support_hours", "calendar"]
    windows: list[SupportWindow] = Field(min_length=1)
    classifications: list[SupportClassification] = Field(min_length=1)
    escalation_levels: list[Key] = Field(min_length=1)
    exclusion_reasons: list[Key] = Field(min_length=1)
    rule_ids: list[RuleId] = []


class DocumentedDefault(Strict):
    """A value the seed leaves open, shipped as a default and said so (a dotted key path)."""

    path: str
    reason: str = Field(min_length=1)


class ProgramDefinition(Strict):
    """A whole program definition file."""

    schema_version: Literal[1]
    slug: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,63}$")]
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    currency: str
    timezone: str
    locale: str = Field(default="en_US", description="babel locale of generated documents")
    operator: Operator
    sources: list[str] = []
    calendar: Calendar
    membership: MembershipRules
    tiers: list[TierDef] = Field(min_length=1)
    benefits: list[BenefitDef] = []
    requirements: list[RequirementDef] = []
    tier_evaluation: TierEvaluation = TierEvaluation()
    agreements: list[AgreementDef] = []
    referrals: ReferralRules | None = None
    commission_schedules: list[CommissionSchedule] = []
    referral_fees: ReferralFees | None = None
    usage_caps: UsageCaps | None = None
    marketing_funds: MarketingFunds | None = None
    engagement_plan: EngagementPlan | None = None
    support: SupportPolicy | None = None
    documented_defaults: list[DocumentedDefault] = []

    _currency = field_validator("currency")(_check_currency)
    _tz = field_validator("timezone")(_check_timezone)
    _locale = field_validator("locale")(check_locale)

    @model_validator(mode="after")
    def _cross_references(self) -> ProgramDefinition:
        tier_keys = [t.key for t in self.tiers]
        _unique("tiers", tier_keys)
        _unique("benefits", [b.key for b in self.benefits])
        _unique("requirements", [r.key for r in self.requirements])
        _unique("agreements", [a.kind for a in self.agreements])
        _unique("commission_schedules", [s.version for s in self.commission_schedules])
        known = set(tier_keys)
        for i, benefit in enumerate(self.benefits):
            _known_tiers(f"benefits[{i}].tiers", benefit.tiers, known)
        for i, req in enumerate(self.requirements):
            _known_tiers(f"requirements[{i}].tiers", list(req.tiers), known)
        if self.tiers[0].invite_only:
            raise ValueError("tiers[0]: the entry tier cannot be invite-only (SEG-TIER-01)")
        kinds = {a.kind for a in self.agreements}
        for name, section in (("referrals", self.referrals), ("referral_fees", self.referral_fees)):
            if section is not None and section.requires_agreement not in kinds:
                raise ValueError(f"{name}.requires_agreement names no agreement kind")
        if self.referrals is not None and not self.commission_schedules:
            raise ValueError("referrals need at least one commission schedule")
        if self.referrals is not None:
            minimum = timedelta(days=self.referrals.schedule_change_min_notice_days)
            for i, item in enumerate(self.commission_schedules):
                if item.notice_given_on and item.effective_from < item.notice_given_on + minimum:
                    raise ValueError(
                        f"commission_schedules[{i}]: takes effect less than "
                        f"{minimum.days} days after its notice (CS-REF-17)"
                    )
        benefit_keys = {b.key for b in self.benefits}
        if self.marketing_funds is not None and self.marketing_funds.benefit not in benefit_keys:
            raise ValueError("marketing_funds.benefit names no benefit")
        evaluation = self.tier_evaluation
        if evaluation.review_tier is not None and evaluation.review_tier not in known:
            raise ValueError("tier_evaluation.review_tier names no tier")
        data = self.model_dump(mode="python")
        for i, default in enumerate(self.documented_defaults):
            if not _path_exists(data, default.path):
                raise ValueError(f"documented_defaults[{i}].path {default.path!r} names no key")
        return self


def _unique(section: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{section}: {key!r} appears twice")
        seen.add(key)


def _known_tiers(where: str, keys: list[str], known: set[str]) -> None:
    unknown = sorted(set(keys) - known)
    if unknown:
        raise ValueError(f"{where}: unknown tier(s) {unknown}")


def _path_exists(data: Any, path: str) -> bool:
    """Whether a dotted path such as `support.classifications[1].target_response_hours` exists."""
    node = data
    for part in path.split("."):
        match = re.fullmatch(r"([a-z_]+)(?:\[(\d+)\])?", part)
        if match is None or not isinstance(node, dict) or match.group(1) not in node:
            return False
        node = node[match.group(1)]
        if match.group(2) is not None:
            index = int(match.group(2))
            if not isinstance(node, list) or index >= len(node):
                return False
            node = node[index]
    return True
