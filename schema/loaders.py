"""Per-request DataLoaders: every relation is read in one batched statement."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Acceptance,
    Agreement,
    Benefit,
    Commission,
    Document,
    Incident,
    Membership,
    Partner,
    Program,
    QualifiedAgreement,
    Referral,
    Requirement,
    TierChange,
)
from models.agreements.queries import acceptances_of_agreements, agreements_of_partners
from models.base import IdMixin
from models.batch import by_ids
from models.commissions.queries import (
    commission_counts,
    commission_of_qualified,
    commission_of_referrals,
    commission_pages,
    payments_of_qualified,
    payout_of_commissions,
    revenue_of_qualified,
    tax_documents_of_partners,
)
from models.documents.queries import current_templates, documents_of_agreements
from models.partners.queries import (
    memberships_and_tiers_of_partners,
    tier_history_of_memberships,
)
from models.partners.records import MembershipRecord
from models.programs.queries import (
    all_programs,
    benefits_of_tiers,
    programs_by_slugs,
    requirements_of_tiers,
    tiers_by_ids,
    tiers_of_programs,
)
from models.referrals.queries import qualified_of_referrals, referral_counts, referral_pages
from models.support.queries import (
    attachments_of_incidents,
    events_of_incidents,
    support_lists,
    support_profiles,
)
from rules.agreement_terms import State
from schema.batching import Loader
from services.fact_dates import program_today

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=IdMixin)


class Loaders:
    """The request's loaders; they share one session, guarded by a lock."""

    def __init__(self, session: AsyncSession, lock: asyncio.Lock) -> None:
        self._session = session
        self._lock = lock
        self._programs: asyncio.Future[list[Program]] | None = None
        # keyed by the UUID's integer: a UUID hashes and compares in Python code, an int
        # does not (looked up once per status of a list's objects; issue 14)
        self._program_map: dict[int, Program] | None = None
        self._today: dict[int, dt.date] = {}
        self.states_today: dict[uuid.UUID, State] = {}
        """Agreement states as of their program's today, computed once per request (statuses;
        a supplementary agreement's reads its parent's)."""
        self.program: Loader[uuid.UUID, Program | None] = Loader(self._programs_by_id)
        self.program_by_slug = self._loader(programs_by_slugs)
        self.tier = self._loader(tiers_by_ids)
        self.benefit = self._by_id(Benefit)
        self.requirement = self._by_id(Requirement)
        self.partner = self._by_id(Partner)
        self.membership = self._by_id(Membership)
        self.tier_change = self._by_id(TierChange)
        self.tiers_of_program = self._loader(tiers_of_programs)
        self.benefits_of_tier = self._loader(benefits_of_tiers)
        self.requirements_of_tier = self._loader(requirements_of_tiers)
        self.memberships_of_partner = Loader(self._memberships_priming_tiers)
        self.tier_history_of_membership = self._loader(tier_history_of_memberships)
        self.agreement = self._by_id(Agreement)
        self.acceptance = self._by_id(Acceptance)
        self.document = self._by_id(Document)
        self.agreements_of_partner = self._loader(agreements_of_partners)
        self.acceptances_of_agreement = self._loader(acceptances_of_agreements)
        self.documents_of_agreement = self._loader(documents_of_agreements)
        self.current_template = self._loader(current_templates)
        self.referral = self._by_id(Referral)
        self.qualified_agreement = self._by_id(QualifiedAgreement)
        self.commission = self._by_id(Commission)
        self.qualified_of_referral = self._loader(qualified_of_referrals)
        self.commission_of_qualified = self._loader(commission_of_qualified)
        self.commission_of_referral = self._loader(commission_of_referrals)
        self.referral_page = self._loader(referral_pages)
        self.referral_count = self._loader(referral_counts)
        self.commission_page = self._loader(commission_pages)
        self.commission_count = self._loader(commission_counts)
        self.payout_of_commission = self._loader(payout_of_commissions)
        self.revenue_of_qualified = self._loader(revenue_of_qualified)
        self.payments_of_qualified = self._loader(payments_of_qualified)
        self.tax_documents_of_partner = self._loader(tax_documents_of_partners)
        self.incident = self._by_id(Incident)
        self.events_of_incident = self._loader(events_of_incidents)
        self.attachments_of_incident = self._loader(attachments_of_incidents)
        self.support_profile = self._loader(support_profiles)
        self.support_list = self._loader(support_lists)

    async def all_programs(self) -> list[Program]:
        """Every program, read once per request (programs are few and read everywhere)."""
        if self._programs is None:
            self._programs = asyncio.ensure_future(self.read(all_programs))
        return await asyncio.shield(self._programs)

    def prime_program(self, program: Program) -> None:
        """A program this request has already read (a mutation's own, as it committed it)."""
        self.program.prime(program.id, program)

    def loaded_program(self, program_id: uuid.UUID) -> Program | None:
        """The program, without awaiting, once this request has read the programs (or primed
        this one); else None."""
        if self._program_map is None:
            future = self._programs
            if future is None or not future.done() or future.cancelled() or future.exception():
                primed = self.program.settled(program_id)
                return None if primed is None else primed.result()
            self._program_map = {p.id.int: p for p in future.result()}
        return self._program_map.get(program_id.int)

    def loaded_today(self, program_id: uuid.UUID) -> dt.date | None:
        """The program's today (its time zone), taken once per request, once the programs are
        read; None before (then await `program.load`)."""
        today = self._today.get(program_id.int)
        if today is None:
            program = self.loaded_program(program_id)
            if program is None:
                return None
            today = self._today[program_id.int] = program_today(program)
        return today

    async def _programs_by_id(self, ids: list[uuid.UUID]) -> list[Program | None]:
        programs = {p.id: p for p in await self.all_programs()}
        return [programs.get(i) for i in ids]

    async def _memberships_priming_tiers(
        self, ids: list[uuid.UUID]
    ) -> list[list[MembershipRecord]]:
        async with self._lock:
            groups = await memberships_and_tiers_of_partners(self._session, ids)
        for group in groups:
            for _, tier in group:
                self.tier.prime(tier.id, tier)
        return [[membership for membership, _ in group] for group in groups]

    def _by_id(self, model: type[M]) -> Loader[uuid.UUID, M | None]:
        async def fetch(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[M | None]:
            return await by_ids(session, model, ids)

        return self._loader(fetch)

    def _loader(
        self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
    ) -> Loader[K, V]:
        async def load(keys: list[K]) -> Sequence[V]:
            async with self._lock:
                return await fetch(self._session, keys)

        return Loader(load)

    async def read(self, fetch: Callable[[AsyncSession], Awaitable[V]]) -> V:
        """Run a one-off read (a page, a count) on the request's session."""
        async with self._lock:
            return await fetch(self._session)
