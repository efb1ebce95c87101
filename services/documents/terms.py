"""Every figure of an agreement's clauses, from the program definition, formatted for its locale.

SEG-AGR-07/08/09/11/13, SEG-AGR-03 (usage caps), SEG-TIER-11 (referral fee), CS-AGR-05/06/08,
CS-REF-02/04/10/11/12/14/15/17. Where an agreement has no cap or delivery rules of its own (an
addendum or schedule), those of the program's membership agreement apply.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pycountry

from models import Program
from rules.bounded_cache import BoundedCache
from rules.program_year import ProgramYear
from services.documents.formatting import Formatter
from services.documents.parties import country_name
from services.programs.definition import ProgramDefinition
from services.programs.sections.agreements import AgreementDef
from services.programs.typed import spec_of

METHODS = {
    "hand_delivery": "by hand",
    "certified_mail": "by certified or registered mail, return receipt requested",
    "next_day_courier": "by next-day delivery through a major commercial courier",
}
OPPORTUNITIES = {
    "net_new_account": "a new customer account",
    "upsell_new_product": "an existing customer's purchase of a product it did not have",
}


def words(keys: list[str]) -> str:
    """`["a_b", "c"]` as `a b and c`."""
    items = [k.replace("_", " ") for k in keys]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _membership_spec(spec: ProgramDefinition) -> AgreementDef:
    specs = spec.agreements
    return next((s for s in specs if s.role == "membership"), specs[0])


def _liability(program: ProgramDefinition, spec: AgreementDef, fmt: Formatter, short: str) -> Any:
    cap = spec.liability_cap or _membership_spec(program).liability_cap
    if cap is None:
        return {"liability_floor": "", "liability_basis": ""}
    if cap.basis == "commissions_paid_or_payable":
        basis = f"the commissions and referral fees paid or payable by {short} to the Partner"
    else:
        months = fmt.months(int(cap.basis_months or 12))
        basis = (
            f"the amounts the Partner paid to {short} in the {months} before the first event "
            "giving rise to liability"
        )
    floor = fmt.money(cap.floor.amount, cap.floor.currency)
    return {"liability_floor": floor, "liability_basis": basis}


def _notice_methods(program: ProgramDefinition, spec: AgreementDef, fmt: Formatter) -> str:
    rules = spec.notice_delivery or _membership_spec(program).notice_delivery
    if not rules:
        return (
            "Notices are delivered by hand, by certified or registered mail with return "
            "receipt, or by a recognised express courier, and are given when received."
        )
    parts = []
    for rule in rules:
        days = rule.deemed_given_after_days
        when = "on receipt" if days == 0 else f"{fmt.days(days)} after dispatch"
        parts.append(f"{METHODS.get(rule.method, words([rule.method]))}, {when}")
    return "A notice is deemed given: " + "; ".join(parts) + "."


def _business_day(definition: ProgramDefinition, fmt: Formatter) -> str:
    """What a Business Day is, from `[calendar]` (CS-AGR-10, issue 12): `a day other than a
    Saturday, a Sunday, 25 December, ... or a public or bank holiday in France`."""
    calendar = definition.calendar
    place = country_name(calendar.holiday_country)
    if calendar.holiday_subdivision:
        code = f"{calendar.holiday_country}-{calendar.holiday_subdivision}"
        region = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        place = f"{region.name if region else calendar.holiday_subdivision}, {place}"
    days = [f"a {day.capitalize()}" for day in calendar.weekend]
    for item in calendar.extra_holidays:
        month, day = item.split("-")
        days.append(fmt.day_month(date(2000, int(month), int(day))))  # a leap year
    holiday = f"a public or bank holiday in {place}"
    return (
        f"a day other than {', '.join(days)} or {holiday}"
        if days
        else f"a day other than {holiday}"
    )


def _days(fmt: Formatter, value: int | None) -> str:
    return "" if value is None else fmt.days(int(value))


def _months(fmt: Formatter, value: int | None) -> str:
    return "" if value is None else fmt.months(int(value))


_TERMS: BoundedCache[tuple[Any, ...], dict[str, Any]] = BoundedCache(256)


def terms_context(program: Program, spec: AgreementDef, fmt: Formatter) -> dict[str, Any]:
    """The clause figures of one agreement kind, worked out once per program file version,
    kind and formatter (they are program data; issue 14)."""
    key = (program.id, program.definition_sha256, spec.kind, fmt.locale, fmt.timezone)
    found = _TERMS.entries.get(key)
    if found is None:
        found = _TERMS.put(key, _terms(program, spec, fmt))
    return dict(found)


def _terms(program: Program, spec: AgreementDef, fmt: Formatter) -> dict[str, Any]:
    definition = spec_of(program)
    short = definition.operator.short_name
    venue = spec.venue
    terms: dict[str, Any] = {
        "initial_term": _months(fmt, spec.initial_term_months),
        "renewal_term": _months(fmt, spec.renewal_term_months),
        "non_renewal_notice": _days(fmt, spec.non_renewal_notice_days),
        "convenience_notice": fmt.days(spec.convenience_termination_notice_days),
        "cure_period": fmt.days(spec.breach_cure_days),
        "confidentiality_days": _days(fmt, spec.confidential_information_return_days),
        "governing_law": spec.governing_law,
        "venue": venue,
        "venue_start": venue[:1].upper() + venue[1:],
        "notice_methods": _notice_methods(definition, spec, fmt),
        "membership_name": _membership_spec(definition).name,
        "business_day_text": _business_day(definition, fmt),
        **_liability(definition, spec, fmt, short),
    }
    caps = definition.usage_caps
    terms["usage_mtu"] = fmt.number(caps.monthly_tracked_users if caps else 0)
    terms["usage_api_calls"] = fmt.number(caps.api_calls if caps else 0)
    plan = definition.engagement_plan
    terms["engagement_plan_days"] = _days(fmt, plan.due_days_after_effective_date if plan else None)
    terms["engagement_review"] = _months(fmt, plan.review_every_months if plan else None)
    terms |= _referral_terms(definition, fmt, short)
    return terms


def _referral_terms(definition: ProgramDefinition, fmt: Formatter, short: str) -> dict[str, Any]:
    fees = definition.referral_fees
    referrals = definition.referrals
    rules = fees or referrals
    if rules is None:
        return {
            "commissionable_months": "",
            "payment_due": "",
            "deductions_text": "nothing",
            "exclusions_text": "nothing",
            "tax_documentation_required": True,
            "referral_kinds_text": "",
            "tax_documentation_text": (
                f"No fee is paid before the Partner has given {short} the tax documentation it "
                "needs to pay it."
            ),
        }
    terms = {
        "commissionable_months": _months(fmt, rules.commissionable_months_from_signing),
        "payment_due": _days(fmt, rules.payment_due_days_after_receipt),
        "deductions_text": words(list(rules.revenue_deductions) or ["nothing"]),
        "exclusions_text": words(list(rules.revenue_exclusions) or ["nothing"]),
        "tax_documentation_required": rules.tax_documentation_required,
        "referral_kinds_text": "",
        "tax_documentation_text": (
            f"No fee is paid before the Partner has given {short} the tax documentation it "
            "needs to pay it."
            if rules.tax_documentation_required
            else ""
        ),
    }
    if fees:
        kinds = fees.qualifying_opportunities
        terms |= {
            "qualifying_text": " or ".join(OPPORTUNITIES.get(k, words([k])) for k in kinds),
            "close_within": fmt.days(fees.close_within_days),
            "fee_rate": fmt.percent(fees.rate),
            "fee_currency": fees.currency,
        }
    if referrals:
        outcome = referrals.undecided_outcome
        listed = referrals.qualifying_opportunities
        terms |= {
            "referral_kinds_text": words(list(listed)) if listed else "",
            "decision_window": f"{referrals.decision_window_business_days} Business Days",
            "undecided_text": "rejected" if outcome == "deemed_rejected" else "approved",
            "conflict_window": fmt.months(referrals.conflict_window_months),
            "meeting_deadline": fmt.days(referrals.meeting_deadline_days),
            "qualification_after_submission": fmt.months(
                referrals.qualification_months_after_submission
            ),
            "qualification_after_end": fmt.months(referrals.qualification_months_after_termination),
            "schedule_change_notice": fmt.days(referrals.schedule_change_min_notice_days),
        }
    return terms


_COMMISSIONS: BoundedCache[tuple[Any, ...], dict[str, Any]] = BoundedCache(256)


def commission_terms(program: Program, fmt: Formatter) -> dict[str, Any]:
    """The commission schedule's figures (commission_context), worked out once per program file
    version and formatter like the clause figures (program data; issue 14)."""
    key = (program.id, program.definition_sha256, fmt.locale, fmt.timezone)
    found = _COMMISSIONS.entries.get(key)
    if found is None:
        found = _COMMISSIONS.put(key, commission_context(spec_of(program), fmt))
    return dict(found)


def commission_context(definition: ProgramDefinition, fmt: Formatter) -> dict[str, Any]:
    """The commission schedule in force (CS-REF-15/17): brackets and a worked example."""
    schedules = definition.commission_schedules
    if not schedules:
        return {
            "brackets": [],
            "version": "",
            "effective_from": "",
            "currency": "",
            "example": "",
            "carry_over": False,
            **_period(definition.accumulation_year, fmt),
        }
    schedule = max(schedules, key=lambda s: s.effective_from)
    currency = schedule.currency
    rows, lower = [], Decimal(0)
    slices: list[tuple[Decimal, Decimal | None, Decimal]] = []
    for bracket in schedule.brackets:
        rate = bracket.rate
        upper = bracket.up_to
        if upper is None:
            text = f"above {fmt.money(lower, currency)}"
        elif lower:
            text = f"above {fmt.money(lower, currency)} up to {fmt.money(upper, currency)}"
        else:
            text = f"up to {fmt.money(upper, currency)}"
        rows.append({"range_text": text, "rate_text": fmt.percent(rate)})
        slices.append((lower, upper, rate))
        lower = upper or lower
    period = _period(definition.accumulation_year, fmt)
    return {
        "version": schedule.version,
        "effective_from": fmt.date(schedule.effective_from),
        "currency": currency,
        "brackets": rows,
        "example": _example(slices, currency, fmt, period["period"]),
        "carry_over": schedule.rate_carry_over != "none",
        **period,
    }


def _period(years: ProgramYear, fmt: Formatter) -> dict[str, str]:
    """The year brackets accumulate over (CS-REF-15/16, issue 12): its name, first day and span,
    as `program_year.starts_on` and the schedules' `accumulation` say."""
    first, last = years.bounds(2001)  # any common year: only the month and day are written
    span = f"{fmt.day_month(first)} to {fmt.day_month(last)}"
    return {
        "period": "calendar year" if years.is_calendar else "program year",
        "year_start": fmt.day_month(first),
        "year_span": span if years.is_calendar else f"{span} of the following calendar year",
    }


def _example(
    slices: list[tuple[Decimal, Decimal | None, Decimal]], currency: str, fmt: Any, period: str
) -> str:
    first_upper = slices[0][1]
    if first_upper is None or len(slices) < 2:
        return "every slice earns the same rate."
    ncr = first_upper * Decimal("1.5")
    parts, total = [], Decimal(0)
    for lower, upper, rate in slices:
        top = ncr if upper is None else min(ncr, upper)
        if top <= lower:
            break
        amount = (top - lower) * rate
        total += amount
        parts.append(f"{fmt.percent(rate)} of {fmt.money(top - lower, currency)}")
    return (
        f"a first client bringing {fmt.money(ncr, currency)} of Net Commissionable Revenue in "
        f"a {period} earns {' plus '.join(parts)}, that is {fmt.money(total, currency)}."
    )
