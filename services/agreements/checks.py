"""Checks before an agreement action: who signs, which agreement, in which mode, on which
prerequisites.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Acceptance, Agreement, Membership, Partner, Program, TemplateVersion
from models.base import utcnow
from rules.agreement_terms import AgreementStatus
from rules.citations import cited_in
from services.actor import Actor
from services.agreements.first_read import FirstRead, first_read
from services.agreements.state import agreement_spec, state_of
from services.documents import templates
from services.errors import AgreementErrorCode, input_error
from services.fact_dates import Earlier, FactDate, fact_date
from services.partners.memberships import UNREAD, Unread
from services.programs.sections.agreements import AgreementDef
from services.programs.typed import membership_kinds, spec_of
from services.scope import partner_and_program

Code = AgreementErrorCode
REASON_MAX = 1000
ENDED = (AgreementStatus.TERMINATED, AgreementStatus.EXPIRED, AgreementStatus.REJECTED)
TEXT_MAX = 200
EMAIL_MAX = 254
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MODE_HINT = {
    "apply_then_approve": "is applied for and approved: use applyToProgram",
    "click_accept": "is accepted by click: use acceptAgreement",
}


@dataclass(frozen=True)
class Signer:
    """Who signs for the partner (SEG-AGR-01)."""

    name: str
    title: str
    email: str


@dataclass(frozen=True)
class Client:
    """Where the signature came from."""

    ip: str | None = None
    user_agent: str | None = None


def _check_signer(signer: Signer) -> Signer:
    """The signer's details trimmed; each is required, bounded, and the e-mail well formed."""
    values = {}
    for name in ("name", "title", "email"):
        value = getattr(signer, name).strip()
        if not value:
            raise input_error(f"signer.{name}", Code.REQUIRED, f"signer {name} is required")
        if len(value) > (EMAIL_MAX if name == "email" else TEXT_MAX):
            raise input_error(f"signer.{name}", Code.TOO_LONG, f"signer {name} is too long")
        values[name] = value
    if not EMAIL.match(values["email"]):
        raise input_error(
            "signer.email", Code.INVALID_EMAIL, "signer email is not an e-mail address"
        )
    return Signer(**values)


@dataclass(frozen=True)
class SignatureRequest:
    """What a partner signs: which program and agreement kind, and who signs.

    No partner: the key's own. No kind: the program's membership agreement.
    """

    partner_id: uuid.UUID | None
    program_id: uuid.UUID
    kind: str | None
    signer: Signer
    accepted_at: datetime | None = None
    fact_on: date | None = None


@dataclass(frozen=True)
class Signing:
    """When a signature happened: the fact's day (Effective Date or application day) and the
    moment of acceptance (None: now)."""

    dated: FactDate
    accepted_at: datetime | None


@dataclass(frozen=True)
class Target:
    """The agreement an action is about, with its partner, program and program-file entry."""

    partner: Partner
    program: Program
    spec: AgreementDef
    agreement: Agreement
    created: bool = False
    """The agreement row was made by this action (so it has no acceptance yet)."""
    template: TemplateVersion | None = None
    """The template version of the agreement's kind now current, when read with the partner."""
    membership: Membership | Unread | None = UNREAD
    """The partner's membership of the program, when read with the partner (None: none)."""


@dataclass(frozen=True)
class Signed:
    """A recorded signature: the acceptance, and the agreement and program as committed (the
    answer shows them without reading them again)."""

    acceptance: Acceptance
    agreement: Agreement
    program: Program


def bounded(text: str | None, field: str) -> str:
    """A free-text input trimmed, refused above REASON_MAX characters."""
    value = (text or "").strip()
    if len(value) > REASON_MAX:
        raise input_error(field, Code.TOO_LONG, f"{field} is limited to {REASON_MAX} characters")
    return value


async def current_template(session: AsyncSession, program: Program, kind: str) -> TemplateVersion:
    """The template version a document of this kind is rendered from now."""
    template = await templates.current_for(session, program.slug, kind)
    if template is None:
        raise input_error("kind", Code.NO_TEMPLATE, f"no template is published for {kind}")
    return template


def signing_dates(program: Program, actor: Actor, request: SignatureRequest, field: str) -> Signing:
    """The dates of a signature (issue 11): `acceptedAt` (with an offset, not in the future) and
    the fact's day (`field`), which defaults to the acceptance's day and is never before it."""
    accepted_at = request.accepted_at
    accepted_day = None
    if accepted_at is not None:
        if accepted_at.tzinfo is None:
            raise input_error("acceptedAt", Code.INVALID_DATE, "acceptedAt needs a UTC offset")
        accepted_day = accepted_at.astimezone(ZoneInfo(program.timezone)).date()
        fact_date(program, actor, accepted_day, "acceptedAt", Code)
        if accepted_at > utcnow():
            raise input_error("acceptedAt", Code.DATE_IN_FUTURE, "acceptedAt is in the future")
    dated = fact_date(
        program,
        actor,
        request.fact_on or accepted_day,
        field,
        Code,
        Earlier("the acceptance (acceptedAt)", accepted_day),
    )
    return Signing(dated, accepted_at)


async def prepare(
    session: AsyncSession, actor: Actor, request: SignatureRequest, mode: str, field: str
) -> tuple[Target, Signer, Signing]:
    """The checks before a signature: who signs for whom, which agreement, its acceptance mode
    and prerequisites.

    Returns the agreement (created on first use, locked), the signer's checked details and
    the signature's dates; prerequisites are read as of the fact's own day.
    """
    signer = _check_signer(request.signer)
    first, kind = await _first_read(session, actor, request)
    partner, program = first.partner, first.program
    spec = agreement_spec(program, kind)
    if spec is None:
        raise input_error("kind", Code.UNKNOWN_KIND, f"{program.slug} has no agreement {kind!r}")
    if spec.acceptance_mode != mode:
        raise input_error(
            "kind",
            Code.WRONG_ACCEPTANCE_MODE,
            f"{spec.name} {MODE_HINT[spec.acceptance_mode]}",
        )
    signing = signing_dates(program, actor, request, field)
    await _check_prerequisites(session, program, partner, spec, signing.dated.day)
    agreement, created = _agreement_row(first, kind)
    target = Target(partner, program, spec, agreement, created, first.template, first.membership)
    return target, signer, signing


async def _first_read(
    session: AsyncSession, actor: Actor, request: SignatureRequest
) -> tuple[FirstRead, str]:
    """The partner and program and, in the same statement, the agreement of the kind (locked),
    its current template, the membership and the webhook endpoints (issue 14); the kind (none
    named: the program's membership agreement, read first with the partner and program)."""
    partner_id = request.partner_id or actor.partner_id
    if request.kind is not None and partner_id is not None:
        found = await first_read(session, partner_id, request.program_id, request.kind)
        if found is not None and actor.may_see_partner(found.partner.id):
            return found, request.kind
    partner, program = await partner_and_program(
        session, actor, request.partner_id, request.program_id, Code
    )
    kind = request.kind
    if kind is None:
        kinds = _membership_kinds(program)
        kind = kinds[0] if kinds else ""
    found = await first_read(session, partner.id, program.id, kind)
    if found is None:  # deleted since by a concurrent transaction
        raise input_error("partnerId", Code.PARTNER_NOT_FOUND, "no partner has that id")
    return found, kind


async def load(session: AsyncSession, actor: Actor, agreement_id: uuid.UUID) -> Target:
    """An existing agreement the actor may see, locked for the change."""
    agreement = await session.get(Agreement, agreement_id, with_for_update=True)
    if agreement is None or not actor.may_see_partner(agreement.partner_id):
        raise input_error("agreementId", Code.AGREEMENT_NOT_FOUND, "no agreement has that id")
    program = await session.get(Program, agreement.program_id)
    partner = await session.get(Partner, agreement.partner_id)
    assert program is not None and partner is not None
    spec = agreement_spec(program, agreement.kind)
    assert spec is not None
    return Target(partner, program, spec, agreement)


def _membership_kinds(program: Program) -> list[str]:
    return membership_kinds(program)


async def _membership_agreement_active(
    session: AsyncSession, program: Program, partner: Partner, today: date
) -> bool:
    rows = await session.scalars(
        select(Agreement).where(
            Agreement.partner_id == partner.id,
            Agreement.program_id == program.id,
            Agreement.kind.in_(_membership_kinds(program)),
        )
    )
    return any(
        state_of(program, row, today).status
        in (AgreementStatus.ACTIVE, AgreementStatus.NOTICE_GIVEN)
        for row in rows
    )


async def _check_prerequisites(
    session: AsyncSession, program: Program, partner: Partner, spec: AgreementDef, today: date
) -> None:
    capacity = spec.capacity
    if capacity and capacity not in partner.capacities:
        raise input_error(
            "kind",
            Code.CAPACITY_REQUIRED,
            f"{spec.name} needs the partner to act as {capacity}"
            f"{cited_in(spec_of(program).membership.cites.get('capacities', []))}",
        )
    if spec.role != "membership" and not await _membership_agreement_active(
        session, program, partner, today
    ):
        raise input_error(
            "kind",
            Code.MEMBERSHIP_AGREEMENT_REQUIRED,
            f"{spec.name} supplements the program agreement, which is not in effect",
        )


def _agreement_row(first: FirstRead, kind: str) -> tuple[Agreement, bool]:
    """The agreement read (and locked) first, else a new one (the bool: made now)."""
    if first.agreement is not None:
        return first.agreement, False
    row = Agreement(
        id=uuid.uuid4(),
        partner_id=first.partner.id,
        program_id=first.program.id,
        kind=kind,
        version=1,
    )
    return row, True  # written by the signature (signing.sign), with its facts
