"""Checking revenue line corrections and voids, and tax documents, of an import, and planning
their inserts (the checks of correctRevenueLine, voidRevenueLine and recordTaxDocumentation).

A correction or a void is a new revenue line that supersedes the latest line of its chain from
its effectiveOn; the superseded line stays on record (CS-REF-12/13). The rows of one line's
chain apply in effectiveOn order, after the corrections imported or recorded before.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import RevenueLine, TaxDocument
from rules.ncr import known_kinds
from services.errors import ImportErrorCode as Code
from services.imports.checks_commissions import qualified_of
from services.imports.checks_evidence import check_amount
from services.imports.plan import Plan
from services.imports.reading import ParsedFile, Row
from services.referrals.policy import ReferralPolicy

OWN = ("kind", "amount", "occurredOn")
"""The columns a correction gives and a void leaves empty (it repeats the voided line's)."""


def line_of(line: RevenueLine) -> dict[str, Any]:
    """What the chain check reads of a stored revenue line."""
    return {
        "id": line.id,
        "qualified_agreement_id": line.qualified_agreement_id,
        "kind": line.kind,
        "amount": line.amount,
        "occurred_on": line.occurred_on,
        "effective_on": line.effective_on,
        "voided": line.voided,
    }


async def _latest(session: AsyncSession, plan: Plan, root: uuid.UUID) -> dict[str, Any]:
    """The latest line of the chain a revenue line starts (imported now or before)."""
    planned = plan.objects.get("revenue_lines", {}).get(root)
    if planned is not None:
        found: dict[str, Any] = planned
        return found
    line = await session.get(RevenueLine, root)
    assert line is not None
    while True:
        later = await session.scalar(
            select(RevenueLine).where(RevenueLine.supersedes_id == line.id)
        )
        if later is None:
            return line_of(line)
        line = later


def _row_problems(parsed: ParsedFile, row: Row, kinds: frozenset[str] | set[str]) -> bool:
    """Whether a correction row is sound on its own (else its errors are recorded)."""
    v = row.values
    if v["action"] not in ("correct", "void"):
        parsed.error(row, "action", Code.INVALID, "action is correct or void")
        return False
    ok = True
    for column in OWN:
        if v["action"] == "void" and v[column] is not None:
            parsed.error(row, column, Code.INVALID, f"a void repeats the voided line's {column}")
            ok = False
        if v["action"] == "correct" and v[column] is None:
            parsed.error(row, column, Code.REQUIRED, f"a correction gives its {column}")
            ok = False
    if v["action"] == "correct" and v["kind"] is not None and v["kind"] not in kinds:
        parsed.error(row, "kind", Code.UNKNOWN_KIND, f"kind is one of {', '.join(sorted(kinds))}")
        ok = False
    if v["action"] == "correct" and v["amount"] is not None:
        ok = check_amount(parsed, row, "amount", v["amount"]) and ok
    return ok


async def check_corrections(
    session: AsyncSession, plan: Plan, policy: ReferralPolicy, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Corrections and voids: each supersedes the latest line of its chain, not before that
    line took effect (OUT_OF_ORDER), never a void (ALREADY_SUPERSEDED); a correction's line is
    of a known kind, positive, dated between the signing and today."""
    kinds = known_kinds(policy.deductions, policy.exclusions, policy.taxes)
    chains: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for row in rows:
        root = plan.ref(parsed, row, "revenueLine", "revenue_lines")
        ok = plan.not_after_today(parsed, row, "effectiveOn", "occurredOn")
        ok = _row_problems(parsed, row, kinds) and ok
        if root is not None and ok:
            chains[root].append(row)
    for root, chain in chains.items():
        chain.sort(key=lambda r: (r.values["effectiveOn"], r.external_id))
        line = await _latest(session, plan, root)
        qualified = await qualified_of(session, plan, line["qualified_agreement_id"])
        for row in chain:
            problem = _chain_problem(row, line, qualified["signed_on"])
            if problem is not None:
                parsed.error(row, *problem)
                break
            line = _plan_line(plan, policy, parsed, row, line, qualified["partner_id"])


def _chain_problem(row: Row, line: dict[str, Any], signed: date) -> tuple[str, Code, str] | None:
    v = row.values
    if line["voided"]:
        return "revenueLine", Code.ALREADY_SUPERSEDED, "the line was voided: a void is final"
    since = line["effective_on"] or line["occurred_on"]
    if v["effectiveOn"] < since:
        return (
            "effectiveOn",
            Code.OUT_OF_ORDER,
            f"effectiveOn is before the line it supersedes took effect ({since})",
        )
    if v["occurredOn"] is not None and v["occurredOn"] < signed:
        return "occurredOn", Code.OUT_OF_ORDER, f"occurredOn is before the signing ({signed})"
    return None


def _plan_line(
    plan: Plan,
    policy: ReferralPolicy,
    parsed: ParsedFile,
    row: Row,
    line: dict[str, Any],
    partner: uuid.UUID,
) -> dict[str, Any]:
    v = row.values
    void = v["action"] == "void"
    new = {
        "id": uuid.uuid4(),
        "qualified_agreement_id": line["qualified_agreement_id"],
        "kind": line["kind"] if void else v["kind"],
        "amount": line["amount"] if void else v["amount"],
        "currency": policy.currency,
        "occurred_on": line["occurred_on"] if void else v["occurredOn"],
        "description": v["description"],
        "supersedes_id": line["id"],
        "voided": void,
        "effective_on": v["effectiveOn"],
    }
    plan.adopt(parsed.kind, row, new["id"])
    plan.add(RevenueLine.__table__, new)
    plan.ledger_partners.add(partner)
    operation = "voidRevenueLine" if void else "correctRevenueLine"
    target = ("QualifiedAgreement", line["qualified_agreement_id"])
    plan.mark(parsed.kind, row, "effectiveOn", operation, target, partner)
    return new


def check_tax_documents(plan: Plan, parsed: ParsedFile, rows: list[Row]) -> None:
    """Tax documents: received not after today, a withholding rate between 0 and 1 (CS-REF-08)."""
    for row in rows:
        v = row.values
        partner = plan.ref(parsed, row, "partner", "partners")
        ok = plan.not_after_today(parsed, row, "receivedOn")
        ok = check_amount(parsed, row, "withholdingRate", v["withholdingRate"], zero=True) and ok
        if ok and v["withholdingRate"] > 1:
            parsed.error(row, "withholdingRate", Code.INVALID_AMOUNT, "a rate is between 0 and 1")
            ok = False
        if partner is None or not ok:
            continue
        ident = uuid.uuid4()
        plan.adopt(parsed.kind, row, ident)
        plan.add(
            TaxDocument.__table__,
            {
                "id": ident,
                "partner_id": partner,
                "received_on": v["receivedOn"],
                "withholding_rate": v["withholdingRate"],
                "reference": v["reference"] or "",
            },
        )
        target = ("Partner", partner)
        plan.mark(parsed.kind, row, "receivedOn", "recordTaxDocumentation", target, partner)
