"""A program's referral rules, read from its program file (CS-REF-*, SEG-TIER-11)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from models import Program
from rules.bounded_cache import BoundedCache
from rules.business_days import BusinessCalendar
from rules.commissions import Bracket, Schedule
from rules.ncr import NcrCitations
from rules.program_year import CALENDAR_YEAR, ProgramYear
from services.programs.definition import ProgramDefinition
from services.programs.typed import spec_of


@dataclass(frozen=True)
class ScheduleVersion:
    """A commission schedule with the day it takes effect."""

    effective_from: date
    schedule: Schedule
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class ReferralPolicy:
    """Everything the referral use cases need to know about one program."""

    requires_agreement: str
    currency: str
    decision_window_business_days: int | None
    undecided_outcome: str
    conflict_window_months: int | None
    conflict_exception_after_closed_no_sale: bool
    meeting_deadline_days: int | None
    qualification_months_after_submission: int | None
    qualification_days_after_submission: int | None
    qualification_months_after_termination: int
    qualification_tail_when_terminated_for_cause: bool
    commissionable_months: int
    payment_due_days: int
    tax_documentation_required: bool
    deductions: frozenset[str]
    exclusions: frozenset[str]
    taxes: frozenset[str]
    schedules: tuple[ScheduleVersion, ...]
    calendar: BusinessCalendar
    opportunity_kinds: tuple[str, ...] | None = None
    # The years brackets accumulate over (CS-REF-15/16): calendar or program years (issue 12).
    accumulation_year: ProgramYear = CALENDAR_YEAR
    # The rule ids each figure of the program file's section comes from (`cites`, issue 12).
    cites: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def rules_of(self, *figures: str) -> tuple[str, ...]:
        """The rule ids the program's file gives for these figures, in order, no repeats."""
        ids = (rule for figure in figures for rule in self.cites.get(figure, ()))
        return tuple(dict.fromkeys(ids))

    def schedule_on(self, day: date) -> ScheduleVersion | None:
        """The schedule version in force on `day` (CS-REF-17)."""
        in_force = [s for s in self.schedules if s.effective_from <= day]
        return max(in_force, key=lambda s: s.effective_from) if in_force else None


def _schedules(spec: ProgramDefinition) -> tuple[ScheduleVersion, ...]:
    out = []
    for item in spec.commission_schedules:
        carry_over = item.rate_carry_over != "none"
        # The section's rule ids, in order: bracket lines cite the first, carried-rate lines
        # the second (CS-REF-15, CS-REF-16 for Contentsquare); a file with none cites none.
        ids = list(item.rule_ids)
        rate_rule = ids[0] if ids else ""
        carried_rule = ids[1] if carry_over and len(ids) > 1 else rate_rule
        out.append(
            ScheduleVersion(
                item.effective_from,
                Schedule(
                    item.version,
                    item.currency,
                    tuple(Bracket(b.up_to, b.rate) for b in item.brackets),
                    carry_over=carry_over,
                    rate_rule=rate_rule,
                    carry_over_rule=carried_rule,
                ),
                tuple(item.rule_ids),
            )
        )
    return tuple(out)


def calendar_of(spec: ProgramDefinition) -> BusinessCalendar:
    """The business calendar of a program file's `[calendar]` section (CS-AGR-10)."""
    return BusinessCalendar.from_program(spec.calendar.model_dump())


def _kinds(kinds: list[str] | None) -> tuple[str, ...] | None:
    return None if kinds is None else tuple(kinds)


_policies: BoundedCache[tuple[str, str], ReferralPolicy | None] = BoundedCache(64)


def policy_of(program: Program) -> ReferralPolicy | None:
    """The referral policy of a program, or None when it takes no referrals; built once per
    program version (its definition's SHA-256)."""
    if not program.definition_sha256:
        return _policy(spec_of(program), program.currency)
    key = (program.definition_sha256, program.currency)
    try:
        return _policies.entries[key]
    except KeyError:
        return _policies.put(key, _policy(spec_of(program), program.currency))


def _policy(spec: ProgramDefinition, currency: str) -> ReferralPolicy | None:
    calendar = calendar_of(spec)
    rules = spec.referrals
    if rules is not None:
        return ReferralPolicy(
            requires_agreement=rules.requires_agreement,
            currency=currency,
            decision_window_business_days=rules.decision_window_business_days,
            undecided_outcome=rules.undecided_outcome,
            conflict_window_months=rules.conflict_window_months,
            conflict_exception_after_closed_no_sale=rules.conflict_exception_after_closed_no_sale,
            meeting_deadline_days=rules.meeting_deadline_days,
            qualification_months_after_submission=rules.qualification_months_after_submission,
            qualification_days_after_submission=None,
            qualification_months_after_termination=rules.qualification_months_after_termination,
            qualification_tail_when_terminated_for_cause=(
                rules.qualification_tail_when_terminated_for_cause
            ),
            commissionable_months=rules.commissionable_months_from_signing,
            payment_due_days=rules.payment_due_days_after_receipt,
            tax_documentation_required=rules.tax_documentation_required,
            deductions=frozenset(rules.revenue_deductions),
            exclusions=frozenset(rules.revenue_exclusions),
            taxes=frozenset(rules.revenue_taxes),
            schedules=_schedules(spec),
            calendar=calendar,
            opportunity_kinds=_kinds(rules.qualifying_opportunities),
            accumulation_year=spec.accumulation_year,
            cites={k: tuple(v) for k, v in rules.cites.items()},
        )
    fees = spec.referral_fees
    if fees is None:
        return None
    # SEG-TIER-11: one flat rate, decided by the program, closing within a set period.
    schedule = ScheduleVersion(
        date.min,
        Schedule(
            "referral-fee",
            fees.currency,
            (Bracket(None, fees.rate),),
            carry_over=False,
            rate_rule=fees.rule_ids[0] if fees.rule_ids else "",
        ),
        tuple(fees.rule_ids),
    )
    return ReferralPolicy(
        requires_agreement=fees.requires_agreement,
        currency=fees.currency,
        decision_window_business_days=fees.decision_window_business_days,
        undecided_outcome=fees.undecided_outcome,
        conflict_window_months=fees.conflict_window_months,
        conflict_exception_after_closed_no_sale=fees.conflict_exception_after_closed_no_sale,
        meeting_deadline_days=fees.meeting_deadline_days,
        qualification_months_after_submission=None,
        qualification_days_after_submission=fees.close_within_days,
        qualification_months_after_termination=fees.qualification_months_after_termination,
        qualification_tail_when_terminated_for_cause=(
            fees.qualification_tail_when_terminated_for_cause
        ),
        commissionable_months=fees.commissionable_months_from_signing,
        payment_due_days=fees.payment_due_days_after_receipt,
        tax_documentation_required=fees.tax_documentation_required,
        deductions=frozenset(fees.revenue_deductions),
        exclusions=frozenset(fees.revenue_exclusions),
        taxes=frozenset(fees.revenue_taxes),
        schedules=(schedule,),
        calendar=calendar,
        opportunity_kinds=_kinds(fees.qualifying_opportunities),
        cites={k: tuple(v) for k, v in fees.cites.items()},
    )


def ncr_citations(policy: ReferralPolicy) -> NcrCitations:
    """The rule ids NCR explanations cite, from the program file's `cites` (issue 12)."""
    return NcrCitations(
        window=policy.rules_of("commissionable_months_from_signing"),
        taxes=policy.rules_of("revenue_taxes"),
        exclusions=policy.rules_of("revenue_exclusions"),
        deductions=policy.rules_of("revenue_deductions"),
    )


def referral_policy(program: Program) -> ReferralPolicy:
    """The policy of a program known to take referrals (it holds one); absence is a bug."""
    policy = policy_of(program)
    assert policy is not None
    return policy
