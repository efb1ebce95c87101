"""Mutations of the agreement lifecycle (SEG-AGR-*, CS-AGR-01/06)."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models import Agreement as AgreementRow
from models.documents.blobs import BlobStore
from schema.agreements.types import Acceptance, Agreement
from schema.context import Info
from schema.payloads import attempt, input_id, user_errors
from services.actor import Actor
from services.agreements import acceptance, applications, notices
from services.agreements.checks import Client, SignatureRequest, Signed, Signer
from services.errors import AgreementErrorCode, FieldError

Code = AgreementErrorCode
ADMIN_DATES = "Admin keys may backdate; partner keys record the program's today (issue 11)."
AgreementErrorCodeEnum = strawberry.enum(
    AgreementErrorCode,
    name="AgreementErrorCode",
    description="Why an agreement action was refused.",
)


@strawberry.type(description="A refused agreement input: the input path, a stable code, a message.")
class AgreementUserError:
    field: list[str] | None
    code: AgreementErrorCodeEnum  # type: ignore[valid-type]
    message: str


@strawberry.input(description="The person signing for the partner.")
class SignerInput:
    name: str = strawberry.field(description="1..200 characters.")
    title: str = strawberry.field(description="Job title, 1..200 characters.")
    email: str = strawberry.field(description="E-mail address, at most 254 characters.")


@strawberry.input(description="Accept a click-accept agreement (SEG-AGR-01).")
class AcceptAgreementInput:
    program_id: strawberry.ID
    kind: str = strawberry.field(description="Agreement kind from the program file.")
    signer: SignerInput
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for admin keys; a partner key signs for itself."
    )
    effective_date: dt.date | None = strawberry.field(
        default=None,
        description="Effective Date of a first acceptance; default the program's today. "
        + ADMIN_DATES,
    )
    accepted_at: dt.datetime | None = strawberry.field(
        default=None,
        description="When the signer accepted (with an offset); default now. Its day in the "
        "program's time zone is the Effective Date unless effectiveDate is given. " + ADMIN_DATES,
    )


@strawberry.input(description="Apply to a program by accepting its terms online (CS-AGR-01).")
class ApplyToProgramInput:
    program_id: strawberry.ID
    signer: SignerInput
    kind: str | None = strawberry.field(
        default=None,
        description="Agreement kind; defaults to the program's membership "
        "agreement. A capacity schedule (e.g. the referrer schedule) is applied for the same way.",
    )
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for admin keys."
    )
    applied_on: dt.date | None = strawberry.field(
        default=None, description="Day of the application; default today. " + ADMIN_DATES
    )
    accepted_at: dt.datetime | None = strawberry.field(
        default=None, description="When the signer accepted; default now. " + ADMIN_DATES
    )


@strawberry.enum(description="An admin's decision on an application.")
class ApplicationDecision(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"


@strawberry.input(description="Approve or reject an application (admin keys only).")
class DecideApplicationInput:
    agreement_id: strawberry.ID
    decision: ApplicationDecision
    reason: str = strawberry.field(
        default="", description="Required to reject; at most 1000 characters."
    )
    decided_on: dt.date | None = strawberry.field(
        default=None,
        description="Day of the decision (the Effective Date when approved); default today; "
        "never before the application. " + ADMIN_DATES,
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.input(description="Give notice that a fixed-term agreement will not renew.")
class GiveNonRenewalNoticeInput:
    agreement_id: strawberry.ID
    notice_date: dt.date | None = strawberry.field(
        default=None, description="Day the notice was sent (program time zone); default today."
    )
    delivery_method: str | None = strawberry.field(
        default=None,
        description="How it was sent (e.g. next_day_courier); decides when it "
        "is deemed given (SEG-AGR-13). Omitted: given the day it is sent.",
    )
    received_on: dt.date | None = strawberry.field(
        default=None,
        description="Day the notice was received: a method given on receipt (hand delivery, "
        "certified mail) is given that day; never before noticeDate. Omitted for such a "
        "method, the notice awaits its receipt (recordNoticeReceipt) and has no effect until "
        "then. " + ADMIN_DATES,
    )
    expected_version: int | None = strawberry.field(
        default=None, description="Refuse with STALE_VERSION unless the object is at this version."
    )


@strawberry.type(description="Result of acceptAgreement and applyToProgram.")
class AcceptancePayload:
    agreement: Agreement | None
    acceptance: Acceptance | None
    user_errors: list[AgreementUserError]


@strawberry.type(description="Result of an agreement change.")
class AgreementPayload:
    agreement: Agreement | None
    user_errors: list[AgreementUserError]


def _request(data: AcceptAgreementInput | ApplyToProgramInput) -> SignatureRequest:
    partner = (
        input_id(data.partner_id, "Partner", "partnerId", Code.INVALID_ID)
        if data.partner_id
        else None
    )
    return SignatureRequest(
        partner_id=partner,
        program_id=input_id(data.program_id, "Program", "programId", Code.INVALID_ID),
        kind=data.kind,
        signer=Signer(data.signer.name, data.signer.title, data.signer.email),
        accepted_at=data.accepted_at,
        fact_on=data.effective_date if isinstance(data, AcceptAgreementInput) else data.applied_on,
    )


def _agreement_id(value: strawberry.ID) -> uuid.UUID:
    return input_id(value, "Agreement", "agreementId", Code.INVALID_ID)


async def _accept(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    data: AcceptAgreementInput,
    client: Client,
) -> Signed:
    return await acceptance.accept_agreement(session, actor, store, _request(data), client)


async def _apply(
    session: AsyncSession,
    actor: Actor,
    store: BlobStore,
    data: ApplyToProgramInput,
    client: Client,
) -> Signed:
    return await applications.apply_to_program(session, actor, store, _request(data), client)


async def _decide(
    session: AsyncSession, actor: Actor, store: BlobStore, data: DecideApplicationInput
) -> AgreementRow:
    return await applications.decide_application(
        session,
        actor,
        store,
        agreement_id=_agreement_id(data.agreement_id),
        approve=data.decision is ApplicationDecision.APPROVE,
        reason=data.reason,
        decided_on=data.decided_on,
        expected_version=data.expected_version,
    )


async def _notice(
    session: AsyncSession, actor: Actor, store: BlobStore, data: GiveNonRenewalNoticeInput
) -> AgreementRow:
    return await notices.give_non_renewal_notice(
        session,
        actor,
        store,
        agreement_id=_agreement_id(data.agreement_id),
        notice_on=data.notice_date,
        method=data.delivery_method,
        received_on=data.received_on,
        expected_version=data.expected_version,
    )


def _acceptance_payload(
    info: Info, signed: Signed | None, errors: list[FieldError]
) -> AcceptancePayload:
    """The signature's answer from the rows its use case committed (no second read); the
    request's loaders get them too, for the fields nested under them."""
    if signed is None:
        return AcceptancePayload(
            agreement=None,
            acceptance=None,
            user_errors=user_errors(errors, AgreementUserError),
        )
    loaders = info.context.loaders
    loaders.agreement.prime(signed.agreement.id, signed.agreement)
    loaders.prime_program(signed.program)
    return AcceptancePayload(
        agreement=Agreement.from_row(signed.agreement),
        acceptance=Acceptance.from_row(signed.acceptance),
        user_errors=user_errors(errors, AgreementUserError),
    )


def _payload(row: AgreementRow | None, errors: list[FieldError]) -> AgreementPayload:
    return AgreementPayload(
        agreement=Agreement.from_row(row) if row else None,
        user_errors=user_errors(errors, AgreementUserError),
    )


@strawberry.type
class AgreementMutations:
    @strawberry.mutation(
        description="Accept a click-accept agreement: effective at once, with "
        "a rendered document and its SHA-256 on record (SEG-AGR-01/12)."
    )
    async def accept_agreement(self, info: Info, input: AcceptAgreementInput) -> AcceptancePayload:
        client = Client(info.context.client_ip, info.context.user_agent)
        signed, errors = await attempt(info, _accept, info.context.store, input, client)
        return _acceptance_payload(info, signed, errors)

    @strawberry.mutation(
        description="Apply to a program; it takes effect when an admin "
        "approves the application (CS-AGR-01)."
    )
    async def apply_to_program(self, info: Info, input: ApplyToProgramInput) -> AcceptancePayload:
        client = Client(info.context.client_ip, info.context.user_agent)
        signed, errors = await attempt(info, _apply, info.context.store, input, client)
        return _acceptance_payload(info, signed, errors)

    @strawberry.mutation(description="Approve or reject an application (admin keys only).")
    async def decide_application(
        self, info: Info, input: DecideApplicationInput
    ) -> AgreementPayload:
        row, errors = await attempt(info, _decide, info.context.store, input)
        return _payload(row, errors)

    @strawberry.mutation(
        description="Give notice of non-renewal; refused after the term's deadline (SEG-AGR-07); "
        "a notice letter is generated."
    )
    async def give_non_renewal_notice(
        self, info: Info, input: GiveNonRenewalNoticeInput
    ) -> AgreementPayload:
        row, errors = await attempt(info, _notice, info.context.store, input)
        return _payload(row, errors)
