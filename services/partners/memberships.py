"""Use cases: enrol a partner in a program, directly or by signing its agreement."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import NamedTuple

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Membership, Partner, Program, TierChange, facts
from models.base import utcnow
from models.fact_objects import new
from models.partners.queries import membership_of, program_tiers
from rules import tiers as tier_rules
from rules.bounded_cache import BoundedCache
from rules.citations import cited_in
from rules.enums import MembershipStatus
from services.actor import Actor
from services.audit.log import record
from services.errors import MembershipErrorCode, UseCaseError
from services.fact_dates import FactDate, fact_date
from services.fact_dates import program_today as program_today  # re-exported
from services.programs.typed import spec_of

Code = MembershipErrorCode


async def enroll_partner(
    session: AsyncSession,
    actor: Actor,
    partner_id: uuid.UUID,
    program_id: uuid.UUID,
    joined_on: date | None = None,
) -> Membership:
    """Start a membership at the program's lowest tier (SEG-TIER-01), on its own day
    (`joined_on`: default the program's today; admin keys may give a past day, issue 11).

    The status it starts in is program data (`membership.entry_status`): both seed programs
    start as applicants until the agreement takes effect (SEG-AGR-01, CS-AGR-01).
    """
    partner = await session.get(Partner, partner_id)
    if partner is None or not actor.may_see_partner(partner_id):
        raise UseCaseError.one(
            ["input", "partnerId"], Code.PARTNER_NOT_FOUND, "no partner has that id"
        )
    program = await session.get(Program, program_id)
    if program is None:
        raise UseCaseError.one(
            ["input", "programId"], Code.PROGRAM_NOT_FOUND, "no program has that id"
        )
    rules = spec_of(program).membership
    offered = {str(c) for c in rules.capacities}
    if not offered & set(partner.capacities):
        raise UseCaseError.one(
            ["input", "partnerId"],
            Code.CAPACITY_NOT_OFFERED,
            f"{program.slug} takes partners acting as {', '.join(sorted(offered))}; "
            "add one of these capacities to the partner first"
            f"{cited_in(rules.cites.get('capacities', []))}",
        )
    if await membership_of(session, partner.id, program.id) is not None:
        raise _already_enrolled(program.slug)
    status = rules.entry_status
    dated = fact_date(program, actor, joined_on, "joinedOn", Code)
    return await start_membership(session, actor, partner, program, status, dated.day, dated)


async def start_membership(
    session: AsyncSession,
    actor: Actor,
    partner: Partner,
    program: Program,
    status: MembershipStatus,
    today: date,
    dated: FactDate | None = None,
    *,
    answer_race: bool = True,
) -> Membership:
    """Create a membership at the entry tier, opening its tier history (SEG-TIER-01); `dated`
    marks a backfilled enrolment in the audit log. A membership a concurrent request made
    first answers ALREADY_ENROLLED; with `answer_race=False` its IntegrityError is raised
    instead, for the caller's transaction to run again and see it (`Context.run`)."""
    entry = await entry_tier(session, program)
    membership = Membership(
        id=uuid.uuid4(),
        partner_id=partner.id,
        program_id=program.id,
        tier_id=entry.id,
        status=status,
        joined_on=today,
        version=1,
        status_reason="enrolled",
    )
    slug = program.slug  # read before the flush: a failed flush expires loaded attributes
    race = _already_enrolled(slug) if answer_race else None
    if facts.batching(session):  # written with the facts, the key checked there (issue 14)
        facts.add_new(session, membership, conflict=race)
    else:
        session.add(membership)
        try:
            await session.flush()
        except IntegrityError as exc:  # the (partner, program) key, even under a race
            if race is None:
                raise
            raise race from exc
    facts.add(
        session,
        new(
            TierChange,
            id=uuid.uuid4(),
            membership_id=membership.id,
            from_tier_id=None,
            to_tier_id=entry.id,
            reason="Enrolled at the program's entry tier"
            f"{cited_in(spec_of(program).membership.cites.get('entry_tier', []))}",
            effective_on=today,
            changed_at=utcnow(),
            actor_key_id=actor.key_id,
        ),
    )
    await record(
        session,
        actor,
        "enrollPartner",
        "Membership",
        membership.id,
        {
            "partner_id": [None, str(partner.id)],
            "program": [None, slug],
            "tier": [None, entry.key],
            "status": [None, status.value],
        },
        dated=dated,
    )
    return membership


class EntryTier(NamedTuple):
    """The tier a new member starts at (SEG-TIER-01)."""

    id: uuid.UUID
    key: str


_ENTRY_TIERS: BoundedCache[tuple[uuid.UUID, str], EntryTier] = BoundedCache(256)


async def entry_tier(session: AsyncSession, program: Program) -> EntryTier:
    """The program's entry tier, its lowest (SEG-TIER-01). A program's tiers change only with
    its file (services/programs/loader.py writes them with the file's definition_sha256), so it
    is worked out once per program file version (issue 14: the tiers were read per enrolment)."""
    key = (program.id, program.definition_sha256)
    found = _ENTRY_TIERS.entries.get(key) if program.definition_sha256 else None
    if found is None:
        tiers = await program_tiers(session, program.id)
        lowest = tier_rules.entry_tier(tiers)
        found = EntryTier(lowest.id, lowest.key)
        if program.definition_sha256:
            _ENTRY_TIERS.put(key, found)
    return found


class Unread(enum.Enum):
    """A membership not read yet (None: read, and there is none)."""

    UNREAD = "unread"


UNREAD = Unread.UNREAD


async def enrol_on_agreement(
    session: AsyncSession,
    actor: Actor,
    partner: Partner,
    program: Program,
    *,
    membership_agreement_in_effect: bool,
    reason: str,
    today: date,
    membership: Membership | Unread | None = UNREAD,
) -> None:
    """Keep the membership in step with a signed agreement (SEG-AGR-01, CS-AGR-01).

    A signature without a membership enrols the partner: active when the signed agreement is a
    membership agreement now in effect, an applicant otherwise. Such an agreement taking effect
    later makes an applicant active; `reason` says which. `membership`: the partner's, when
    read already (services/agreements/first_read.py).
    """
    if membership is UNREAD:
        membership = await membership_of(session, partner.id, program.id)
    if membership is None:
        active = membership_agreement_in_effect
        status = MembershipStatus.ACTIVE if active else MembershipStatus.APPLICANT
        # a concurrent enrolment's membership: the signature runs again and updates it
        await start_membership(session, actor, partner, program, status, today, answer_race=False)
        return
    if today < membership.joined_on:
        await _enrolled_since(session, membership, today)
    if membership_agreement_in_effect and membership.status is MembershipStatus.APPLICANT:
        membership.status = MembershipStatus.ACTIVE
        membership.status_reason = reason
        membership.version += 1


async def _enrolled_since(session: AsyncSession, membership: Membership, day: date) -> None:
    """A signature dated before the enrolment (a backfilled acceptance or application, issue
    11) moves the enrolment back to it: the partner has been a member since it signed."""
    membership.joined_on = day
    membership.version += 1
    await session.execute(
        update(TierChange)
        .where(TierChange.membership_id == membership.id, TierChange.from_tier_id.is_(None))
        .values(effective_on=day)
    )


def _already_enrolled(slug: str) -> UseCaseError:
    return UseCaseError.one(
        ["input", "programId"],
        Code.ALREADY_ENROLLED,
        f"the partner is already a member of {slug}",
    )
