"""Checking the evidence rows of an import and planning their inserts (the checks of
recordEvidence), and the amount check the money files share."""

from __future__ import annotations

import uuid
from decimal import Decimal

from models import Evidence
from services.commissions.amounts import checked_amount
from services.errors import ImportErrorCode as Code
from services.errors import UseCaseError
from services.imports.checks_partners import join_values
from services.imports.plan import Plan
from services.imports.reading import ParsedFile, Row
from services.tiers.evidence import KINDS as EVIDENCE_KINDS


def check_evidence(plan: Plan, parsed: ParsedFile, rows: list[Row]) -> None:
    """Evidence: a known kind, dated not after today, expiring after it occurred."""
    for row in rows:
        v = row.values
        partner = plan.ref(parsed, row, "partner", "partners")
        ok = plan.not_after_today(parsed, row, "occurredOn")
        ok = plan.in_order(parsed, row, "occurredOn", "expiresOn") and ok
        if v["kind"] not in EVIDENCE_KINDS:
            parsed.error(
                row, "kind", Code.UNKNOWN_KIND, f"kind is one of {join_values(EVIDENCE_KINDS)}"
            )
            ok = False
        if v["amount"] is not None:
            ok = check_amount(parsed, row, "amount", v["amount"]) and ok
            if not v["currency"]:
                parsed.error(row, "currency", Code.REQUIRED, "an amount needs its currency")
                ok = False
        if partner is None or not ok:
            continue
        ident = uuid.uuid4()
        plan.adopt("evidence", row, ident)
        plan.mark("evidence", row, "occurredOn", "recordEvidence", ("Partner", partner), partner)
        plan.add(
            Evidence.__table__,
            {
                "id": ident,
                "partner_id": partner,
                "program_id": plan.program.id,
                "kind": v["kind"],
                "title": v["title"] or "",
                "url": v["url"],
                "customer": v["customer"],
                "reference": v["reference"],
                "amount": v["amount"],
                "currency": v["currency"],
                "occurred_on": v["occurredOn"],
                "expires_on": v["expiresOn"],
                "flags": {},
            },
        )


def check_amount(
    parsed: ParsedFile, row: Row, column: str, value: Decimal, zero: bool = False
) -> bool:
    """Whether an amount is positive (or zero when allowed), not too large nor precise."""
    try:
        checked_amount(value, column, allow_zero=zero)
    except UseCaseError as exc:
        parsed.error(row, column, Code.INVALID_AMOUNT, exc.errors[0].message)
        return False
    return True
