"""The variables an agreement document sees, built from stored facts and program figures.

Every figure comes from the program definition and is formatted for the program's locale
(`formatting`); every party is named with its legal name and address (`parties`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models import Agreement, Partner, Program, TemplateVersion
from rules.agreement_terms import State
from services.documents.formatting import Formatter, formatter_of
from services.documents.parties import operator_context, partner_context
from services.documents.terms import commission_terms, terms_context
from services.programs.sections.agreements import AgreementDef
from services.programs.typed import spec_of

STATUS_TEXT = {
    "pending": "not yet in effect",
    "active": "in effect",
    "notice_given": "in effect; notice to end it has been given",
    "expired": "expired",
    "terminated": "terminated",
    "rejected": "application rejected",
}
EVENT_LABEL = {
    "acceptAgreement": "Accepted",
    "applyToProgram": "Application submitted",
    "decideApplication": "Application accepted",
}


def document_context(title: str, program: Program, now: datetime, fmt: Formatter) -> dict[str, Any]:
    """What the header, footer and core properties show (the id is added at rendering)."""
    return {
        "title": title,
        "subject": program.name,
        "author": spec_of(program).operator.legal_name,
        "generated_local": fmt.local_time(now),
        "generated_utc": fmt.utc_time(now),
    }


def base_context(
    partner: Partner, program: Program, spec: AgreementDef, template: TemplateVersion
) -> dict[str, Any]:
    """Parties, program, template and terms: shared by agreements and notices."""
    fmt = formatter_of(program)
    return {
        "operator": operator_context(program),
        "partner": partner_context(partner),
        "program": {"name": program.name, "slug": program.slug, "timezone": program.timezone},
        "template": {
            "id": template.template_id,
            "version": template.version,
            "sha256": template.sha256,
        },
        "terms": terms_context(program, spec, fmt),
    }


def _agreement(agreement: Agreement, spec: AgreementDef, state: State, fmt: Formatter) -> Any:
    effective = fmt.date(agreement.effective_on)
    if effective:
        effective_text = effective
    elif agreement.rejected_on is not None:
        effective_text = "none (application rejected)"
    else:
        effective_text = "the day the application is accepted"
    return {
        "name": spec.name,
        "kind": spec.kind,
        "status_text": STATUS_TEXT[state.status.value],
        "effective_date": effective or "the day of acceptance",
        "effective_date_text": effective_text,
        "applied_date": fmt.date(agreement.applied_on) or "not applicable",
    }


def agreement_context(
    *,
    partner: Partner,
    program: Program,
    spec: AgreementDef,
    agreement: Agreement,
    state: State,
    template: TemplateVersion,
    signer: dict[str, str],
    event: str,
    now: datetime,
) -> dict[str, Any]:
    """Variables of an agreement document (acceptance, application, approval)."""
    fmt = formatter_of(program)
    context = base_context(partner, program, spec, template)
    context["agreement"] = _agreement(agreement, spec, state, fmt)
    context["document"] = document_context(spec.name, program, now, fmt)
    context["commission"] = commission_terms(program, fmt)
    operator = context["operator"]["legal_name"]
    local, utc = context["document"]["generated_local"], context["document"]["generated_utc"]
    if spec.acceptance_mode == "click_accept":
        operator_signed = (
            f"Offered by {operator} as template version {template.version}; binding on the "
            "Partner's acceptance"
        )
        partner_signed = f"Accepted electronically on {local}"
    else:
        partner_signed = f"Applied electronically on {fmt.date(agreement.applied_on)}"
        operator_signed = (
            f"Application accepted on {fmt.date(agreement.effective_on)}"
            if agreement.effective_on
            else "Application not yet decided: this agreement is not in effect"
        )
    context["acceptance"] = {
        "signer_name": signer["name"],
        "signer_title": signer["title"],
        "signer_email": signer["email"],
        "event_label": EVENT_LABEL.get(event, "Recorded"),
        "local_time": local,
        "utc_time": utc,
        "operator_signed": operator_signed,
        "partner_signed": partner_signed,
    }
    return context
