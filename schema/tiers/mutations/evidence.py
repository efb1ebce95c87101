"""Mutations recording tier evidence, one by one or from CSV (SEG-TIER-04/05)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Evidence as EvidenceRow
from schema.context import Info
from schema.payloads import attempt
from schema.tiers.mutations.errors import GovernanceUserError, governance_errors, governance_id
from schema.tiers.types import Evidence
from services.actor import Actor
from services.tiers import evidence as evidence_cases


@strawberry.input(
    description="Evidence. Kinds: success_story (title, url, occurredOn = "
    "published), joint_solution (title, occurredOn = launched, "
    "documentationCompleted, collateralCompleted), gtm_plan (occurredOn = "
    "approved), account_mapping (crossbeamEnabled, occurredOn), "
    "influenced_revenue (reference, customer, amount = estimated ARR, occurredOn "
    "= closed won, professionalServices), training, certification (title, "
    "occurredOn = completed, expiresOn). occurredOn is the fact's date in the program's "
    "time zone: default the program's today, never after it (DATE_IN_FUTURE); only admin "
    "keys may give a past date (BACKDATING_FORBIDDEN)."
)
class RecordEvidenceInput:
    program_id: strawberry.ID
    kind: str
    occurred_on: dt.date | None = None
    title: str = ""
    url: str | None = None
    customer: str | None = None
    reference: str | None = None
    amount: Decimal | None = None
    professional_services: bool = False
    documentation_completed: bool = False
    collateral_completed: bool = False
    crossbeam_enabled: bool = False
    expires_on: dt.date | None = None
    partner_id: strawberry.ID | None = None


@strawberry.input(
    description="Import influenced revenue (header: deal_reference,customer,"
    "estimated_arr,closed_won_on,professional_services) or success stories "
    "(header: title,url,published_on). Every bad row is reported by line; "
    "nothing is imported unless all rows are good."
)
class ImportEvidenceInput:
    program_id: strawberry.ID
    kind: str
    csv: str
    partner_id: strawberry.ID | None = None


@strawberry.type(description="Result of evidence mutations.")
class EvidencePayload:
    evidence: list[Evidence]
    user_errors: list[GovernanceUserError]


def _evidence_input(data: RecordEvidenceInput) -> evidence_cases.EvidenceInput:
    return evidence_cases.EvidenceInput(
        kind=data.kind,
        occurred_on=data.occurred_on,
        title=data.title,
        url=data.url,
        customer=data.customer,
        reference=data.reference,
        amount=data.amount,
        professional_services=data.professional_services,
        documentation_completed=data.documentation_completed,
        collateral_completed=data.collateral_completed,
        crossbeam_enabled=data.crossbeam_enabled,
        expires_on=data.expires_on,
    )


async def _record(
    session: AsyncSession, actor: Actor, data: RecordEvidenceInput
) -> list[EvidenceRow]:
    return await evidence_cases.record_one(
        session,
        actor,
        program_id=governance_id(data.program_id, "Program", "programId"),
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        item=_evidence_input(data),
    )


async def _import(
    session: AsyncSession, actor: Actor, data: ImportEvidenceInput
) -> list[EvidenceRow]:
    return await evidence_cases.import_csv(
        session,
        actor,
        program_id=governance_id(data.program_id, "Program", "programId"),
        partner_id=governance_id(data.partner_id, "Partner", "partnerId"),
        kind=data.kind,
        text=data.csv,
    )


@strawberry.type
class EvidenceMutations:
    """Recording and importing evidence."""

    @strawberry.mutation(description="Record evidence for a partner (its key or an admin).")
    async def record_evidence(self, info: Info, input: RecordEvidenceInput) -> EvidencePayload:
        rows, errors = await attempt(info, _record, input)
        return EvidencePayload(
            evidence=[Evidence.from_row(r) for r in rows or []],
            user_errors=governance_errors(errors),
        )

    @strawberry.mutation(description="Import evidence from CSV, all rows or none.")
    async def import_evidence(self, info: Info, input: ImportEvidenceInput) -> EvidencePayload:
        rows, errors = await attempt(info, _import, input)
        return EvidencePayload(
            evidence=[Evidence.from_row(r) for r in rows or []],
            user_errors=governance_errors(errors),
        )
