"""Program file sections of the referrals and commissions domains: the referral workflow,
commission schedules and referral fees (CS-REF-*, SEG-TIER-10, SEG-TIER-11, SEG-AGR-06).
"""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from rules.ncr import FEE
from services.programs.sections.citing import Citing
from services.programs.sections.fields import (
    Amount,
    Days,
    Key,
    Months,
    Rate,
    RuleId,
    Strict,
    Version,
    check_currency,
)


def unique_kinds(kinds: list[str] | None) -> list[str] | None:
    """A list of opportunity kinds with no kind twice."""
    if kinds is not None and len(set(kinds)) != len(kinds):
        raise ValueError("qualifying_opportunities lists a kind twice")
    return kinds


def disjoint_line_kinds(deductions: list[str], exclusions: list[str], taxes: list[str]) -> None:
    """A revenue line kind is a deduction, an exclusion or a tax, never two of them nor the
    fee itself: NCR and the paid-in-full total must read a line the same way (CS-REF-13/14)."""
    seen: dict[str, str] = {FEE: "the fee kind"}
    for field, kinds in (
        ("revenue_deductions", deductions),
        ("revenue_exclusions", exclusions),
        ("revenue_taxes", taxes),
    ):
        for kind in kinds:
            if kind in seen:
                raise ValueError(f"{field} lists {kind}, already {seen[kind]}")
            seen[kind] = f"in {field}"


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
    accumulation: Literal["calendar_year_cumulative", "program_year_cumulative"] = (
        "calendar_year_cumulative"
    )
    rate_carry_over: Literal["none", "reached_rate_holds_next_year_while_exceeded"]
    brackets: list[CommissionBracket] = Field(min_length=1)
    # Cited by the ledger's lines, in order: bracket lines cite the first id, carried-rate lines
    # the second (Contentsquare: CS-REF-15, CS-REF-16); none given, the lines cite none.
    rule_ids: list[RuleId] = []

    _currency = field_validator("currency")(check_currency)

    @model_validator(mode="after")
    def _brackets_ascend(self) -> CommissionSchedule:
        bounds = [b.up_to for b in self.brackets]
        if any(b is None for b in bounds[:-1]):
            raise ValueError("only the last bracket may be open-ended")
        finite = [b for b in bounds if b is not None]
        if finite != sorted(finite) or len(set(finite)) != len(finite):
            raise ValueError("bracket bounds must strictly ascend")
        return self


class RevenueLineRules(Citing):
    """How revenue lines count towards net commissionable revenue (CS-REF-12..14), and the
    rule ids a section's explanations cite; shared by a commission and a referral-fee program.
    A line kind is in at most one of the three lists (NCR and the paid-in-full check agree).
    A fee program's ledger lines cite the first of its `rule_ids` (Segment: SEG-TIER-11)."""

    revenue_deductions: list[Key] = []
    revenue_exclusions: list[Key] = []
    revenue_taxes: list[Key] = []

    @model_validator(mode="after")
    def _line_kinds(self) -> Self:
        disjoint_line_kinds(self.revenue_deductions, self.revenue_exclusions, self.revenue_taxes)
        return self


class ReferralRules(RevenueLineRules):
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
    qualifying_opportunities: list[Key] | None = Field(
        default=None,
        min_length=1,
        description="the opportunity kinds a referral may be of; absent: no kind is recorded "
        "(SEG-TIER-11 reading, issue 12)",
    )

    _kinds = field_validator("qualifying_opportunities")(unique_kinds)


class ReferralFees(RevenueLineRules):
    """Referral fees outside a commission schedule (SEG-TIER-10, SEG-TIER-11, SEG-AGR-06)."""

    requires_agreement: Key
    qualifying_opportunities: list[Key] = Field(
        min_length=1, description="the opportunity kinds that earn a fee (SEG-TIER-11)"
    )
    close_within_days: Days
    rate: Rate
    currency: str
    commissionable_months_from_signing: Months
    payment_due_days_after_receipt: Days
    tax_documentation_required: bool = True
    # The referral workflow of a fee program, when its file gives one; the defaults are the
    # Segment addendum's silence: no decision window, no conflict window, no meeting, no tail.
    decision_window_business_days: Days | None = None
    undecided_outcome: Literal["deemed_rejected", "deemed_approved"] = "deemed_rejected"
    conflict_window_months: Months | None = None
    conflict_exception_after_closed_no_sale: bool = True
    meeting_deadline_days: Days | None = None
    qualification_months_after_termination: Months = 0
    qualification_tail_when_terminated_for_cause: bool = False

    _currency = field_validator("currency")(check_currency)
    _kinds = field_validator("qualifying_opportunities")(unique_kinds)
