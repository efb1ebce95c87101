"""Mutations ending an agreement: termination notices by either party and the cure of a breach
(SEG-AGR-08/09, CS-AGR-06; issue 12)."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement as AgreementRow
from models.documents.blobs import BlobStore
from rules.agreement_terms import TerminationReason
from schema.agreements.mutations import ADMIN_DATES, AgreementPayload, _agreement_id, _payload
from schema.agreements.notices import TerminationReasonEnum
from schema.context import Info
from schema.payloads import attempt
from services.actor import Actor
from services.agreements import termination


@strawberry.enum(description="Which party gives a termination notice.")
class TerminatingParty(enum.Enum):
    OPERATOR = "operator"
    PARTNER = "partner"


@strawberry.input(description="Give notice of termination, by either party.")
class TerminateAgreementInput:
    agreement_id: strawberry.ID
    reason: TerminationReasonEnum  # type: ignore[valid-type]
    notice_date: dt.date | None = strawberry.field(
        default=None, description="Day the notice was sent; default today. " + ADMIN_DATES
    )
    cause: str | None = strawberry.field(
        default=None,
        description="BREACH: what the other party breached; IMMEDIATE: one of the program's "
        "immediate causes (e.g. insolvency). At most 1000 characters.",
    )
    delivery_method: str | None = strawberry.field(
        default=None, description="See GiveNonRenewalNoticeInput.deliveryMethod."
    )
    received_on: dt.date | None = strawberry.field(
        default=None, description="See GiveNonRenewalNoticeInput.receivedOn."
    )
    by: TerminatingParty | None = strawberry.field(
        default=None,
        description="Who terminates: a partner key always PARTNER; admin keys record either "
        "party's notice (default OPERATOR).",
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="Record the cure of the breach a breach notice named.")
class RecordCureInput:
    agreement_id: strawberry.ID
    cured_on: dt.date | None = strawberry.field(
        default=None,
        description="Day the breach was cured: within the cure period; default today. "
        + ADMIN_DATES,
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


async def _terminate(
    session: AsyncSession, actor: Actor, store: BlobStore, data: TerminateAgreementInput
) -> AgreementRow:
    return await termination.terminate_agreement(
        session,
        actor,
        store,
        agreement_id=_agreement_id(data.agreement_id),
        reason=TerminationReason(data.reason),
        notice_on=data.notice_date,
        cause=data.cause,
        method=data.delivery_method,
        received_on=data.received_on,
        by=data.by.value if data.by else None,
        expected_version=data.expected_version,
    )


async def _cure(session: AsyncSession, actor: Actor, data: RecordCureInput) -> AgreementRow:
    return await termination.record_cure(
        session,
        actor,
        agreement_id=_agreement_id(data.agreement_id),
        cured_on=data.cured_on,
        expected_version=data.expected_version,
    )


@strawberry.type
class TerminationMutations:
    @strawberry.mutation(
        description="Give notice of termination (SEG-AGR-08/09, CS-AGR-06) for either party; "
        "a notice letter is generated. A BREACH notice opens the cure period: the agreement "
        "ends when it lapses uncured, and the notice of termination after an uncured breach "
        "is issued then. IMMEDIATE causes open to the partner are program data."
    )
    async def terminate_agreement(
        self, info: Info, input: TerminateAgreementInput
    ) -> AgreementPayload:
        row, errors = await attempt(info, _terminate, info.context.store, input)
        return _payload(row, errors)

    @strawberry.mutation(
        description="Record that the breach under an open breach notice was cured, on its own "
        "date within the cure period: the agreement continues. Admin keys, or the partner "
        "when it gave the breach notice."
    )
    async def record_cure(self, info: Info, input: RecordCureInput) -> AgreementPayload:
        row, errors = await attempt(info, _cure, input)
        return _payload(row, errors)
