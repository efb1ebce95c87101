"""A program's referral and commission policy as the API shows it (issue 11), read from the
same policy the use cases apply (services/referrals/policy.py), so clients stop guessing it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from rules.business_days import WEEKDAYS
from rules.business_days import BusinessCalendar as CalendarRule
from schema.common import Money
from services.referrals.policy import ReferralPolicy as PolicyRule
from services.referrals.policy import ScheduleVersion


@strawberry.type(description="The program's business days (CS-AGR-10): weekends and holidays.")
class BusinessCalendar:
    rule: strawberry.Private[CalendarRule]
    country: str = strawberry.field(description="ISO country whose public holidays apply.")
    subdivision: str | None = strawberry.field(description="Subdivision, e.g. a state.")
    weekend: list[str] = strawberry.field(description="Weekday names that are not business days.")
    extra_holidays: list[str] = strawberry.field(
        description="Extra non-business days every year, as MM-DD."
    )

    @classmethod
    def of(cls, rule: CalendarRule) -> BusinessCalendar:
        return cls(
            rule=rule,
            country=rule.country,
            subdivision=rule.subdivision,
            weekend=[WEEKDAYS[d] for d in sorted(rule.weekend)],
            extra_holidays=[f"{m:02d}-{d:02d}" for m, d in sorted(rule.extra)],
        )

    @strawberry.field(description="Whether a date is a business day of the program.")
    def is_business_day(self, date: dt.date) -> bool:
        return self.rule.is_business_day(date)

    @strawberry.field(description="The `count`-th business day after `start` (start not counted).")
    def add_business_days(self, start: dt.date, count: int) -> dt.date:
        return self.rule.add_business_days(start, max(0, min(count, 3660)))


@strawberry.type(description="Referral windows of a program (CS-REF-*, SEG-TIER-11).")
class ReferralPolicy:
    requires_agreement: str = strawberry.field(description="Agreement kind referrals require.")
    decision_window_business_days: int | None = strawberry.field(
        description="Business days the program has to decide a submission (CS-REF-03)."
    )
    undecided_outcome: str = strawberry.field(
        description="What an undecided submission becomes when the window lapses."
    )
    conflict_window_months: int | None = strawberry.field(
        description="Months a first submitter's primacy lasts (CS-REF-04)."
    )
    conflict_exception_after_closed_no_sale: bool
    meeting_deadline_days: int | None = strawberry.field(
        description="Days after approval by which the first meeting must happen (CS-REF-05)."
    )
    qualification_months_after_submission: int | None
    qualification_days_after_submission: int | None = strawberry.field(
        description="Days after submission within which a referral-fee sale must close."
    )
    qualification_months_after_termination: int = strawberry.field(
        description="Post-termination tail in months (CS-REF-11)."
    )
    qualification_tail_when_terminated_for_cause: bool
    qualifying_opportunities: list[str] | None = strawberry.field(
        description="The opportunity kinds referrals may be of (SEG-TIER-11); null: the program "
        "lists none and referrals carry no kind."
    )
    business_calendar: BusinessCalendar


@strawberry.type(
    description="One bracket: cumulative NCR up to `upTo` (null: no bound) earns `rate`."
)
class CommissionBracket:
    up_to: Money | None
    rate: Decimal


@strawberry.type(
    description="A commission schedule version and the day it takes effect (CS-REF-17)."
)
class CommissionScheduleVersion:
    version: str
    effective_from: dt.date | None = strawberry.field(
        description="First day in force; null when in force from the program's start."
    )
    currency: str
    carry_over: bool = strawberry.field(
        description="Whether a reached rate carries over (CS-REF-16)."
    )
    brackets: list[CommissionBracket]
    rule_ids: list[str]

    @classmethod
    def of(cls, version: ScheduleVersion) -> CommissionScheduleVersion:
        schedule = version.schedule
        return cls(
            version=schedule.version,
            effective_from=None
            if version.effective_from == dt.date.min
            else version.effective_from,
            currency=schedule.currency,
            carry_over=schedule.carry_over,
            brackets=[
                CommissionBracket(
                    up_to=Money.of(b.up_to, schedule.currency) if b.up_to is not None else None,
                    rate=b.rate,
                )
                for b in schedule.brackets
            ],
            rule_ids=list(version.rule_ids),
        )


@strawberry.type(description="How a program's commissions are computed and paid.")
class CommissionPolicy:
    policy: strawberry.Private[PolicyRule]
    currency: str
    commissionable_months: int = strawberry.field(
        description="Months from the client's signing whose revenue earns commission."
    )
    payment_due_days: int = strawberry.field(
        description="Payment period: days after the client's full payment a commission is due."
    )
    tax_documentation_required: bool
    revenue_deductions: list[str]
    revenue_exclusions: list[str]
    revenue_taxes: list[str]
    schedules: list[CommissionScheduleVersion] = strawberry.field(
        description="Every schedule version, oldest first, with its brackets."
    )
    accumulates_per_program_year: bool = strawberry.field(
        description="Whether cumulative NCR runs over the program year (`Program.programYear`) "
        "rather than the calendar year (CS-REF-15/16; issue 12); `Commission.year` and the "
        "yearly statement follow it."
    )

    @strawberry.field(description="The schedule version in force on a date (CS-REF-17).")
    def schedule_on(self, date: dt.date) -> CommissionScheduleVersion | None:
        version = self.policy.schedule_on(date)
        return None if version is None else CommissionScheduleVersion.of(version)


def referral_policy_of(policy: PolicyRule) -> ReferralPolicy:
    """The API view of a program's referral windows."""
    return ReferralPolicy(
        requires_agreement=policy.requires_agreement,
        decision_window_business_days=policy.decision_window_business_days,
        undecided_outcome=policy.undecided_outcome,
        conflict_window_months=policy.conflict_window_months,
        conflict_exception_after_closed_no_sale=policy.conflict_exception_after_closed_no_sale,
        meeting_deadline_days=policy.meeting_deadline_days,
        qualification_months_after_submission=policy.qualification_months_after_submission,
        qualification_days_after_submission=policy.qualification_days_after_submission,
        qualification_months_after_termination=policy.qualification_months_after_termination,
        qualification_tail_when_terminated_for_cause=policy.qualification_tail_when_terminated_for_cause,
        qualifying_opportunities=None
        if policy.opportunity_kinds is None
        else list(policy.opportunity_kinds),
        business_calendar=BusinessCalendar.of(policy.calendar),
    )


def commission_policy_of(policy: PolicyRule) -> CommissionPolicy:
    """The API view of a program's commission terms."""
    return CommissionPolicy(
        policy=policy,
        currency=policy.currency,
        commissionable_months=policy.commissionable_months,
        payment_due_days=policy.payment_due_days,
        tax_documentation_required=policy.tax_documentation_required,
        revenue_deductions=sorted(policy.deductions),
        revenue_exclusions=sorted(policy.exclusions),
        revenue_taxes=sorted(policy.taxes),
        schedules=[
            CommissionScheduleVersion.of(v)
            for v in sorted(policy.schedules, key=lambda v: v.effective_from)
        ],
        accumulates_per_program_year=not policy.accumulation_year.is_calendar,
    )
