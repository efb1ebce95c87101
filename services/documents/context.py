"""The variables a contract template sees, built from stored data and program figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pycountry

from models import Agreement, Partner, Program, TemplateVersion
from rules.agreement_terms import State, TerminationReason
from rules.liability import Cap
from rules.money import percent, round_money

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

STATUS_TEXT = {
    "pending": "not yet in effect",
    "active": "in effect",
    "notice_given": "in effect; notice to end it has been given",
    "expired": "expired",
    "terminated": "terminated",
    "rejected": "application rejected",
}

REASON_TEXT = {
    TerminationReason.CONVENIENCE: "termination for convenience on notice",
    TerminationReason.BREACH: "material breach not cured within the cure period",
    TerminationReason.IMMEDIATE: "a cause that ends the agreement at once",
}


def long_date(value: date | None) -> str:
    """`2025-01-15` as `15 January 2025`; empty when absent."""
    return "" if value is None else f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def stamp(value: datetime) -> str:
    """A UTC timestamp to the second."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def money_text(amount: Decimal, currency: str) -> str:
    """`USD 10,000.00`."""
    return f"{currency} {round_money(amount, currency):,}"


def country_name(code: str) -> str:
    """`FR` as `France`; the code itself when unknown."""
    country = pycountry.countries.get(alpha_2=code)
    return code if country is None else str(country.name)


def _words(key: str) -> str:
    return key.replace("_", " ")


def _base(
    partner: Partner,
    program: Program,
    spec: dict[str, Any],
    agreement: Agreement,
    state: State,
    template: TemplateVersion,
    now: datetime,
) -> dict[str, Any]:
    return {
        "partner": {
            "legal_name": partner.legal_name,
            "display_name": partner.display_name,
            "country": partner.country,
            "notice_address": partner.notice_address,
            "website_domain": partner.website_domain or "",
        },
        "program": {
            "name": program.name,
            "slug": program.slug,
            "governing_law": spec["governing_law"],
            "venue": spec["venue"],
        },
        "agreement": {
            "name": spec["name"],
            "kind": spec["kind"],
            "status_text": STATUS_TEXT[state.status.value],
            "effective_date": long_date(agreement.effective_on),
            "applied_date": long_date(agreement.applied_on),
            "decision_date": long_date(agreement.effective_on or agreement.rejected_on)
            if agreement.decided_at
            else "",
        },
        "template": {"id": template.template_id, "version": template.version},
        "document": {"generated_at": stamp(now)},
    }


def agreement_context(
    *,
    partner: Partner,
    program: Program,
    spec: dict[str, Any],
    agreement: Agreement,
    state: State,
    template: TemplateVersion,
    cap: Cap | None,
    signer: dict[str, str],
    now: datetime,
) -> dict[str, Any]:
    """Variables of an agreement document (acceptance, application, approval)."""
    definition = program.definition
    plan = definition.get("engagement_plan") or {}
    context = _base(partner, program, spec, agreement, state, template, now)
    context["terms"] = {
        "initial_term_months": spec["initial_term_months"],
        "renewal_term_months": spec["renewal_term_months"],
        "non_renewal_notice_days": spec["non_renewal_notice_days"],
        "convenience_days": spec["convenience_termination_notice_days"],
        "cure_days": spec["breach_cure_days"],
        "immediate_causes": [_words(c) for c in spec["immediate_termination_causes"]],
        "confidentiality_days": spec["confidential_information_return_days"],
        "engagement_plan_days": plan.get("due_days_after_effective_date"),
        "liability_cap_text": (
            f"the greater of {money_text(cap.floor, cap.currency)} and the {cap.basis_text}"
            if cap
            else "the amount the law allows"
        ),
    }
    context["signer"] = signer
    context["commission"] = _commission(definition)
    return context


def _commission(definition: dict[str, Any]) -> dict[str, Any]:
    schedules = definition.get("commission_schedules") or []
    referrals = definition.get("referrals") or {}
    if not schedules:
        return {"brackets": []}
    schedule = max(schedules, key=lambda s: s["effective_from"])
    rows, lower = [], Decimal(0)
    for bracket in schedule["brackets"]:
        rate = percent(Decimal(bracket["rate"]))
        if bracket["up_to"] is None:
            text = f"over {lower:,.0f}"
        else:
            upper = Decimal(bracket["up_to"])
            text = f"over {lower:,.0f} up to {upper:,.0f}" if lower else f"up to {upper:,.0f}"
            lower = upper
        rows.append({"range_text": text, "rate_text": rate})
    outcome = referrals.get("undecided_outcome", "deemed_rejected")
    return {
        "version": schedule["version"],
        "effective_from": long_date(date.fromisoformat(schedule["effective_from"])),
        "currency": schedule["currency"],
        "brackets": rows,
        "decision_window_business_days": referrals.get("decision_window_business_days"),
        "undecided_outcome_text": "refused" if outcome == "deemed_rejected" else "approved",
        "payment_due_days": referrals.get("payment_due_days_after_receipt"),
    }


def termination_context(
    *,
    partner: Partner,
    program: Program,
    spec: dict[str, Any],
    agreement: Agreement,
    state: State,
    template: TemplateVersion,
    given_by: str,
    effective_on: date,
    now: datetime,
) -> dict[str, Any]:
    """Variables of a termination notice."""
    context = _base(partner, program, spec, agreement, state, template, now)
    reason = TerminationReason(agreement.termination_reason or "convenience")
    context["termination"] = {
        "given_by": given_by,
        "reason_text": REASON_TEXT[reason],
        "cause": _words(agreement.termination_cause or ""),
        "notice_date": long_date(agreement.termination_notice_on),
        "effective_date": long_date(effective_on),
    }
    return context
