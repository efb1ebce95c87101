"""Per-request DataLoaders: every relation is read in one batched statement."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from functools import cached_property
from typing import Generic, TypeVar, overload

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
from models.batch import by_ids, dialect_of
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


def _by_ids(
    model: type[M],
) -> Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[Sequence[M | None]]]:
    async def fetch(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[M | None]:
        return await by_ids(session, model, ids)

    return fetch


class _Batched(Generic[K, V]):
    """A loader of the request made on its first use (issue 14): a request uses a few of its
    ~40 loaders, and making them all took ~0.23 ms per request (twice for a mutation, whose
    loaders are renewed after its use case). A non-data descriptor: the loader made is kept in
    the instance's __dict__, which later reads find first."""

    def __init__(
        self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
    ) -> None:
        self._fetch = fetch
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, loaders: None, owner: type) -> _Batched[K, V]: ...

    @overload
    def __get__(self, loaders: Loaders, owner: type) -> Loader[K, V]: ...

    def __get__(self, loaders: Loaders | None, owner: type) -> _Batched[K, V] | Loader[K, V]:
        if loaders is None:
            return self
        loader = loaders.__dict__[self._name] = loaders._loader(self._fetch)
        return loader


class Loaders:
    """The request's loaders; they share one session, guarded by a lock."""

    program_by_slug = _Batched(programs_by_slugs)
    tier = _Batched(tiers_by_ids)
    benefit = _Batched(_by_ids(Benefit))
    requirement = _Batched(_by_ids(Requirement))
    partner = _Batched(_by_ids(Partner))
    membership = _Batched(_by_ids(Membership))
    tier_change = _Batched(_by_ids(TierChange))
    tiers_of_program = _Batched(tiers_of_programs)
    benefits_of_tier = _Batched(benefits_of_tiers)
    requirements_of_tier = _Batched(requirements_of_tiers)
    tier_history_of_membership = _Batched(tier_history_of_memberships)
    agreement = _Batched(_by_ids(Agreement))
    acceptance = _Batched(_by_ids(Acceptance))
    document = _Batched(_by_ids(Document))
    agreements_of_partner = _Batched(agreements_of_partners)
    acceptances_of_agreement = _Batched(acceptances_of_agreements)
    documents_of_agreement = _Batched(documents_of_agreements)
    current_template = _Batched(current_templates)
    referral = _Batched(_by_ids(Referral))
    qualified_agreement = _Batched(_by_ids(QualifiedAgreement))
    commission = _Batched(_by_ids(Commission))
    qualified_of_referral = _Batched(qualified_of_referrals)
    commission_of_qualified = _Batched(commission_of_qualified)
    commission_of_referral = _Batched(commission_of_referrals)
    referral_page = _Batched(referral_pages)
    referral_count = _Batched(referral_counts)
    commission_page = _Batched(commission_pages)
    commission_count = _Batched(commission_counts)
    payout_of_commission = _Batched(payout_of_commissions)
    revenue_of_qualified = _Batched(revenue_of_qualified)
    payments_of_qualified = _Batched(payments_of_qualified)
    tax_documents_of_partner = _Batched(tax_documents_of_partners)
    incident = _Batched(_by_ids(Incident))
    events_of_incident = _Batched(events_of_incidents)
    attachments_of_incident = _Batched(attachments_of_incidents)
    support_profile = _Batched(support_profiles)
    support_list = _Batched(support_lists)

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

    @property
    def dialect(self) -> str:
        """The name of the request's database dialect (postgresql, sqlite)."""
        return dialect_of(self._session)

    @cached_property
    def program(self) -> Loader[uuid.UUID, Program | None]:
        """Programs by id, from the request's one read of every program."""
        return Loader(self._programs_by_id)

    @cached_property
    def memberships_of_partner(self) -> Loader[uuid.UUID, list[MembershipRecord]]:
        """A partner's memberships, their tiers primed into `tier`."""
        return Loader(self._memberships_priming_tiers)

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

    def _loader(
        self, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
    ) -> Loader[K, V]:
        async def load(keys: list[K]) -> Sequence[V]:
            async with self._lock:
                return await fetch(self._session, keys)

        return Loader(load)

    def close(self) -> None:
        """Forget what the request loaded, once its answer is built. Each loader's batch
        function refers back to these loaders (a reference cycle), so without this everything
        the request read would wait for the cyclic garbage collector instead of being freed at
        once (issue 14: thousands of objects per dashboard, ~15% of its CPU). A loader used
        afterwards is made anew; at the request's end (`Context.settle_background`) its read
        then ends in the closed lock's RequestEndedError."""
        made = [name for name, value in self.__dict__.items() if isinstance(value, Loader)]
        for name in made:
            self.__dict__.pop(name).futures.clear()
        self._programs = None
        self._program_map = None
        self._today.clear()
        self.states_today.clear()

    async def read(self, fetch: Callable[[AsyncSession], Awaitable[V]]) -> V:
        """Run a one-off read (a page, a count) on the request's session."""
        async with self._lock:
            return await fetch(self._session)
