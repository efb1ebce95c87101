"""Use cases: create and update partners."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Partner, Program
from rules import partner_fields as pf
from services.actor import Actor
from services.audit.log import record
from services.errors import FieldError, PartnerErrorCode, UseCaseError
from services.programs.typed import spec_of


@dataclass(frozen=True)
class PartnerFields:
    """Partner fields as given; None means 'not given' (kept as is on update)."""

    legal_name: str | None = None
    display_name: str | None = None
    country: str | None = None
    notice_address: str | None = None
    website_domain: str | None = None
    capacities: list[str] | None = None


async def offered_capacities(session: AsyncSession) -> frozenset[str]:
    """Every capacity some loaded program lists (`membership.capacities`, CS-AGR-02)."""
    programs = await session.scalars(select(Program))
    return frozenset(c for p in programs for c in spec_of(p).membership.capacities)


def _check_capacities(
    given: list[str], offered: frozenset[str]
) -> tuple[list[str], list[pf.Problem]]:
    """Lower-cased, de-duplicated capacities; each must be listed by a loaded program."""
    values = sorted({c.strip().lower() for c in given})
    problems = [
        pf.Problem(
            "capacities",
            "unknown_capacity",
            f"no program lists the capacity {c!r}; known: {', '.join(sorted(offered)) or 'none'}",
        )
        for c in values
        if c not in offered
    ]
    return values, problems


def _clean(fields: PartnerFields, offered: frozenset[str], *, creating: bool) -> dict[str, object]:
    """Checked, normalised values of the given fields; raise with every problem found."""
    values: dict[str, object] = {}
    problems: list[pf.Problem] = []
    texts = (
        ("legal_name", "legalName", fields.legal_name, pf.NAME_MAX),
        ("display_name", "displayName", fields.display_name, pf.NAME_MAX),
        ("notice_address", "noticeAddress", fields.notice_address, pf.ADDRESS_MAX),
    )
    for attr, name, value, limit in texts:
        if value is None:
            if creating and attr != "display_name":
                problems.append(pf.Problem(name, "required", f"{name} is required"))
            continue
        values[attr], problem = pf.check_text(name, value, limit)
        problems += [problem] if problem else []
    if creating and fields.display_name is None and "legal_name" in values:
        values["display_name"] = values["legal_name"]
    if fields.country is not None:
        values["country"], problem = pf.check_country(fields.country)
        problems += [problem] if problem else []
    elif creating:
        problems.append(pf.Problem("country", "required", "country is required"))
    if fields.website_domain is not None:
        values["website_domain"], problem = pf.check_domain(fields.website_domain)
        problems += [problem] if problem else []
    if fields.capacities is not None:
        values["capacities"], found = _check_capacities(fields.capacities, offered)
        problems += found
    if problems:
        raise UseCaseError(
            [FieldError(("input", p.field), PartnerErrorCode(p.code), p.message) for p in problems]
        )
    return values


async def create_partner(session: AsyncSession, actor: Actor, fields: PartnerFields) -> Partner:
    """Create a partner (admins only)."""
    if not actor.is_admin:
        raise UseCaseError.one(
            ["input"], PartnerErrorCode.FORBIDDEN, "only an admin key can create partners"
        )
    offered = await offered_capacities(session)
    values = _clean(fields, offered, creating=True)
    partner = Partner(id=uuid.uuid4(), version=1, **{"capacities": [], **values})
    session.add(partner)
    await session.flush()
    await record(
        session,
        actor,
        "createPartner",
        "Partner",
        partner.id,
        {k: [None, v] for k, v in values.items()},
    )
    return partner


async def update_partner(
    session: AsyncSession,
    actor: Actor,
    partner_id: uuid.UUID,
    fields: PartnerFields,
    expected_version: int | None = None,
) -> Partner:
    """Change the given fields of a partner (admins, or the partner's own key)."""
    partner = await session.get(Partner, partner_id, with_for_update=True)
    if partner is None or not actor.may_see_partner(partner_id):
        raise UseCaseError.one(
            ["input", "id"], PartnerErrorCode.NOT_FOUND, "no partner has that id"
        )
    if expected_version is not None and expected_version != partner.version:
        raise UseCaseError.one(
            ["input", "expectedVersion"],
            PartnerErrorCode.STALE_VERSION,
            f"the partner is at version {partner.version}, not {expected_version}",
        )
    offered = await offered_capacities(session)
    values = _clean(fields, offered, creating=False)
    if not values:
        raise UseCaseError.one(
            ["input"], PartnerErrorCode.NOTHING_TO_UPDATE, "give at least one field to change"
        )
    changes = {k: [getattr(partner, k), v] for k, v in values.items() if getattr(partner, k) != v}
    for key, (_, new) in changes.items():
        setattr(partner, key, new)
    if changes:
        partner.version += 1
        await session.flush()
        await record(session, actor, "updatePartner", "Partner", partner.id, changes)
    return partner
