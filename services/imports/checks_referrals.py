"""Checking referrals with their lifecycle dates, qualified agreements, revenue lines and client
payments, and planning their inserts (the checks of the referral and commission mutations:
CS-REF-02/04/10/11/13/14, dates not after today and in order).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Agreement,
    ClientClaim,
    Referral,
    ReferralKey,
)
from rules.citations import cited_in
from rules.client_identity import client_keys
from rules.opportunity_kinds import KindProblem, kind_message, kind_problem
from rules.referral_state import ReferralFacts, ReferralStatus, status_on
from services.agreements.supplements import IN_EFFECT, state_among
from services.errors import ImportErrorCode as Code
from services.imports import primacy
from services.imports.checks_notices import agreement_states
from services.imports.plan import Plan, local_midnight
from services.imports.reading import ParsedFile, Row
from services.referrals.policy import ReferralPolicy
from services.referrals.submission import OPEN

CHUNK = 1000
FACTS = (
    "submitted_on",
    "decision_deadline",
    "meeting_deadline",
    "approved_on",
    "rejected_on",
    "meeting_on",
    "not_viable_on",
    "qualified_on",
    "closed_on",
)

LIFECYCLE = (
    ("submittedOn", "submitReferral"),
    ("approvedOn", "decideReferral"),
    ("rejectedOn", "decideReferral"),
    ("meetingOn", "recordMeeting"),
    ("notViableOn", "markReferralNotViable"),
    ("closedOn", "closeReferral"),
)
"""A referral row's dated facts and the mutation that records each (its backfill mark)."""


def status_as_of(values: dict[str, Any], on: date) -> ReferralStatus:
    facts = ReferralFacts(**{k: values[k] for k in FACTS})
    return status_on(facts, on, values["undecided_outcome"])


async def load_rows(session: AsyncSession, model: Any, ids: list[uuid.UUID]) -> list[Any]:
    found: list[Any] = []
    for i in range(0, len(ids), CHUNK):
        found += list(await session.scalars(select(model).where(model.id.in_(ids[i : i + CHUNK]))))
    return found


def row_of(referral: Referral) -> dict[str, Any]:
    return {c.name: getattr(referral, c.key) for c in Referral.__table__.columns}


async def check_referrals(
    session: AsyncSession, plan: Plan, policy: ReferralPolicy, parsed: ParsedFile, rows: list[Row]
) -> None:
    """Referrals: dates not after today and in lifecycle order, decided within the decision
    window, met within the meeting window, an agreement in effect on submission, and the
    first submitter of a client keeps it for the conflict window (CS-REF-02/04)."""
    # The agreement in effect on submission, bounded by the one it supplements, as recorded
    # and as imported now with its notices (issue 12), as agreement_in_force reads it.
    states = await agreement_states(session, plan)
    siblings: dict[uuid.UUID, list[Agreement]] = defaultdict(list)
    for agreement in states.values():
        siblings[agreement.partner_id].append(agreement)

    def eligible(partner: uuid.UUID, day: date) -> bool:
        agreement = states.get((partner, policy.requires_agreement))
        if agreement is None or agreement.effective_on is None or agreement.effective_on > day:
            return False
        state = state_among(plan.program, agreement, siblings[partner], day)
        return state.status in IN_EFFECT

    good: list[tuple[Row, dict[str, Any]]] = []
    for row in rows:
        values = _referral_values(plan, policy, parsed, row, eligible)
        if values is not None:
            good.append((row, values))
    good.sort(key=lambda item: (item[1]["submitted_on"], item[0].external_id))
    await _decide_conflicts(session, plan, policy, parsed, good)


def _referral_values(
    plan: Plan,
    policy: ReferralPolicy,
    parsed: ParsedFile,
    row: Row,
    eligible: Callable[[uuid.UUID, date], bool],
) -> dict[str, Any] | None:
    v = row.values
    partner = plan.ref(parsed, row, "partner", "partners")
    dated = ("submittedOn", "approvedOn", "rejectedOn", "meetingOn", "notViableOn", "closedOn")
    ok = plan.not_after_today(parsed, row, *dated)
    for later in ("approvedOn", "rejectedOn", "notViableOn", "closedOn"):
        ok = plan.in_order(parsed, row, "submittedOn", later) and ok
    ok = plan.in_order(parsed, row, "approvedOn", "meetingOn") and ok
    if v["approvedOn"] and v["rejectedOn"]:
        parsed.error(row, "rejectedOn", Code.INVALID, "a referral is approved or rejected")
        ok = False
    if v["meetingOn"] and not v["approvedOn"]:
        parsed.error(row, "meetingOn", Code.OUT_OF_ORDER, "a meeting needs the approval first")
        ok = False
    # SEG-TIER-11: a kind given must be one the program lists; history may leave it empty.
    problem = kind_problem(v["opportunityKind"], policy.opportunity_kinds)
    if problem not in (None, KindProblem.MISSING):
        message = kind_message(
            problem,
            v["opportunityKind"],
            policy.opportunity_kinds,
            policy.rules_of("qualifying_opportunities"),
        )
        parsed.error(row, "opportunityKind", Code.OPPORTUNITY_KIND_NOT_QUALIFYING, message)
        ok = False
    keys = client_keys(v["clientName"], v["clientWebsite"])
    if not keys:
        parsed.error(row, "clientName", Code.INVALID, "nothing identifies the client")
        ok = False
    submitted: date = v["submittedOn"]
    if partner is not None and not eligible(partner, submitted):
        parsed.error(
            row,
            "submittedOn",
            Code.NOT_ELIGIBLE,
            f"the partner's {policy.requires_agreement} was not in effect on {submitted}",
        )
        ok = False
    window = policy.decision_window_business_days
    decision = policy.calendar.add_business_days(submitted, window) if window else None
    meeting = (
        submitted + timedelta(days=policy.meeting_deadline_days)
        if policy.meeting_deadline_days is not None
        else None
    )
    late = policy.undecided_outcome == "deemed_rejected" and decision is not None
    if late and v["approvedOn"] and v["approvedOn"] > decision:
        parsed.error(
            row,
            "approvedOn",
            Code.OUT_OF_ORDER,
            f"undecided by {decision}: deemed rejected"
            f"{cited_in(policy.rules_of('decision_window_business_days'))}",
        )
        ok = False
    if meeting is not None and v["meetingOn"] and v["meetingOn"] > meeting:
        parsed.error(
            row, "meetingOn", Code.OUT_OF_ORDER, f"a meeting had to take place by {meeting}"
        )
        ok = False
    if not ok or partner is None:
        return None
    decided = v["approvedOn"] or v["rejectedOn"]
    return {
        "id": uuid.uuid4(),
        "program_id": plan.program.id,
        "partner_id": partner,
        "client_name": v["clientName"],
        "client_website": v["clientWebsite"],
        "client_keys": sorted(keys),
        "contact_name": v["contactName"],
        "contact_role": v["contactRole"],
        "contact_email": v["contactEmail"],
        "contact_phone": v["contactPhone"],
        "description": v["description"],
        "opportunity_kind": v["opportunityKind"],
        "submitted_at": local_midnight(plan, submitted),
        "submitted_on": submitted,
        "decision_deadline": decision,
        "meeting_deadline": meeting,
        "undecided_outcome": policy.undecided_outcome,
        "is_primary": False,
        "conflicts_with_id": None,
        "approved_on": v["approvedOn"],
        "rejected_on": v["rejectedOn"],
        "decided_at": local_midnight(plan, decided) if decided else None,
        "decision_reason": v["decisionReason"],
        "meeting_on": v["meetingOn"],
        "not_viable_on": v["notViableOn"],
        "not_viable_reason": v["notViableReason"],
        "qualified_on": None,
        "closed_on": v["closedOn"],
        "close_reason": v["closeReason"],
        "deemed_rejected_on": None,
        "lapsed_on": None,
    }


async def _decide_conflicts(
    session: AsyncSession,
    plan: Plan,
    policy: ReferralPolicy,
    parsed: ParsedFile,
    good: list[tuple[Row, dict[str, Any]]],
) -> None:
    """First submitter primacy over the import and the referrals already recorded, as of each
    referral's submission day (CS-REF-04, rules/primacy.py)."""
    keys = sorted({k for _, values in good for k in values["client_keys"]})
    by_key = await primacy.recorded_by_key(session, plan.program.id, keys)
    claims: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        claims |= set(
            await session.scalars(
                select(ClientClaim.client_key).where(
                    ClientClaim.program_id == plan.program.id,
                    ClientClaim.client_key.in_(keys[i : i + CHUNK]),
                )
            )
        )
    holder_of: dict[str, dict[str, Any]] = {}
    for row, values in good:
        day = values["submitted_on"]
        candidates = list(
            {r["id"]: r for k in values["client_keys"] for r in by_key.get(k, [])}.values()
        )
        duplicate = any(
            r["partner_id"] == values["partner_id"]
            and r["submitted_on"] <= day
            and status_as_of(r, day) in OPEN
            for r in candidates
        )
        if duplicate:
            parsed.error(
                row,
                "clientName",
                Code.DUPLICATE_REFERRAL,
                "the partner already referred this client",
            )
            continue
        blocking = primacy.decide(plan, policy, values, candidates)
        plan.adopt("referrals", row, values["id"])
        for column, operation in LIFECYCLE:
            target = ("Referral", values["id"])
            plan.mark("referrals", row, column, operation, target, values["partner_id"])
        plan.add(Referral.__table__, values)
        for key in values["client_keys"]:
            plan.add(
                ReferralKey.__table__,
                {"referral_id": values["id"], "client_key": key, "program_id": plan.program.id},
            )
            by_key.setdefault(key, []).append(values)
        plan.objects.setdefault("referrals", {})[values["id"]] = values
        if blocking is not None:
            values["conflicts_with_id"] = blocking
            continue
        values["is_primary"] = True
        for key in values["client_keys"]:
            holder_of[key] = values
    # client_claims hold each key's primary referral; their row locks order this import
    # against a live submission of the same client (services/referrals/submission._claim).
    for key, holder in holder_of.items():
        claim = {"primary_referral_id": holder["id"], "claimed_at": holder["submitted_at"]}
        if key in claims:
            plan.updates.append(
                update(ClientClaim)
                .where(ClientClaim.program_id == plan.program.id, ClientClaim.client_key == key)
                .values(**claim)
            )
        else:
            plan.add(
                ClientClaim.__table__, {"program_id": plan.program.id, "client_key": key, **claim}
            )
