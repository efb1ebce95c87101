"""Checking qualified agreements, revenue lines and client payments of an import, and planning
their inserts (the checks of the commission mutations: CS-REF-11/13/14, dates in order)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    ClientPayment,
    QualifiedAgreement,
    Referral,
    RevenueLine,
)
from rules.citations import cited_in
from rules.ncr import known_kinds
from rules.referral_state import ReferralStatus
from services.commissions.qualified_agreements import WINDOW, depended_kinds, limit_from
from services.errors import ImportErrorCode as Code
from services.imports import primacy
from services.imports.checks_evidence import check_amount
from services.imports.checks_notices import agreement_states
from services.imports.checks_referrals import load_rows, row_of, status_as_of
from services.imports.plan import Plan
from services.imports.reading import ParsedFile, Row
from services.referrals.policy import ReferralPolicy


async def _referral(session: AsyncSession, plan: Plan, ident: uuid.UUID) -> dict[str, Any]:
    known = plan.objects.setdefault("referrals", {})
    if ident not in known:
        for r in await load_rows(session, Referral, [ident]):
            known[r.id] = row_of(r)
    found: dict[str, Any] = known[ident]
    return found


async def check_qualified(
    session: AsyncSession, plan: Plan, policy: ReferralPolicy, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Qualified agreements: signed between submission and today, while the primary referral
    was live, inside the qualification window, under a schedule in force (CS-REF-04/10/11)."""
    fresh = set(plan.new.get("referrals", {}).values())
    # CS-REF-11: the agreements as recorded, imported now, and ended by notices imported now.
    kinds = depended_kinds(plan.program, policy)
    agreements: dict[uuid.UUID, list[Agreement]] = defaultdict(list)
    for agreement in (await agreement_states(session, plan)).values():
        if agreement.kind in kinds:
            agreements[agreement.partner_id].append(agreement)
    for row in rows:
        v = row.values
        ident = plan.ref(parsed, row, "referral", "referrals")
        if not plan.not_after_today(parsed, row, "signedOn") or ident is None:
            continue
        referral = await _referral(session, plan, ident)
        signed: date = v["signedOn"]
        primary = await primacy.primary_on(session, plan, policy, referral, signed)
        limit = limit_from(
            plan.program, policy, referral["submitted_on"], agreements[referral["partner_id"]]
        )
        problem = _qualification_problem(policy, referral, signed, primary, limit)
        if problem is not None:
            parsed.error(row, problem[0], problem[1], problem[2])
            continue
        q = uuid.uuid4()
        referral["qualified_on"] = signed
        if referral["id"] not in fresh:
            plan.updates.append(
                update(Referral)
                .where(Referral.id == ident)
                .values(qualified_on=signed, version=Referral.version + 1)
            )
        plan.adopt("qualified_agreements", row, q)
        target = ("Referral", referral["id"])
        partner = referral["partner_id"]
        plan.mark(parsed.kind, row, "signedOn", "recordQualifiedAgreement", target, partner)
        plan.objects.setdefault("qualified_agreements", {})[q] = {
            "signed_on": signed,
            "partner_id": referral["partner_id"],
        }
        plan.ledger_partners.add(referral["partner_id"])
        plan.add(
            QualifiedAgreement.__table__,
            {
                "id": q,
                "referral_id": ident,
                "signed_on": signed,
                "products": list(v["products"]),
                "through_reseller": v["throughReseller"],
                "paid_under_other_program": v["paidUnderOtherProgram"],
                "order_reference": v["orderReference"] or "",
            },
        )


def _qualification_problem(
    policy: ReferralPolicy, referral: dict[str, Any], signed: date, primary: bool, limit: date
) -> tuple[str, Code, str] | None:
    if signed < referral["submitted_on"]:
        return (
            "signedOn",
            Code.OUT_OF_ORDER,
            f"signedOn is before the submission ({referral['submitted_on']})",
        )
    if not primary:
        return (
            "referral",
            Code.NOT_PRIMARY,
            f"on {signed} another partner's referral held this client"
            f"{cited_in(policy.rules_of('conflict_window_months'))}",
        )
    if referral["qualified_on"] is not None:
        return "referral", Code.ALREADY_QUALIFIED, "a qualified agreement is recorded"
    status = status_as_of(referral, signed)
    if status is not ReferralStatus.APPROVED:
        cites = cited_in(policy.rules_of("meeting_deadline_days"))
        return "signedOn", Code.NOT_LIVE, f"on {signed} the referral was {status.value}{cites}"
    if signed > limit:  # the window and post-termination tail (rules/qualification.py)
        return (
            "signedOn",
            Code.OUTSIDE_QUALIFICATION_WINDOW,
            f"had to be signed by {limit}{cited_in(policy.rules_of(*WINDOW))}",
        )
    if policy.schedule_on(signed) is None:
        return "signedOn", Code.INVALID_DATE, "no commission schedule was in force then"
    return None


async def qualified_of(session: AsyncSession, plan: Plan, ident: uuid.UUID) -> dict[str, Any]:
    """A qualified agreement's signing date and partner (imported now or before)."""
    known = plan.objects.setdefault("qualified_agreements", {})
    if ident not in known:
        row = (
            await session.execute(
                select(QualifiedAgreement.signed_on, Referral.partner_id)
                .join(Referral, Referral.id == QualifiedAgreement.referral_id)
                .where(QualifiedAgreement.id == ident)
            )
        ).one()
        known[ident] = {"signed_on": row[0], "partner_id": row[1]}
    found: dict[str, Any] = known[ident]
    return found


async def check_money(
    session: AsyncSession, plan: Plan, policy: ReferralPolicy, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Revenue lines (a known kind, CS-REF-13) and client payments (CS-REF-14): a positive
    amount dated between the signing and today."""
    revenue = parsed.kind == "revenue_lines"
    day = "occurredOn" if revenue else "receivedOn"
    kinds = known_kinds(policy.deductions, policy.exclusions, policy.taxes)
    for row in rows:
        v = row.values
        q = plan.ref(parsed, row, "qualifiedAgreement", "qualified_agreements")
        ok = plan.not_after_today(parsed, row, day)
        ok = check_amount(parsed, row, "amount", v["amount"]) and ok
        if revenue and v["kind"] not in kinds:
            parsed.error(
                row, "kind", Code.UNKNOWN_KIND, f"kind is one of {', '.join(sorted(kinds))}"
            )
            ok = False
        if q is None or not ok:
            continue
        qualified = await qualified_of(session, plan, q)
        if v[day] < qualified["signed_on"]:
            parsed.error(
                row,
                day,
                Code.OUT_OF_ORDER,
                f"{day} is before the signing ({qualified['signed_on']})",
            )
            continue
        ident = uuid.uuid4()
        plan.adopt(parsed.kind, row, ident)
        plan.ledger_partners.add(qualified["partner_id"])
        operation = "recordRevenue" if revenue else "recordClientPayment"
        target = ("QualifiedAgreement", q)
        plan.mark(parsed.kind, row, day, operation, target, qualified["partner_id"])
        common = {
            "id": ident,
            "qualified_agreement_id": q,
            "amount": v["amount"],
            "currency": policy.currency,
        }
        if revenue:
            line = {
                **common,
                "kind": v["kind"],
                "occurred_on": v[day],
                "description": v["description"] or "",
                "supersedes_id": None,
                "voided": False,
                "effective_on": None,
            }
            plan.add(RevenueLine.__table__, line)
            plan.objects.setdefault("revenue_lines", {})[ident] = line
        else:
            plan.add(
                ClientPayment.__table__,
                {**common, "received_on": v[day], "reference": v["reference"] or ""},
            )
