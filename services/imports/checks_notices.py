"""Checking the notices of an import (agreement_notices.csv: non-renewal, termination and breach
notices with their dispatch, delivery method, receipt and cure) and planning their inserts, with
the checks of giveNonRenewalNotice, terminateAgreement and recordCure (SEG-AGR-07/08/09/13,
CS-AGR-06), each as of the notice's own dates.

The notices of one agreement apply in dispatch order, after those recorded before. The
agreements they change are kept as transient copies (`plan.objects["agreement_states"]`), so
the CS-REF-11 window of the qualified agreements of the same import reads their ends.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement, AgreementNotice
from models.agreements.notices import BREACH, NON_RENEWAL, OPERATOR, PARTNER, TERMINATION
from rules.agreement_terms import AgreementStatus, non_renewal_deadline, term_index
from services.agreements.checks import ENDED
from services.agreements.lapses import cure_lapses_on
from services.agreements.notices import given_on
from services.agreements.state import agreement_spec, latest_notice, state_of, terms_of
from services.errors import ImportErrorCode as Code
from services.imports.plan import Plan
from services.imports.reading import ParsedFile, Row

STATES = "agreement_states"
"""The plan's transient agreements by (partner, kind): stored or planned, with every notice."""
STORED = "stored_agreements"
"""The ids of the program's agreements recorded before the import."""
REASONS = {TERMINATION: ("convenience", "immediate"), BREACH: ("breach",), NON_RENEWAL: ()}
OPERATIONS = {NON_RENEWAL: "giveNonRenewalNotice", TERMINATION: "terminateAgreement"}

Problem = tuple[str, Code, str]


async def agreement_states(session: AsyncSession, plan: Plan) -> dict[Any, Agreement]:
    """Transient copies of the program's agreements, stored and planned, with their notices
    (kept in the plan; nothing here is added to the session)."""
    states: dict[Any, Agreement] = plan.objects.setdefault(STATES, {})
    if states:
        return states
    stored = [
        _values(a)
        for a in await session.scalars(
            select(Agreement).where(Agreement.program_id == plan.program.id)
        )
    ]
    plan.objects[STORED] = {a["id"]: True for a in stored}
    planned = [dict(a) for a in plan.inserts.get(Agreement.__table__, [])]
    for source in stored + planned:
        copy = Agreement(
            id=source["id"],
            partner_id=source["partner_id"],
            program_id=plan.program.id,
            kind=source["kind"],
            effective_on=source["effective_on"],
            rejected_on=source.get("rejected_on"),
            notices=[AgreementNotice(**n) for n in source.get("notices", [])],
        )
        states[(copy.partner_id, copy.kind)] = copy
    return states


NOTICE_COLUMNS = (
    "kind",
    "reason",
    "party",
    "cause",
    "sent_on",
    "method",
    "received_on",
    "given_on",
    "cured_on",
)


def _values(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.id,
        "partner_id": agreement.partner_id,
        "kind": agreement.kind,
        "effective_on": agreement.effective_on,
        "rejected_on": agreement.rejected_on,
        "notices": [{c: getattr(n, c) for c in NOTICE_COLUMNS} for n in agreement.notices],
    }


def _row_problem(plan: Plan, row: Row) -> Problem | None:
    """What is wrong with a notice row on its own (None: nothing)."""
    v = row.values
    kind = v["kind"]
    if kind not in REASONS:
        return "kind", Code.INVALID, "kind is non_renewal, termination or breach"
    if v["party"] not in (OPERATOR, PARTNER):
        return "party", Code.INVALID, "party is operator or partner"
    if (v["reason"] or None) not in (REASONS[kind] or (None,)):
        allowed = " or ".join(REASONS[kind]) or "empty"
        return "reason", Code.INVALID, f"the reason of a {kind} notice is {allowed}"
    spec = agreement_spec(plan.program, v["agreementKind"])
    if spec is None:
        return "agreementKind", Code.UNKNOWN_KIND, f"no agreement kind {v['agreementKind']!r}"
    if v["reason"] == "immediate":
        causes = spec.immediate_termination_causes
        if v["cause"] not in causes:
            return "cause", Code.INVALID, f"an immediate termination names one of: {causes}"
        if v["party"] == PARTNER and v["cause"] not in spec.immediate_causes_open_to_partner:
            return "cause", Code.INVALID, f"{v['cause']} is a cause only the operator invokes"
    if kind == BREACH and not v["cause"]:
        return "cause", Code.REQUIRED, "describe the breach the notice is about"
    if kind == NON_RENEWAL and v["cause"]:
        return "cause", Code.INVALID, "a non-renewal notice gives no cause"
    if v["curedOn"] is not None and kind != BREACH:
        return "curedOn", Code.INVALID, "only a breach is cured"
    methods = [r.method for r in spec.notice_delivery]
    if v["method"] is not None and v["method"] not in methods:
        return "method", Code.INVALID, f"the delivery methods are: {', '.join(methods) or 'none'}"
    return None


async def check_notices(
    session: AsyncSession, plan: Plan, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Notices: each on an agreement in effect on its dispatch, in order with the agreement's
    other notices, as the notice mutations check them on the notice's own dates."""
    states = await agreement_states(session, plan)
    by_agreement: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        partner = plan.ref(parsed, row, "partner", "partners")
        ok = plan.not_after_today(parsed, row, "dispatchedOn", "receivedOn", "curedOn")
        ok = plan.in_order(parsed, row, "dispatchedOn", "receivedOn") and ok
        ok = plan.in_order(parsed, row, "dispatchedOn", "curedOn") and ok
        problem = _row_problem(plan, row)
        if problem is not None:
            parsed.error(row, *problem)
            continue
        key = (partner, row.values["agreementKind"])
        if partner is not None and key not in states:
            parsed.error(
                row, "agreementKind", Code.NOT_IN_EFFECT, "the partner has no such agreement"
            )
            continue
        if partner is not None and ok:
            by_agreement[key].append(row)
    for key, group in by_agreement.items():
        group.sort(key=lambda r: (r.values["dispatchedOn"], r.external_id))
        for row in group:
            problem = _state_problem(plan, states[key], row)
            if problem is not None:
                parsed.error(row, *problem)
                break
            _plan_notice(plan, parsed, states[key], row)


def _state_problem(plan: Plan, agreement: Agreement, row: Row) -> Problem | None:
    v = row.values
    sent: date = v["dispatchedOn"]
    if agreement.effective_on is None or sent < agreement.effective_on:
        return "dispatchedOn", Code.NOT_IN_EFFECT, "the agreement was not in effect then"
    if agreement.notices and sent < agreement.notices[-1].sent_on:
        last = agreement.notices[-1].sent_on
        return "dispatchedOn", Code.OUT_OF_ORDER, f"before the agreement's last notice ({last})"
    status = state_of(plan.program, agreement, sent).status
    if status in ENDED:
        return "dispatchedOn", Code.AGREEMENT_ENDED, f"on {sent} the agreement was {status.value}"
    if v["kind"] == NON_RENEWAL:
        return _non_renewal_problem(plan, agreement, row, status)
    open_notice = latest_notice(agreement, non_renewal=False)
    if open_notice is not None and open_notice.cured_on is None:
        given = open_notice.sent_on
        return "dispatchedOn", Code.NOTICE_ALREADY_GIVEN, f"a notice of {given} is open"
    if open_notice is not None and open_notice.cured_on and sent <= open_notice.cured_on:
        cured = open_notice.cured_on
        return "dispatchedOn", Code.OUT_OF_ORDER, f"a new notice comes after the cure ({cured})"
    return None


def _non_renewal_problem(
    plan: Plan, agreement: Agreement, row: Row, status: AgreementStatus
) -> Problem | None:
    spec = agreement_spec(plan.program, agreement.kind)
    assert spec is not None and agreement.effective_on is not None
    terms = terms_of(spec)
    if not terms.fixed_term or terms.non_renewal_notice_days is None:
        return "kind", Code.INVALID, f"{spec.name} has no renewal terms"
    if (
        latest_notice(agreement, non_renewal=True) is not None
        or status is not AgreementStatus.ACTIVE
    ):
        return "kind", Code.NOTICE_ALREADY_GIVEN, f"the agreement is {status.value}"
    rule = next((r for r in spec.notice_delivery if r.method == row.values["method"]), None)
    deemed = given_on(rule, row.values["dispatchedOn"], row.values["receivedOn"])
    day = deemed or row.values["dispatchedOn"]
    k = term_index(terms, agreement.effective_on, day)
    deadline = non_renewal_deadline(terms, agreement.effective_on, k)
    if day > deadline:
        return "dispatchedOn", Code.NOTICE_TOO_LATE, f"given {day}, after the deadline {deadline}"
    return None


def _plan_notice(plan: Plan, parsed: ParsedFile, agreement: Agreement, row: Row) -> None:
    v = row.values
    spec = agreement_spec(plan.program, agreement.kind)
    assert spec is not None
    rule = next((r for r in spec.notice_delivery if r.method == v["method"]), None)
    values = {
        "id": uuid.uuid4(),
        "agreement_id": agreement.id,
        "kind": v["kind"],
        "reason": v["reason"] or (BREACH if v["kind"] == BREACH else None),
        "party": v["party"],
        "cause": v["cause"],
        "sent_on": v["dispatchedOn"],
        "method": v["method"],
        "received_on": v["receivedOn"],
        "given_on": given_on(rule, v["dispatchedOn"], v["receivedOn"]),
        "cured_on": None,
    }
    notice = AgreementNotice(**values)
    if v["curedOn"] is not None:
        lapse = cure_lapses_on(plan.program, agreement, notice)
        if lapse is None or v["curedOn"] >= lapse:
            parsed.error(row, "curedOn", Code.OUT_OF_ORDER, f"the cure period ended before {lapse}")
            return
        notice.cured_on = values["cured_on"] = v["curedOn"]
    agreement.notices.append(notice)
    plan.adopt(parsed.kind, row, values["id"])
    plan.add(AgreementNotice.__table__, values)
    if agreement.id in plan.objects[STORED]:
        plan.updates.append(
            update(Agreement)
            .where(Agreement.id == agreement.id)
            .values(version=Agreement.version + 1)
        )
    target = ("Agreement", agreement.id)
    operation = OPERATIONS.get(v["kind"], "terminateAgreement")
    plan.mark(parsed.kind, row, "dispatchedOn", operation, target, agreement.partner_id)
    plan.mark(parsed.kind, row, "curedOn", "recordCure", target, agreement.partner_id)
