"""The shape of a program definition file (`programs/*.toml`), validated with pydantic.

The root of the file and its program-wide sections live here; the sections each domain reads
live in `services.programs.sections`. Every figure a rule needs lives here as data (see
docs/program-files.md). Unknown keys are errors, never silently dropped.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

import pycountry
from pydantic import Field, field_validator, model_validator

from rules.citations import cite
from rules.enums import MembershipStatus
from rules.program_year import CALENDAR_YEAR, ProgramYear
from services.programs.sections.agreements import AgreementDef
from services.programs.sections.citing import Citing
from services.programs.sections.fields import (
    Key,
    RuleId,
    Strict,
    Weekday,
    check_currency,
    check_timezone,
)
from services.programs.sections.operator import Operator, check_locale
from services.programs.sections.referrals import (
    CommissionSchedule,
    ReferralFees,
    ReferralRules,
)
from services.programs.sections.support import SupportPolicy
from services.programs.sections.tiers import (
    BenefitDef,
    EngagementPlan,
    MarketingFunds,
    RequirementDef,
    TierDef,
    TierEvaluation,
    UsageCaps,
)

MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


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


class ProgramYearDef(Strict):
    """When the program year starts, as MM-DD; `01-01` (the default) is the calendar year.

    A program year is named by the calendar year it starts in (rules/program_year.py). Tier
    evaluation windows, MDF budgets, review periods and commission schedules that accumulate
    per program year read it (issue 12)."""

    starts_on: str = Field(default="01-01", description="MM-DD, a day of every year")
    rule_ids: list[RuleId] = []

    @field_validator("starts_on")
    @classmethod
    def _day_of_every_year(cls, value: str) -> str:
        ProgramYear.parse(value)
        return value

    @property
    def years(self) -> ProgramYear:
        """The program's years as the pure rules read them."""
        return ProgramYear.parse(self.starts_on)


class MembershipRules(Citing):
    """How partners join: the status a new membership starts in and the capacities offered."""

    entry_status: MembershipStatus = MembershipStatus.APPLICANT
    capacities: list[Key] = Field(
        min_length=1,
        description="the capacities (roles) partners act in, program data (CS-AGR-02; issue 12)",
    )
    level_label: str = "tier"


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
    program_year: ProgramYearDef = ProgramYearDef()
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

    _currency = field_validator("currency")(check_currency)
    _tz = field_validator("timezone")(check_timezone)
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
            entry_rules = cite(self.membership.cites.get("entry_tier", []))
            raise ValueError(
                "tiers[0]: the entry tier cannot be invite-only"
                + (f" ({entry_rules})" if entry_rules else "")
            )
        kinds = {a.kind for a in self.agreements}
        _unique("membership.capacities", self.membership.capacities)
        capacities = set(self.membership.capacities)
        for i, agreement in enumerate(self.agreements):
            if agreement.supplements is not None and agreement.supplements not in kinds - {
                agreement.kind
            }:
                raise ValueError(f"agreements[{i}].supplements names no other agreement kind")
            if agreement.capacity is not None and agreement.capacity not in capacities:
                raise ValueError(f"agreements[{i}].capacity is not in membership.capacities")
        for name, section in (("referrals", self.referrals), ("referral_fees", self.referral_fees)):
            if section is not None and section.requires_agreement not in kinds:
                raise ValueError(f"{name}.requires_agreement names no agreement kind")
        if self.referrals is not None and not self.commission_schedules:
            raise ValueError("referrals need at least one commission schedule")
        accumulations = {s.accumulation for s in self.commission_schedules}
        if len(accumulations) > 1:
            raise ValueError(
                "commission_schedules: every version must accumulate over the same period "
                f"(found {sorted(accumulations)})"
            )
        if self.referrals is not None:
            minimum = timedelta(days=self.referrals.schedule_change_min_notice_days)
            for i, item in enumerate(self.commission_schedules):
                if item.notice_given_on and item.effective_from < item.notice_given_on + minimum:
                    notice_rules = cite(
                        self.referrals.cites.get("schedule_change_min_notice_days", [])
                    )
                    raise ValueError(
                        f"commission_schedules[{i}]: takes effect less than "
                        f"{minimum.days} days after its notice"
                        + (f" ({notice_rules})" if notice_rules else "")
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

    @property
    def evaluation_year(self) -> ProgramYear:
        """The years the annual tier evaluation window is taken from (SEG-TIER-05)."""
        if self.tier_evaluation.annual_window == "prior_program_year":
            return self.program_year.years
        return CALENDAR_YEAR

    @property
    def accumulation_year(self) -> ProgramYear:
        """The years commission brackets accumulate over (CS-REF-15/16): the calendar year,
        or the program year when the schedules say `program_year_cumulative`."""
        for schedule in self.commission_schedules:
            if schedule.accumulation == "program_year_cumulative":
                return self.program_year.years
        return CALENDAR_YEAR


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
