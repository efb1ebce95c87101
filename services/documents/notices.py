"""The variables of a notice: sender and addressee with addresses, delivery, dates, signatory.

A notice states only facts true on its date: a breach notice gives the day the cure period
ends; only the notice issued after that day says the breach went uncured. A notice given on
receipt (SEG-AGR-13) is dispatched before anyone knows that day: it counts its periods from
"the day it is received".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models import Agreement, Partner, Program, TemplateVersion
from services.documents.context import base_context, document_context
from services.documents.formatting import formatter_of
from services.documents.terms import METHODS, words
from services.programs.sections.agreements import AgreementDef

TITLES = {
    "non-renewal-notice": "Notice of non-renewal",
    "termination-notice": "Notice of termination",
    "breach-notice": "Notice of material breach",
    "breach-termination-notice": "Notice of termination after an uncured breach",
}


RECEIPT = "the day it is received"


@dataclass(frozen=True)
class NoticeFacts:
    """What a notice says, all dates in the program's time zone."""

    kind: str
    from_operator: bool
    sent_on: date
    given_on: date | None
    effective_on: date | None
    method: str | None
    reason: str = "convenience"
    cause: str = ""
    term_end: date | None = None
    deadline: date | None = None
    breach_notice_on: date | None = None
    signatory: tuple[str, str] | None = None


def _after_receipt(facts: NoticeFacts, context: dict[str, Any]) -> str:
    """When a notice awaiting its receipt takes effect, in words."""
    if facts.reason == "immediate":
        return RECEIPT
    period = context["terms"]["cure_period" if facts.reason == "breach" else "convenience_notice"]
    return f"the day {period} after {RECEIPT}"


def notice_context(
    *,
    facts: NoticeFacts,
    partner: Partner,
    program: Program,
    spec: AgreementDef,
    agreement: Agreement,
    template: TemplateVersion,
    now: datetime,
) -> dict[str, Any]:
    """Variables of one of the four notices."""
    fmt = formatter_of(program)
    context = base_context(partner, program, spec, template)
    operator, partner_ctx = context["operator"], context["partner"]
    sender, addressee = (operator, partner_ctx) if facts.from_operator else (partner_ctx, operator)
    if facts.signatory is not None:
        signatory_name, signatory_title = facts.signatory
    elif facts.from_operator:
        signatory_name, signatory_title = operator["signatory_name"], operator["signatory_title"]
    else:
        signatory_name, signatory_title = "Authorized representative", partner_ctx["legal_name"]
    method = (
        METHODS.get(facts.method, words([facts.method]))
        if facts.method
        else "recorded in PartnerGraph and sent electronically (no postal method recorded)"
    )
    given = fmt.date(facts.given_on) if facts.given_on else RECEIPT
    effective = (
        fmt.date(facts.effective_on) if facts.effective_on else _after_receipt(facts, context)
    )
    if facts.reason == "immediate":
        ground = f"with immediate effect, on the ground of {words([facts.cause])}"
    else:
        ground = (
            "for convenience, as the agreement allows on "
            f"{context['terms']['convenience_notice']} written notice"
        )
    title = TITLES[facts.kind]
    context["agreement"] = {
        "name": spec.name,
        "effective_date": fmt.date(agreement.effective_on),
    }
    context["document"] = document_context(title, program, now, fmt)
    context["notice"] = {
        "title": title,
        "sender_name": sender["legal_name"],
        "sender_address": sender["address"],
        "addressee_name": addressee["legal_name"],
        "addressee_address": addressee["notice_address"],
        "method_text": method,
        "sent_date": fmt.date(facts.sent_on),
        "given_date": given,
        "effective_date": effective,
        "effective_text": (
            f"the cure period ends on {effective}; termination on that day if the breach is "
            "not cured"
            if facts.kind == "breach-notice"
            else effective
        ),
        "ground_text": ground,
        "cause": facts.cause or "not stated",
        "cure_end": effective,
        "term_end": fmt.date(facts.term_end),
        "deadline": fmt.date(facts.deadline),
        "breach_notice_date": fmt.date(facts.breach_notice_on),
        "signatory_name": signatory_name,
        "signatory_title": signatory_title,
    }
    return context
