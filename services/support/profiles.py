"""Use cases of a partner's support profile: support hours, CSM and support list (SUP-01/02/05)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner, Program, SupportContact, SupportProfile
from services.actor import Actor
from services.audit.log import record
from services.errors import input_error
from services.support.policy import TEXT_MAX, Code, clean_text, scope, window_of

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ().-]{6,40}$")


async def set_support_hours(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    window: str,
) -> SupportProfile:
    """Choose the partner's support-hours window (SUP-01)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    window_of(program, window)
    profile = await profile_of(session, partner, program)
    old = profile.window_key if profile.id else None
    profile.window_key = window
    session.add(profile)
    await session.flush()
    await record(
        session, actor, "setSupportHours", "Partner", partner.id, {"window": [old, window]}
    )
    return profile


async def profile_of(session: AsyncSession, partner: Partner, program: Program) -> SupportProfile:
    """The partner's support profile in the program (a new, unsaved one if there is none)."""
    profile = await session.scalar(
        select(SupportProfile).where(
            SupportProfile.partner_id == partner.id, SupportProfile.program_id == program.id
        )
    )
    return profile or SupportProfile(
        id=uuid.uuid4(), partner_id=partner.id, program_id=program.id, window_key=""
    )


async def assign_csm(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID,
    program_id: uuid.UUID,
    name: str | None,
    email: str | None,
) -> SupportProfile:
    """Assign (or clear) the partner's Customer Success Manager (SUP-05), admins only."""
    if not actor.is_admin:
        raise input_error("partnerId", Code.FORBIDDEN, "only an admin key assigns a CSM")
    partner, program = await scope(session, actor, partner_id, program_id)
    clean_name = clean_text("name", name or "", TEXT_MAX, required=False) or None
    clean_email = clean_text("email", email or "", 254, required=False) or None
    if clean_email and not EMAIL.match(clean_email):
        raise input_error("email", Code.INVALID_EMAIL, "email is not an e-mail address")
    if bool(clean_name) != bool(clean_email):
        raise input_error("name", Code.REQUIRED, "a CSM needs both a name and an e-mail")
    profile = await profile_of(session, partner, program)
    profile.csm_name, profile.csm_email = clean_name, clean_email
    session.add(profile)
    await session.flush()
    await record(session, actor, "assignCsm", "Partner", partner.id, {"csm": [None, clean_email]})
    return profile


@dataclass(frozen=True)
class ContactInput:
    """A support-list contact as given."""

    name: str
    email: str
    phone: str
    role: str


async def contacts(
    session: AsyncSession, partner_id: uuid.UUID, program_id: uuid.UUID
) -> list[SupportContact]:
    """The support list in escalation order."""
    return list(
        await session.scalars(
            select(SupportContact)
            .where(SupportContact.partner_id == partner_id, SupportContact.program_id == program_id)
            .order_by(SupportContact.position)
        )
    )


async def add_contact(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    contact: ContactInput,
    position: int | None,
) -> list[SupportContact]:
    """Add a contact at `position` (1 = first asked; default last) (SUP-02)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    name = clean_text("name", contact.name, TEXT_MAX)
    email = clean_text("email", contact.email, 254)
    phone = clean_text("phone", contact.phone, 40)
    role = clean_text("role", contact.role, TEXT_MAX)
    if not EMAIL.match(email):
        raise input_error("email", Code.INVALID_EMAIL, "email is not an e-mail address")
    if not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6:
        raise input_error("phone", Code.INVALID_PHONE, "phone is not a phone number")
    current = await contacts(session, partner.id, program.id)
    index = len(current) if position is None else max(0, min(position - 1, len(current)))
    current.insert(
        index,
        SupportContact(
            id=uuid.uuid4(),
            partner_id=partner.id,
            program_id=program.id,
            position=0,
            name=name,
            email=email,
            phone=phone,
            role=role,
        ),
    )
    await _renumber(session, current)
    await record(
        session,
        actor,
        "addSupportContact",
        "Partner",
        partner.id,
        {"contact": [None, email], "position": [None, index + 1]},
    )
    return current


async def _renumber(session: AsyncSession, ordered: list[SupportContact]) -> None:
    for offset, row in enumerate(ordered, start=1):
        row.position = -offset  # park first: positions never collide mid-way
        session.add(row)
    await session.flush()
    for offset, row in enumerate(ordered, start=1):
        row.position = offset
    await session.flush()


async def remove_contact(
    session: AsyncSession, actor: Actor, *, contact_id: uuid.UUID
) -> list[SupportContact]:
    """Remove a contact; the last one cannot go while the list is required (SUP-02)."""
    row = await session.get(SupportContact, contact_id)
    if row is None or not actor.may_see_partner(row.partner_id):
        raise input_error("contactId", Code.CONTACT_NOT_FOUND, "no contact has that id")
    current = await contacts(session, row.partner_id, row.program_id)
    if len(current) == 1:
        raise input_error(
            "contactId",
            Code.LAST_CONTACT,
            "the support list needs at least one contact; add another first",
        )
    await session.delete(row)
    remaining = [c for c in current if c.id != row.id]
    await _renumber(session, remaining)
    await record(
        session,
        actor,
        "removeSupportContact",
        "Partner",
        row.partner_id,
        {"contact": [row.email, None]},
    )
    return remaining


async def reorder_contacts(
    session: AsyncSession,
    actor: Actor,
    *,
    partner_id: uuid.UUID | None,
    program_id: uuid.UUID,
    order: list[uuid.UUID],
) -> list[SupportContact]:
    """Put the support list in a new escalation order (every contact exactly once)."""
    partner, program = await scope(session, actor, partner_id, program_id)
    current = {c.id: c for c in await contacts(session, partner.id, program.id)}
    if sorted(order) != sorted(current) or len(set(order)) != len(order):
        raise input_error(
            "contactIds", Code.NOT_A_PERMUTATION, "give every contact of the list exactly once"
        )
    ordered = [current[i] for i in order]
    await _renumber(session, ordered)
    await record(
        session,
        actor,
        "reorderSupportContacts",
        "Partner",
        partner.id,
        {"order": [None, [str(i) for i in order]]},
    )
    return ordered
